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
