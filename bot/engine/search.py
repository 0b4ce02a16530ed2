"""Free text -> topics. "патент", "ruxsatnoma" and "gfcgjhn" all find their topic.

The index is built from the flows (titles, keywords) and their translations in every catalogue,
so a new translation or keyword improves search without code. Queries and phrases are folded
the same way (``normalize.fold``) and compared with rapidfuzz, which tolerates typos; the query is
also tried as if typed on the other keyboard layout. Red-flag phrases (a passport taken, being
locked in or beaten, months without pay, debt) are matched separately so the bot can always offer
a person and the help lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.engine.normalize import fold, layout_variants

MIN_SCORE = 60.0  # below this a topic is not suggested
RED_FLAG_SCORE = 86.0


@dataclass(frozen=True)
class Hit:
    flow: str
    score: float


def _score(query: str, phrase: str) -> float:
    if not query or not phrase:
        return 0.0
    full = fuzz.ratio(query, phrase)
    if len(query) < 4:
        return full
    # Long phrases: the query may be one word of it ("patent" in "ishga ruhsat patent").
    # A word of a longer phrase counts a little less than the whole phrase, so "patent" prefers
    # the keyword "patent" to "patent russia".
    best_word = 0.92 * max((fuzz.ratio(query, w) for w in phrase.split() if len(w) >= 3), default=0.0)
    partial = fuzz.partial_ratio(query, phrase) if len(phrase) <= len(query) * 3 else 0.0
    tokens = fuzz.token_set_ratio(query, phrase)
    return max(full, best_word, partial * 0.95, tokens * 0.95)


class TopicIndex:
    def __init__(self, phrases: Iterable[tuple[str, str]], red_flags: Iterable[str] = ()):
        self.phrases: list[tuple[str, str]] = []
        seen: set[tuple[str, str]] = set()
        for flow, phrase in phrases:
            folded = fold(phrase)
            if folded and (flow, folded) not in seen:
                seen.add((flow, folded))
                self.phrases.append((flow, folded))
        self.red_flags = sorted({fold(p) for p in red_flags if fold(p)})

    @classmethod
    def build(cls, topics: dict[str, tuple[str, list[str]]], translators: Iterable[Callable[[str], str]],
              red_flags: Iterable[str] = ()) -> TopicIndex:
        """``topics``: flow id -> (title msgid, keywords). Titles are added in every language."""
        translators = list(translators)
        phrases: list[tuple[str, str]] = []
        for flow, (title, keywords) in topics.items():
            phrases.append((flow, title))
            phrases.extend((flow, tr(title)) for tr in translators)
            phrases.extend((flow, k) for k in keywords)
        return cls(phrases, red_flags)

    def search(self, query: str, limit: int = 3) -> list[Hit]:
        """The best topics for ``query``, best first (at most ``limit``; may be fewer)."""
        variants = [fold(v) for v in layout_variants(query)]
        best: dict[str, float] = {}
        for flow, phrase in self.phrases:
            score = max(_score(v, phrase) for v in variants)
            if score > best.get(flow, 0.0):
                best[flow] = score
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
        return [Hit(flow, round(score, 1)) for flow, score in ranked[:limit]]

    def suggest(self, query: str, limit: int = 3) -> list[Hit]:
        return [h for h in self.search(query, limit) if h.score >= MIN_SCORE]

    def is_red_flag(self, query: str) -> bool:
        variants = [fold(v) for v in layout_variants(query)]
        for flag in self.red_flags:
            for v in variants:
                if fuzz.partial_ratio(flag, v) >= RED_FLAG_SCORE if len(v) >= len(flag) else \
                        fuzz.ratio(flag, v) >= RED_FLAG_SCORE:
                    return True
        return False
