"""Emergencies recognised in free text, in any language and script, by word stems.

The content brief (section 0) lists what must always bring the help lines and a counsellor when
typed at any point: detained, deported, a child in trouble, pregnant, injured, an entry ban, a
court. People type these in many forms ("меня задержала полиция", "zaderjali", "ushlab
ketishdi", "кармап кетишти"), so an alarm is a few **patterns of stems**, not a list of
sentences. ``content/search.yaml`` holds them; this module matches them.

A pattern is words separated by spaces; every word must match a different word of the message,
within a few words of each other (any order). A word of a pattern matches a word of the message:

* that begins with it, after folding (``normalize.fold``: Cyrillic and Latin, Uzbek and Russian
  spellings, doubled letters); a stem of 4 letters or fewer only when the message's word is at
  most 3 letters longer, so "сот" (court) finds "сотко" and "сотқа" but not "сотрудник";
* with one typo, for stems of 6 letters or more ("задиржали" is "задержали");
* exactly, when the word ends with ``=`` ("суд=" is the word "суд", not "суда", "here");
* one of several, written ``a|b`` ("рук|ног"), or any word of a group, ``@child``.

A word written ``!stem`` must *not* appear anywhere in the message: "задерж !зарплат" is
"detained", not "the salary is late". The message is also read as typed on the other keyboard
layout.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import Levenshtein

from bot.engine.normalize import fold, layout_variants

WINDOW = 5  # the words of a pattern lie within this many words of each other
SHORT_STEM = 4  # stems this long or shorter allow only SHORT_EXTRA more letters
SHORT_EXTRA = 3
FUZZY_STEM = 6  # stems this long or longer tolerate one typo


@dataclass(frozen=True)
class Word:
    """One word of a pattern: its alternatives, each a folded stem and whether it must be whole."""

    stems: tuple[tuple[str, bool], ...]

    def matches(self, token: str) -> bool:
        return any(_stem_matches(stem, token, exact) for stem, exact in self.stems)


@dataclass(frozen=True)
class Pattern:
    words: tuple[Word, ...]
    forbidden: tuple[Word, ...] = ()

    def matches(self, tokens: list[str]) -> bool:
        if any(w.matches(t) for w in self.forbidden for t in tokens):
            return False
        return _placed(self.words, tokens, 0, set(), None)


@dataclass(frozen=True)
class Alarm:
    """What was recognised (``detained``), and whether it is about ``danger`` or ``legal`` trouble."""

    name: str
    about: str
    patterns: tuple[Pattern, ...]
    topic: str | None = None  # the topic offered first (detention for "меня задержали")
    suggest: bool = True  # False: offer no topics, only the help lines and a counsellor
    urgent: bool = True  # the counsellor it offers sees the case as urgent


def _stem_matches(stem: str, token: str, exact: bool) -> bool:
    if exact:
        return token == stem
    if token.startswith(stem):
        return len(stem) > SHORT_STEM or len(token) - len(stem) <= SHORT_EXTRA
    if len(stem) >= FUZZY_STEM:
        return any(Levenshtein.distance(token[:size], stem, score_cutoff=1) <= 1
                   for size in (len(stem) - 1, len(stem), len(stem) + 1) if size <= len(token))
    return False


def _placed(words: tuple[Word, ...], tokens: list[str], i: int, used: set[int], span: tuple[int, int] | None) -> bool:
    """Whether words[i:] can each take a different token, all within WINDOW of each other."""
    if i == len(words):
        return True
    for pos, token in enumerate(tokens):
        if pos in used or not words[i].matches(token):
            continue
        lo, hi = (pos, pos) if span is None else (min(span[0], pos), max(span[1], pos))
        if hi - lo <= WINDOW and _placed(words, tokens, i + 1, used | {pos}, (lo, hi)):
            return True
    return False


def _word(text: str, groups: Mapping[str, list[str]]) -> Word:
    parts: list[str] = []
    for part in text.split("|"):
        if part.startswith("@"):
            if part[1:] not in groups:
                raise ValueError(f"unknown word group {part!r} in an alarm pattern")
            parts.extend(groups[part[1:]])
        else:
            parts.append(part)
    stems = tuple((fold(part), part.endswith("=")) for part in parts if fold(part))
    if not stems:
        raise ValueError(f"empty word in alarm pattern: {text!r}")
    return Word(stems)


def parse_pattern(text: str, groups: Mapping[str, list[str]] | None = None) -> Pattern:
    words: list[Word] = []
    forbidden: list[Word] = []
    for part in text.split():
        if part.startswith("!"):
            forbidden.append(_word(part[1:], groups or {}))
        else:
            words.append(_word(part, groups or {}))
    if not words:
        raise ValueError(f"alarm pattern without words: {text!r}")
    return Pattern(tuple(words), tuple(forbidden))


def load_alarms(data: Mapping[str, Any] | None, groups: Mapping[str, list[str]] | None = None) -> list[Alarm]:
    """Alarms from the ``alarms:`` mapping of ``content/search.yaml``; ``@name`` in a pattern is
    any word of the group ``name`` (its ``alarm_words:``)."""
    out: list[Alarm] = []
    for name, spec in (data or {}).items():
        about = spec.get("about", "danger")
        if about not in ("danger", "legal"):
            raise ValueError(f"alarm {name!r}: 'about' must be danger or legal, not {about!r}")
        patterns = tuple(parse_pattern(p, groups) for p in spec.get("patterns", []))
        if not patterns:
            raise ValueError(f"alarm {name!r} has no patterns")
        topic = spec.get("topic")
        out.append(Alarm(str(name), about, patterns, None if topic in (None, "none") else str(topic),
                         suggest=topic != "none", urgent=bool(spec.get("urgent", True))))
    return out


class AlarmMatcher:
    def __init__(self, alarms: Iterable[Alarm]):
        self.alarms = list(alarms)

    def match(self, text: str) -> Alarm | None:
        """The first alarm that ``text`` raises, or None."""
        variants = [fold(v).split() for v in layout_variants(text)]
        for alarm in self.alarms:
            for tokens in variants:
                if any(p.matches(tokens) for p in alarm.patterns):
                    return alarm
        return None
