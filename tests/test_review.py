"""The review pack: every topic, entry and fact in one offline HTML file, and marks coming back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from bot.engine.registry import Registry
from bot.engine.schema import HandoffNode, OutcomeNode, QuestionNode
from bot.i18n import tools
from bot.i18n.review.apply import apply_marks
from bot.i18n.review.diagram import build_graph, svg
from bot.i18n.review.pack import build_pack, render_html

from .test_i18n import ROOT, copy_project

TODAY = dt.date(2026, 11, 26)


def _msgids() -> list[str]:
    return [str(m.id if isinstance(m.id, str) else m.id[0]) for m in tools._read(tools.Paths(ROOT).template) if m.id]


def test_every_catalogue_entry_is_in_the_pack_with_its_translation(registry: Registry) -> None:
    pack = build_pack(registry, ROOT / "content/locales", "kk", TODAY, _msgids())
    assert set(pack.msgids()) == set(_msgids())
    assert {t.id for t in pack.topics} == set(registry.flows)
    page = render_html(pack)
    for flow in registry.flows.values():
        for n in flow.nodes:
            if isinstance(n, (OutcomeNode, HandoffNode, QuestionNode)):
                assert f'id="e-{flow.id}-{n.id}"' in page, (flow.id, n.id)
            if isinstance(n, OutcomeNode):
                assert f"Checked on (verified_on): {n.verified_on}" in page
                assert all(source.replace('"', "&quot;") in page for source in n.sources)
    # English and Kazakh side by side, and amounts as each reader sees them
    assert "Сенім телефондарын жіберу" in page and "Send help lines" in page
    assert "{tax_month} = 17,300\xa0₸ / 17\xa0300\xa0₸ (4 × MRP 2026)" in page
    assert "Rule switched by date" in page  # registration rules from 1 July 2026


def test_the_pack_is_self_contained(registry: Registry) -> None:
    page = render_html(build_pack(registry, ROOT / "content/locales", "uz", TODAY, _msgids()))
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page and "mermaid" not in page.lower()
    assert page.count("<svg") == len(registry.flows)


def test_a_flow_is_drawn_with_every_node_and_option(registry: Registry) -> None:
    flow = registry.flows["work_permit"]
    graph = build_graph(flow)
    assert {n.id for n in flow.nodes} <= set(graph.boxes)
    options = [o.label for n in flow.nodes if isinstance(n, QuestionNode) for o in n.options]
    drawn = svg(flow)
    assert all(label.split()[0] in drawn for label in options)
    # nothing overlaps inside a layer
    by_layer: dict[int, list[float]] = {}
    for box in graph.boxes.values():
        by_layer.setdefault(box.layer, []).append(box.x)
    for xs in by_layer.values():
        xs.sort()
        assert all(b - a >= 190 for a, b in zip(xs, xs[1:], strict=False))


def test_a_reviewers_csv_corrects_the_catalogue_and_lists_the_notes(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    marks = io.StringIO()
    writer = csv.writer(marks)
    writer.writerow(["msgid", "language", "checked", "note", "correction"])
    writer.writerow(["Work permit", "uz", "no", "shorter is usual", "Ish uchun ruxsatnoma"])
    writer.writerow(["Work permit", "uz_Cyrl", "no", "", "Иш учун рухсатнома"])
    writer.writerow(["Registration and stay", "kk", "yes", "", ""])
    writer.writerow(["Sending money home", "tg", "no", "check the verb", ""])
    result = apply_marks(root, "\ufeff" + marks.getvalue())
    assert result.corrected == [("uz", "Work permit")]
    assert result.checked == 1
    assert ("tg", "Sending money home", "check the verb") in result.notes
    assert any("Uzbek Cyrillic is generated" in r for r in result.refused)
    uz = (root / "content/locales/uz/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    cyrl = (root / "content/locales/uz_Cyrl/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    assert 'msgid "Work permit"\nmsgstr "Ish uchun ruxsatnoma"' in uz
    assert 'msgid "Work permit"\nmsgstr "Иш учун рухсатнома"' in cyrl  # generated from the Latin


def test_validity_dates_are_shown_when_a_rule_has_them() -> None:
    from types import SimpleNamespace

    from bot.i18n.review.pack import _validity

    rule = SimpleNamespace(valid_from=dt.date(2026, 7, 1), valid_until=None)
    assert _validity(rule) == ["valid from 2026-07-01"]
    assert _validity(SimpleNamespace()) == []


def test_a_pack_exists_for_every_language_with_nothing_left_untranslated(registry: Registry) -> None:
    langs = tools.Paths(ROOT).languages()
    assert set(langs) == {"ru", "uz", "uz_Cyrl", "tg", "ky", "kk"}
    for lang in langs:
        page = render_html(build_pack(registry, ROOT / "content/locales", lang, TODAY, _msgids()))
        assert "not translated" not in page, lang
        assert page.count('class="entry"') >= len(_msgids()), lang
