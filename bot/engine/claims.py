"""Claims a text may only make with support: which numbers are free, and facts without sources.

Two kinds of confident mistakes are caught here before they ship (``python -m bot check``):

* **"free"**: a number may be called free only when its line in ``content/contacts.yaml`` says
  ``free: true``, which an author sets only where the content brief says so (112, 111, 1414).
  A card line whose text says "free" needs the flag, and in any other text each "free" must
  follow (or, failing that, precede) a number in the same sentence that has it. A sentence that
  says "free" of phone numbers without naming one ("these numbers are free") is refused too.
* **facts without sources**: a handoff that states a rule (a deadline, a fine, what the law says,
  what is valid) must carry ``sources`` and ``verified_on`` like an outcome, so the reader sees
  where it comes from and the "rules change" footer. A phone number in an outcome's or a
  handoff's text must be on one of the cards it shows, which carry their own sources.

The fact test is a list of markers, not understanding: it errs on the side of asking for a
source, which costs an author one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.engine.contacts import ContactCard
from bot.engine.loader import LoadedFlow
from bot.engine.problems import Problem
from bot.engine.schema import HandoffNode, Node, OutcomeNode, node_texts

# "free" as a word of its own: not "visa-free", "toll-free" or "free-text".
FREE = re.compile(r"(?<![\w-])free(?![\w-])", re.IGNORECASE)
# A phone number: a short code (101, 1414) or a long number with spaces (+7 727 269 70 59).
NUMBER = re.compile(r"(?<![\w+.,])(\+?\d[\d ]{5,}\d|\d{3,4})(?![\w.,]\d)")
PHONE_WORDS = re.compile(r"\b(call|calls|number|numbers|line|lines|hotline|hotlines|phone)\b", re.IGNORECASE)
SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
YEAR = re.compile(r"^(19|20)\d\d$")

# Words that make a sentence a statement of a rule, so that it needs a source.
FACT_MARKERS = re.compile(
    r"\b(must|has to|(?<!not )have to|law|laws|legal|illegal|labour code|tax code|criminal code|code of|art\.|article|"
    r"fine|fines|valid|expel\w*|expulsion|ban|banned|prohibited|allowed|deadline|arrest|interest|rights|"
    r"right to|forced labour|"
    r"since (19|20)\d\d|\d+ (days?|months?|years?|mrp|%))\b",
    re.IGNORECASE,
)


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def free_numbers(cards: dict[str, ContactCard]) -> set[str]:
    """The numbers (digits only) whose card line carries the brief's ``free: true``."""
    return {_digits(line.number) for card in cards.values() for line in card.lines if line.number and line.free}


def unsupported_free(text: str, free: set[str]) -> list[str]:
    """Each claim in ``text`` that a number is free which the cards do not support, as a message."""
    out: list[str] = []
    for sentence in SENTENCE.split(text):
        numbers = [(m.start(), _digits(m.group(1))) for m in NUMBER.finditer(sentence)
                   if not YEAR.match(m.group(1))]
        for match in FREE.finditer(sentence):
            before = [n for pos, n in numbers if pos < match.start()]
            after = [n for pos, n in numbers if pos > match.start()]
            number = before[-1] if before else (after[0] if after else None)
            if number is None:
                if PHONE_WORDS.search(sentence):
                    out.append(f"says numbers are free without naming one: {sentence.strip()!r}")
            elif number not in free:
                out.append(f"calls {number} free, but its contact card does not say 'free: true' "
                           f"(only where the content brief says so)")
    return out


def states_facts(text: str, allowed_numbers: Iterable[str] = ()) -> str | None:
    """The first marker that makes ``text`` a statement of a rule, or None.

    Numbers of the cards the node shows are not facts of the text (the cards carry sources).
    """
    allowed = set(allowed_numbers)
    for m in NUMBER.finditer(text):
        if _digits(m.group(1)) not in allowed and not YEAR.match(m.group(1)):
            return m.group(1)
    found = FACT_MARKERS.search(text)
    return found.group(0) if found else None


def _texts(node: Node) -> list[str]:
    return node_texts(node)


def check_claims(flows: dict[str, LoadedFlow], cards: dict[str, ContactCard], contacts_file: str) -> list[Problem]:
    """Every unsupported "free" and every fact-stating handoff without sources."""
    problems: list[Problem] = []
    free = free_numbers(cards)
    for name, card in cards.items():
        for entry in card.lines:
            if FREE.search(entry.text) and not entry.free:
                problems.append(Problem(contacts_file, 1, name, f"line {entry.number or entry.text!r} says 'free' "
                                        "without 'free: true' (set it only where the content brief says so)"))
            if entry.free and not entry.number:
                problems.append(Problem(contacts_file, 1, name, "'free: true' on a line without a number"))
    for lf in flows.values():
        for node in lf.flow.nodes:
            line = lf.node_lines.get(node.id, 1)
            for text in _texts(node):
                for message in unsupported_free(text, free):
                    problems.append(Problem(lf.file, line, node.id, message))
            if not isinstance(node, (OutcomeNode, HandoffNode)):
                continue
            shown = {_digits(ln.number) for c in node.contacts if c in cards for ln in cards[c].lines if ln.number}
            for m in NUMBER.finditer(node.text):
                number = _digits(m.group(1))
                if number not in shown and not YEAR.match(m.group(1)) and number in _all_numbers(cards):
                    problems.append(Problem(lf.file, line, node.id, f"mentions {m.group(1)} but shows no card "
                                            "with it; add that card to 'contacts'"))
            if isinstance(node, HandoffNode) and not node.sources:
                marker = states_facts(node.text, shown | _all_numbers(cards))
                if marker is not None:
                    problems.append(Problem(lf.file, line, node.id, f"states facts ({marker!r}) without 'sources' "
                                            "and 'verified_on'; a handoff that says what the rules are cites them"))
    return problems


def _all_numbers(cards: dict[str, ContactCard]) -> set[str]:
    return {_digits(line.number) for card in cards.values() for line in card.lines if line.number}
