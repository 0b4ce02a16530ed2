"""The glossary of key terms: complete, and each word satisfies its own pattern."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n.glossary import GLOSSARY_LANGUAGES, load_glossary, parse_glossary

ROOT = Path(__file__).resolve().parent.parent
ISSUE_TERMS = {"work_permit", "labour_immigrant_permit", "registration", "migration_police",
               "public_service_centre", "mrp", "iin", "migrant_card", "employment_contract",
               "hotline", "counsellor", "remittance"}


def test_every_key_term_has_a_word_in_every_language() -> None:
    glossary = load_glossary(ROOT / "content/glossary.yaml")
    assert {t.id for t in glossary.terms} == ISSUE_TERMS
    for term in glossary.terms:
        for lang in GLOSSARY_LANGUAGES:
            assert term.words[lang].strip(), (term.id, lang)
            # a word that fails its own pattern would make the glossary check impossible to pass
            assert term.used_in(lang, term.words[lang]), (term.id, lang, term.words[lang])


def test_kazakh_abbreviations_are_the_ones_printed_on_papers() -> None:
    terms = {t.id: t for t in load_glossary(ROOT / "content/glossary.yaml").terms}
    assert terms["iin"].words["kk"].startswith("ЖСН") and terms["mrp"].words["kk"].startswith("АЕК")
    for lang in ("ru", "uz", "tg", "ky"):
        assert terms["iin"].words[lang].startswith("ИИН") and terms["mrp"].words[lang].startswith("МРП")


def test_a_term_missing_a_language_is_refused() -> None:
    with pytest.raises(ValueError, match="no word for kk"):
        parse_glossary({"terms": [{"id": "x", "en": "x", "ru": "x", "uz": "x", "tg": "x", "ky": "x"}]})


def test_a_message_naming_an_iin_or_mrp_says_what_it_is_in_the_readers_language() -> None:
    """ИИН and МРП are Russian abbreviations: a reader of Uzbek, Tajik or Kyrgyz meets them on papers
    but may not know them, so every message that names one explains it once, with the glossary's
    words (uz "ИИН (individual identifikatsiya raqami)"). Button labels and topic titles are
    too short for that."""
    from bot.i18n import tools
    from bot.i18n.extract import BUTTON_TAG
    from bot.i18n.uzbek import Exceptions, to_cyrillic

    exceptions = Exceptions.load(ROOT / "content/uz_cyrl_exceptions.yaml")
    glossary = load_glossary(ROOT / "content/glossary.yaml", lambda t: to_cyrillic(t, exceptions))
    unexplained = []
    for lang in ("uz", "uz_Cyrl", "tg", "ky"):
        catalog = tools._read(tools.Paths(ROOT).po(lang))
        for term in glossary.terms:
            if term.id not in ("iin", "mrp"):
                continue
            abbreviation, expansion = term.words[lang].split(" (", 1)
            stem = " ".join(expansion.rstrip(")").split()[:2])   # the words may take endings
            for m in catalog:
                if not m.id or not isinstance(m.string, str) or abbreviation not in m.string:
                    continue
                if any(BUTTON_TAG in c for c in m.auto_comments) or any(c.startswith("flow ") and ", node" not in c
                                                                        for c in m.auto_comments):
                    continue
                if stem.lower() not in m.string.lower():
                    unexplained.append(f"{lang} {term.id}: {m.id[:60]!r}")
    assert unexplained == [], "\n".join(unexplained)
