"""The glossary of key terms (``content/glossary.yaml``): one word per language for each thing a
migrant meets on paper, and the few words of another script a catalogue may contain."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

GLOSSARY_LANGUAGES = ("en", "ru", "uz", "tg", "ky", "kk")  # uz_Cyrl is generated from uz


@dataclass(frozen=True)
class Term:
    id: str
    words: dict[str, str]
    patterns: dict[str, re.Pattern[str]]
    explanation: str = ""
    abbreviation: str = ""
    avoid: dict[str, re.Pattern[str]] = field(default_factory=dict)

    def used_in_english(self, text: str) -> bool:
        return bool(self.patterns["en"].search(text))

    def avoided_in(self, lang: str, text: str) -> list[str]:
        """Words of the ``avoid`` list that ``text`` uses."""
        pattern = self.avoid.get(lang)
        return [m.group(0) for m in pattern.finditer(text)] if pattern else []

    def used_in(self, lang: str, text: str) -> bool:
        pattern = self.patterns.get(lang)
        return pattern is None or bool(pattern.search(text))


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]
    script_exceptions: dict[str, frozenset[str]] = field(default_factory=dict)

    def allowed_foreign_words(self, lang: str) -> frozenset[str]:
        return self.script_exceptions.get(lang, frozenset())


def _compile(text: str) -> re.Pattern[str]:
    return re.compile(text, re.IGNORECASE)


def parse_glossary(data: dict, to_cyrillic: object = None) -> Glossary:
    """Build the glossary from its YAML data; ``to_cyrillic`` (Uzbek Latin -> Cyrillic) adds uz_Cyrl."""
    terms = []
    for raw in data.get("terms") or []:
        words = {lang: str(raw[lang]) for lang in GLOSSARY_LANGUAGES if lang in raw}
        missing = [lang for lang in GLOSSARY_LANGUAGES if lang not in words]
        if missing:
            raise ValueError(f"glossary term {raw.get('id')!r} has no word for {', '.join(missing)}")
        match = {lang: str(p) for lang, p in (raw.get("match") or {}).items()}
        sources = {lang: match.get(lang, re.escape(words[lang])) for lang in GLOSSARY_LANGUAGES}
        avoid = {lang: str(p) for lang, p in (raw.get("avoid") or {}).items()}
        if callable(to_cyrillic):
            words["uz_Cyrl"] = to_cyrillic(words["uz"])
            sources["uz_Cyrl"] = to_cyrillic(sources["uz"])
            if "uz" in avoid:
                avoid["uz_Cyrl"] = to_cyrillic(avoid["uz"])
        terms.append(Term(id=str(raw["id"]), words=words,
                          patterns={lang: _compile(p) for lang, p in sources.items()},
                          explanation=" ".join(str(raw.get("explanation") or "").split()),
                          abbreviation=str(raw.get("abbreviation") or ""),
                          avoid={lang: _compile(p) for lang, p in avoid.items()}))
    exceptions = {lang: frozenset(str(w) for w in words or [])
                  for lang, words in (data.get("script_exceptions") or {}).items()}
    if callable(to_cyrillic) and "uz" in exceptions:
        exceptions.setdefault("uz_Cyrl", frozenset())
    return Glossary(terms=tuple(terms), script_exceptions=exceptions)


def load_glossary(path: Path, to_cyrillic: object = None) -> Glossary:
    with path.open(encoding="utf-8") as fh:
        return parse_glossary(yaml.safe_load(fh) or {}, to_cyrillic)
