"""Free text -> topics. "патент", "ruxsatnoma" and "gfcgjhn" all find their topic.

Two signals, both over text folded the same way (``normalize.fold``: scripts, spellings and
keyboard layouts made comparable):

* phrases: each topic's title and keywords, compared whole with rapidfuzz (tolerates typos);
* words: every word of the topic's questions, buttons and answers in every language of the
  catalogues. Each word of the query is matched to its closest word in each topic (a shared
  stem counts, for Turkic endings: "urishyapti" ~ "urishdi"), weighted by how specific the word
  is (a word found in every topic says little).

So a new translation or keyword improves search without code. Red-flag phrases (a passport
taken, being locked in or beaten, months without pay, debt) are matched separately so the bot
can always offer a person and the help lines, and so are the emergencies of the brief (detained,
deported, a child in trouble, pregnant, injured, an entry ban, a court), by word stems
(``bot/engine/alarms.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.engine.alarms import Alarm, AlarmMatcher
from bot.engine.normalize import fold, layout_variants

MIN_SCORE = 60.0  # below this a topic is not suggested
RED_FLAG_SCORE = 86.0
WORD_MATCH = 82.0  # how alike two words must be to count as the same word
MIN_WORD = 3
# How much the word signal counts against whole phrases. Chosen on tests/search_queries.tsv: more
# puts the right topic among the three suggestions more often, less puts it first more often.
WORD_WEIGHT = 0.8


PHRASE_ALARM = Alarm("red_flag", "danger", ())  # a red-flag phrase: danger, topics suggested as usual


@dataclass(frozen=True)
class Hit:
    flow: str
    score: float


@dataclass(frozen=True)
class SearchableFlow:
    """What search knows of one flow: its title, keywords and every text, in every language."""

    title: str
    keywords: list[str]
    texts: list[str]


def _phrase_score(query: str, phrase: str) -> float:
    if not query or not phrase:
        return 0.0
    full = fuzz.ratio(query, phrase)
    if len(query) < 4:
        return full
    # A word of a longer phrase counts a little less than the whole phrase, so "patent" prefers
    # the keyword "patent" to "patent russia".
    best_word = 0.92 * max((fuzz.ratio(query, w) for w in phrase.split() if len(w) >= 3), default=0.0)
    partial = fuzz.partial_ratio(query, phrase) if len(phrase) <= len(query) * 3 else 0.0
    tokens = fuzz.token_set_ratio(query, phrase)
    return max(full, best_word, partial * 0.95, tokens * 0.95)


def _words(text: str) -> list[str]:
    return [w for w in fold(text).split() if len(w) >= MIN_WORD and not w.isdigit()]


class FlowIndex:
    def __init__(self, phrases: Iterable[tuple[str, str]], words: dict[str, set[str]] | None = None,
                 red_flags: Iterable[str] = (), alarms: Iterable[Alarm] = ()):
        self.phrases: list[tuple[str, str]] = []
        seen: set[tuple[str, str]] = set()
        for flow, phrase in phrases:
            folded = fold(phrase)
            if folded and (flow, folded) not in seen:
                seen.add((flow, folded))
                self.phrases.append((flow, folded))
        self.words = {flow: sorted(ws) for flow, ws in (words or {}).items()}
        topics = max(len(self.words), 1)
        self.flows_of: dict[str, set[str]] = {}
        for flow, ws in self.words.items():
            for w in ws:
                self.flows_of.setdefault(w, set()).add(flow)
        # How specific a word is: in how few topics its stem (first five letters) appears, so the
        # inflections of one word ("pasport", "pasporti", "pasportum") weigh the same.
        stem_flows: dict[str, set[str]] = {}
        for w, flows in self.flows_of.items():
            stem_flows.setdefault(w[:5], set()).update(flows)
        self.weight = {w: math.log(1 + topics / len(stem_flows[w[:5]])) for w in self.flows_of}
        self.vocabulary = sorted(self.flows_of)
        self.stems: dict[str, list[str]] = {}  # first letters -> words, for "urishyapti" ~ "urishdi"
        for w in self.vocabulary:
            for size in (4, 5):
                if len(w) >= size:
                    self.stems.setdefault(w[:size], []).append(w)
        self.red_flags = sorted({fold(p) for p in red_flags if fold(p)})
        self.alarms = AlarmMatcher(alarms)
        self.search = lru_cache(maxsize=2048)(self._search)

    @classmethod
    def build(cls, topics: dict[str, SearchableFlow], translators: Iterable[Callable[[str], str]],
              red_flags: Iterable[str] = (), alarms: Iterable[Alarm] = ()) -> FlowIndex:
        """Titles and texts are added in the source language and in every catalogue's."""
        translators = [lambda s: s, *translators]
        phrases: list[tuple[str, str]] = []
        words: dict[str, set[str]] = {}
        for flow, topic in topics.items():
            phrases.extend((flow, tr(topic.title)) for tr in translators)
            phrases.extend((flow, k) for k in topic.keywords)
            vocabulary = words.setdefault(flow, set())
            for text in [topic.title, *topic.keywords]:
                vocabulary.update(_words(text))
            for tr in translators:
                for text in topic.texts:
                    vocabulary.update(_words(tr(text)))
        return cls(phrases, words, red_flags, alarms)

    def _matches(self, token: str) -> dict[str, float]:
        """Words of the vocabulary like ``token`` (0-100): close spellings, and shared stems."""
        found: dict[str, float] = {}
        if len(token) <= 4:
            if token in self.flows_of:
                found[token] = 100.0
        else:
            for word, score, _ in process.extract(token, self.vocabulary, scorer=fuzz.ratio,
                                                  score_cutoff=WORD_MATCH, limit=200):
                if min(len(word), len(token)) > 4:  # short words must match exactly (above)
                    found[word] = score
        for size in (5, 4):
            if len(token) < size:
                continue
            for word in self.stems.get(token[:size], ()):
                if size == 5 or min(len(word), len(token)) <= 5:
                    found[word] = max(found.get(word, 0.0), 90.0)
        return found

    def _word_scores(self, query: str) -> dict[str, float]:
        """Per topic: the weighted share of the query's informative words that the topic has."""
        tokens = [w for w in query.split() if len(w) >= MIN_WORD and not w.isdigit()]
        if not tokens or not self.words:
            return {}
        found: dict[str, float] = dict.fromkeys(self.words, 0.0)
        total = 0.0
        for token in tokens:
            best_here: dict[str, float] = {}
            for word, score in self._matches(token).items():
                value = score / 100 * self.weight[word]
                for flow in self.flows_of[word]:
                    best_here[flow] = max(best_here.get(flow, 0.0), value)
            if not best_here:
                continue  # a word no topic knows (a name, a typo too far): it neither helps nor hurts
            total += max(best_here.values())
            for flow, value in best_here.items():
                found[flow] += value
        # rounded so that float noise (100.00000000000001 against 100.0) never decides a tie
        return {flow: round(100 * value / total, 6) for flow, value in found.items()} if total else {}

    def _search(self, query: str, limit: int = 3) -> list[Hit]:
        """The best topics for ``query``, best first (at most ``limit``; may be fewer).

        A topic's score is the better of its phrase and word scores; between equal scores, the
        closer whole-phrase match wins.
        """
        phrase: dict[str, float] = {}
        words: dict[str, float] = {}
        for variant in (fold(v) for v in layout_variants(query)):
            for flow, text in self.phrases:
                phrase[flow] = max(phrase.get(flow, 0.0), _phrase_score(variant, text))
            for flow, score in self._word_scores(variant).items():
                words[flow] = max(words.get(flow, 0.0), WORD_WEIGHT * score)
        flows = set(phrase) | set(words)
        ranked = sorted(flows, key=lambda f: (-max(phrase.get(f, 0.0), words.get(f, 0.0)), -phrase.get(f, 0.0), f))
        return [Hit(f, round(max(phrase.get(f, 0.0), words.get(f, 0.0)), 1)) for f in ranked[:limit]]

    def suggest(self, query: str, limit: int = 3) -> list[Hit]:
        return [h for h in self.search(query, limit) if h.score >= MIN_SCORE]

    def alarm(self, query: str) -> Alarm | None:
        """What ``query`` raises when it calls for a person and the help lines, else None."""
        found = self.alarms.match(query)
        if found is not None:
            return found
        return PHRASE_ALARM if self._phrase_flag(query) else None

    def is_red_flag(self, query: str) -> bool:
        return self.alarm(query) is not None

    def _phrase_flag(self, query: str) -> bool:
        variants = [fold(v) for v in layout_variants(query)]
        for flag in self.red_flags:
            for v in variants:
                # The flag inside a longer message, or the message close to the flag as a whole.
                contained = fuzz.partial_ratio(flag, v) if len(v) >= len(flag) else 0.0
                if max(contained, fuzz.ratio(flag, v), fuzz.token_set_ratio(flag, v) * 0.97) >= RED_FLAG_SCORE:
                    return True
        return False
