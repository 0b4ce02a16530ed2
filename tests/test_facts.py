"""Facts the content brief supports, and nothing more: each kind of past mistake has a test.

* 111 is the line for families, women and children (brief D.3), not a forced-labour line, and
  every result of the forced-labour check shows 112 first;
* a number is called free only where the brief says so (``free: true`` in content/contacts.yaml),
  in the English source and in every translation;
* a handoff that states a rule cites its sources, and shows them with the "rules change" footer.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.conversation.screens import Presenter
from bot.engine.claims import FREE, free_numbers, states_facts, unsupported_free
from bot.engine.contacts import load_contacts
from bot.engine.events import Handoff, Outcome
from bot.engine.inputs import Choose, Text
from bot.engine.registry import Registry, check_flows
from bot.engine.runner import Engine
from bot.engine.schema import HandoffNode, OutcomeNode
from bot.i18n import texts
from bot.i18n.catalogs import Catalogs

from .conftest import ROOT
from .engine.test_validate import write_flows

FREE_WORDS = {"ru": r"бесплат", "uz": r"bepul", "uz_Cyrl": r"бепул", "tg": r"ройгон|бепул|бе пул",
              "ky": r"акысыз|бекер", "kk": r"тегін"}


def _template_ids() -> list[str]:
    with (ROOT / "content" / "locales" / "messages.pot").open("rb") as f:
        return [m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id]


def test_every_forced_labour_result_shows_112_first(registry: Registry) -> None:
    emergency = registry.contacts["emergency"]
    assert emergency.lines[0].number == "112"
    ends = [n for n in registry.flows["trafficking"].nodes if isinstance(n, (OutcomeNode, HandoffNode))]
    assert len(ends) >= 3
    for node in ends:
        assert node.contacts[:1] == ["emergency"], node.id
    assert registry.node("start", "emergency").contacts[:1] == ["emergency"]  # type: ignore[union-attr]


def test_111_is_never_presented_as_a_forced_labour_line(registry: Registry) -> None:
    card = registry.contacts["helpline"]
    assert [ln.number for ln in card.lines] == ["111"]
    for text in [card.title, *(ln.text for ln in card.lines)]:
        assert not re.search(r"forced|traffick|held|slave", text, re.I), text
    for msgid in _template_ids():
        if re.search(r"\b111\b", msgid):
            assert not re.search(r"forced|traffick|held|slave", msgid, re.I), msgid


def test_only_the_numbers_the_brief_calls_free_are_flagged() -> None:
    cards = load_contacts(ROOT / "content" / "contacts.yaml")
    assert free_numbers(cards) == {"112", "111", "1414"}


def test_no_text_anywhere_calls_an_unsupported_number_free() -> None:
    free = free_numbers(load_contacts(ROOT / "content" / "contacts.yaml"))
    wrong = {msgid: problems for msgid in _template_ids() if (problems := unsupported_free(msgid, free))}
    assert not wrong


@pytest.mark.parametrize("lang", sorted(FREE_WORDS))
def test_translations_say_free_only_where_the_english_does(lang: str) -> None:
    with (ROOT / "content" / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    wrong = []
    for m in catalog:
        if not m.id:
            continue
        source = m.id if isinstance(m.id, str) else m.id[0]
        translated = " ".join(m.string) if isinstance(m.string, tuple) else (m.string or "")
        if re.search(FREE_WORDS[lang], translated, re.I) and not FREE.search(source):
            wrong.append(source)
    assert not wrong


@pytest.mark.parametrize(("text", "ok"), [
    ("Call 112 (free, works without money on your phone) or the police on 102.", True),
    ("Call 102, it is free.", False),
    ("These numbers help at any time, for free:", False),
    ("Citizens of visa-free countries may stay 30 days.", True),
    ("The 1414 contact centre is free.", True),
])
def test_free_claims(text: str, ok: bool) -> None:
    assert (unsupported_free(text, {"112", "111", "1414"}) == []) is ok


def test_check_refuses_a_card_that_calls_a_number_free_without_the_flag(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "contacts.yaml").write_text(textwrap.dedent("""\
        cards:
          police:
            title: "Police"
            lines:
              - number: "102"
                text: "Police. Free."
            sources: ["somewhere"]
            verified_on: 2026-11-26
        """), encoding="utf-8")
    report = check_flows(write_flows(tmp_path), content)
    assert any("says 'free' without 'free: true'" in p.message for p in report.errors)


HANDOFF_FLOW = """\
spec_version: 1
id: topic
title: "Topic"
start: h
nodes:
  - id: h
    type: handoff
    category: x
    text: "{text}"
"""


@pytest.mark.parametrize(("text", "flagged"), [
    ("Overstaying more than 3 days brings a fine of 10 MRP. Talk to a counsellor.", True),
    ("A permit is valid only in the region where it was issued.", True),
    ("A counsellor can help with questions the bot does not cover.", False),
    ("The rules for your country are different. A counsellor will help you.", False),
])
def test_check_asks_a_fact_stating_handoff_for_sources(tmp_path: Path, text: str, flagged: bool) -> None:
    flows = write_flows(tmp_path, topic=HANDOFF_FLOW.replace("{text}", text))
    report = check_flows(flows, ROOT / "content")
    assert any("states facts" in p.message for p in report.errors) is flagged
    assert (states_facts(text) is not None) is flagged


def test_every_shipped_handoff_that_states_facts_has_sources(registry: Registry) -> None:
    for flow in registry.flows.values():
        for node in flow.nodes:
            if isinstance(node, HandoffNode) and not node.sources:
                shown = {ln.number for c in node.contacts for ln in registry.contacts[c].lines if ln.number}
                assert states_facts(node.text, {n for n in shown if n}) is None, f"{flow.id}/{node.id}"


def test_a_handoff_with_sources_shows_them_and_the_rules_change_footer(registry: Registry) -> None:
    node = registry.node("work_permit", "permit_expired")
    assert isinstance(node, HandoffNode) and node.sources
    event = Handoff(flow="work_permit", node=node.id, text=node.text, urgency=node.urgency, category=node.category,
                    contacts=tuple(node.contacts), params={}, sources=tuple(node.sources),
                    verified_on=node.verified_on)
    tr = Catalogs(ROOT / "content" / "locales").get("ru")
    screen = Presenter(registry.contacts).screens([event], tr)[0]
    assert node.sources[0] in screen.text
    assert tr(texts.RULES_CHANGE) in screen.text


# The migration-cycle topics (issue 15) say what brief sections G and I say, and no more:
# * G.2: refunds for organised migration cover the exam, the work visa and the ticket (not a
#   ticket home), paid within a month after starting work;
# * G.5: the ILO rule is that workers pay no recruitment fee. "The employer pays" is the Uzbek
#   draft law's wording, and whether it was adopted is unverified (brief 8.1, item 17);
# * I.3: an uncollected cash transfer becomes "unclaimed" and the sender can take it back; it
#   does not go back by itself.
CYCLE_WORDING = [
    ("departure", "agencies_uz", "ticket back", "get back part of the cost"),
    ("departure", "fee_asked", "employer pays", "in whole or in part"),
    ("receiving_money", "money_lost", "goes back to the sender", "the sender can take it back"),
]
# The same wrong claims, as the translations had them
CYCLE_WRONG_TRANSLATED = {
    "ru": ["Платит работодатель", "возвращается отправителю"],
    "uz": ["Ish beruvchi toʻlaydi", "yuboruvchiga qaytadi"],
    "uz_Cyrl": ["Иш берувчи тўлайди", "юборувчига қайтади"],
    "tg": ["Корфармо пардохт мекунад", "ба фиристанда бармегардад"],
    "ky": ["Иш берүүчү төлөйт", "жөнөтүүчүгө кайтат"],
    "kk": ["Жұмыс беруші төлейді", "жіберушіге қайтады"],
}


@pytest.mark.parametrize(("flow", "node", "wrong", "right"), CYCLE_WORDING)
def test_cycle_texts_say_no_more_than_the_brief(registry: Registry, flow: str, node: str, wrong: str,
                                                 right: str) -> None:
    text = registry.node(flow, node).text  # type: ignore[union-attr]
    assert wrong not in text and right in text


@pytest.mark.parametrize("lang", sorted(CYCLE_WRONG_TRANSLATED))
def test_cycle_translations_say_no_more_than_the_brief(registry: Registry, lang: str) -> None:
    tr = Catalogs(ROOT / "content" / "locales").get(lang)
    for flow, node, _, _ in CYCLE_WORDING:
        translated = tr(registry.node(flow, node).text)  # type: ignore[union-attr]
        assert translated != registry.node(flow, node).text, f"{lang}: {flow}/{node} is not translated"  # type: ignore[union-attr]
        for wrong in CYCLE_WRONG_TRANSLATED[lang]:
            assert wrong not in translated, f"{lang}: {flow}/{node}"


CYCLE_FLOWS = ("departure", "return_home", "lost_contact", "receiving_money")


@pytest.mark.parametrize("flow", CYCLE_FLOWS)
def test_every_cycle_answer_has_sources_the_footer_and_the_counsellor_button(registry: Registry, flow: str) -> None:
    tr = Catalogs(ROOT / "content" / "locales").get("en")
    presenter = Presenter(registry.contacts)
    ends = [n for n in registry.flows[flow].nodes if isinstance(n, (OutcomeNode, HandoffNode))]
    assert ends
    for node in ends:
        assert node.sources and node.verified_on is not None, f"{flow}/{node.id}"
        assert getattr(node, "offer_counsellor", True), f"{flow}/{node.id}"
        event = Handoff(flow=flow, node=node.id, text=node.text, urgency="normal", category="x",
                        contacts=tuple(node.contacts), params={}, sources=tuple(node.sources),
                        verified_on=node.verified_on)
        screen = presenter.screens([event], tr)[-1]
        assert node.sources[0] in screen.text and tr(texts.RULES_CHANGE) in screen.text, f"{flow}/{node.id}"
        assert tr(texts.COUNSELLOR) in [b.label for b in screen.nav], f"{flow}/{node.id}"


@pytest.mark.parametrize("today", [dt.date(2026, 6, 15), dt.date(2026, 12, 1)], ids=["old rules", "new rules"])
def test_an_eaeu_citizen_is_never_told_to_get_a_work_permit(registry: Registry, today: dt.date) -> None:
    # Citizens of EAEU countries need no work permit (brief A.2-EAEU) and cannot get the household
    # one; working, their stay follows the contract (B.2).
    engine = Engine(registry, lambda: today)
    state, _ = engine.start("stay")
    for step in (Choose(0), Choose(3), Text(f"{today - dt.timedelta(days=10):%d.%m.%Y}"), Choose(0)):
        state, _ = engine.advance(state, step)  # EAEU, none of these documents, entered 10 days ago, no other visits
    state, events = engine.advance(state, Choose(0))  # registered (or the host notified): yes
    outcome = events[-1]
    assert isinstance(outcome, Outcome) and "permit" not in outcome.text and "contract" in outcome.text, outcome.text
    assert [d.kind for d in outcome.deadlines] == ["stay_end"]
    assert "permit" not in texts.REMINDER_STAY_END  # the reminder of that day goes to EAEU citizens too


def test_a_text_that_says_a_permit_lets_you_stay_cites_the_source_for_it(registry: Registry) -> None:
    # "The stay follows the permit" is only implied by the permit's term (brief B.2, [S4] Korgan-Zan):
    # every answer that tells someone a permit lets them stay on cites that source.
    says_so = re.compile(r"get a permit|follows the permit", re.IGNORECASE)
    missing = [f"{flow.id}/{node.id}" for flow in registry.flows.values() for node in flow.nodes
               if isinstance(node, (OutcomeNode, HandoffNode)) and says_so.search(node.text)
               and not any("Korgan-Zan" in s for s in node.sources)]
    assert missing == []
