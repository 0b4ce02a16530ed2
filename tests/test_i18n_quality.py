"""The translation checks: each one fails on a bad catalogue and passes on a good one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import quality, tools
from bot.i18n.glossary import load_glossary
from bot.i18n.uzbek import Exceptions, to_cyrillic

from .test_i18n import ROOT, copy_project

EXCEPTIONS = Exceptions.load(ROOT / "content/uz_cyrl_exceptions.yaml")
GLOSSARY = load_glossary(ROOT / "content/glossary.yaml", lambda t: to_cyrillic(t, EXCEPTIONS))


# --- wrong script ------------------------------------------------------------------------------

def test_cyrillic_left_in_uzbek_latin_is_caught_but_abbreviations_on_kazakh_papers_are_not() -> None:
    allowed = GLOSSARY.allowed_foreign_words("uz")
    bad = "Migratsiya politsiyasi (Ichki ishlar vazirligi, МВД)"
    assert quality.script_problems("uz", bad, allowed) == ["Cyrillic word in a Latin-script catalogue: 'МВД'"]
    assert "not a quote mark: \"o'zbek\"" in quality.script_problems("uz", "o'zbek tili")[0]
    assert "not a quote mark: 'o\u2018zbek'" in quality.script_problems("uz", "o\u2018zbek tili")[0]
    good = "Aholiga xizmat koʻrsatish markaziga (ЦОН) boring; ИИН kerak."
    assert quality.script_problems("uz", good, allowed) == []


def test_letters_of_another_alphabet_and_latin_words_in_cyrillic_catalogues() -> None:
    assert quality.script_problems("kk", "Ҷумыс") == ["letter ҷ not in the kk alphabet: 'Ҷумыс'"]
    assert quality.script_problems("tg", "сверхурочный") == ["letter ы not in the tg alphabet: 'сверхурочный'"]
    assert quality.script_problems("ru", "Позвоните в police") == ["Latin word in a Cyrillic catalogue: 'police'"]
    assert quality.script_problems("ru", "пaспорт") == ["word mixes Latin and Cyrillic letters: 'пaспорт'"]  # Latin a
    # names on a screen with a suffix, addresses, placeholders and keys are fine
    assert quality.script_problems("ky", "PIN-кодуңузду, Telegram'да, egov.kz, {count}, t{number}, C5") == []


# --- Russian words ------------------------------------------------------------------------------

def test_russian_glosses_in_tajik_are_caught() -> None:
    bad = "Интиқол дар барнома (приложение) ва кори иловагӣ (сверхурочный)"
    assert quality.russian_word_problems("tg", bad) == ["Russian words in a tg text: приложение, сверхурочный"]
    assert quality.russian_word_problems("kk", "Бұл керек, если сіз") == ["Russian word in a kk text: если"]
    assert quality.russian_word_problems("tg", "меҳнатӣ ё гражданӣ-ҳуқуқӣ") == [
        "Russian word in a tg text: гражданӣ-ҳуқуқӣ"]
    good = "Интиқол дар барномаи мобилӣ. Не, аз они шумост; дархости хаттӣ"
    assert quality.russian_word_problems("tg", good) == []
    assert quality.russian_word_problems("ky", "Так кадамдар же Армения") == []
    assert quality.russian_word_problems("ru", "это по-русски") == []


# --- decimal separators ------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["uz", "uz_Cyrl", "tg", "ky", "kk", "ru"])
def test_a_decimal_point_is_caught_where_the_locale_writes_a_comma(lang: str) -> None:
    assert quality.decimal_problems(lang, "summaning 6.49 %") != []
    assert quality.decimal_problems(lang, "1.5ке чейин") != []   # with a suffix joined to the number
    assert quality.decimal_problems(lang, "summaning 6,49 %, 31.12.2026 kabi, hr.enbek.kz") == []


@pytest.mark.parametrize("lang", ["uz", "uz_Cyrl", "tg", "ky", "kk", "ru"])
def test_thousands_grouped_the_english_way_are_caught_where_a_comma_is_the_decimal_sign(lang: str) -> None:
    source = "more than 14,000 foreigners; 1.5 times"
    # "14,000" copied from the English reads as fourteen where 1,5 is one and a half
    assert "'14,000' (thousands grouped as English does" in quality.decimal_problems(lang, "14,000 va 1,5", source)[0]
    assert quality.decimal_problems(lang, "1,250,000") != []        # two commas are never a decimal
    assert quality.decimal_problems(lang, "14\u00a0000 va 14 000, 1,5 marta", source) == []
    assert quality.decimal_problems(lang, "3,500 kg", "3.5 kg") == []  # a decimal the English writes with a point


def test_english_writes_a_point_and_groups_with_commas() -> None:
    assert quality.decimal_problems("en", "about 6,49 %") != []
    assert quality.decimal_problems("en", "17,300 ₸ and 6.49%") == []


# --- glossary ------------------------------------------------------------------------------

def test_an_entry_using_a_key_term_must_use_the_glossary_word() -> None:
    msgid = "In Kazakhstan you need an IIN to open a bank account."
    bad = quality.glossary_problems("ky", msgid, "Казакстанда эсеп ачуу үчүн ЖИН керек.", GLOSSARY)
    assert any("use the glossary's 'ИИН" in p for p in bad)
    assert any("'ЖИН' is not what" in p for p in bad)
    assert quality.glossary_problems("ky", msgid, "Казакстанда эсеп ачуу үчүн ИИН керек.", GLOSSARY) == []
    hotline = "Call the hotline."
    assert quality.glossary_problems("ru", hotline, "Позвоните на линию помощи.", GLOSSARY) != []
    assert quality.glossary_problems("ru", hotline, "Позвоните по телефону доверия.", GLOSSARY) == []
    # the Uzbek Cyrillic words are the transliterated Latin ones
    assert quality.glossary_problems("uz_Cyrl", hotline, "Ишонч телефонига қўнғироқ қилинг.", GLOSSARY) == []


# --- the whole check on a catalogue ------------------------------------------------------------------

def _replace_in_po(root: Path, lang: str, old: str, new: str) -> None:
    po = root / f"content/locales/{lang}/LC_MESSAGES/messages.po"
    text = po.read_text(encoding="utf-8")
    assert old in text, old
    po.write_text(text.replace(old, new), encoding="utf-8")


def test_check_reports_each_new_problem_with_its_file_and_line(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    _replace_in_po(root, "tg", "интиқол дар барномаи мобилӣ", "интиқол дар барнома (приложение)")
    _replace_in_po(root, "ky", "сиздин ИИН (жеке идентификациялык номер)", "сиздин ЖИН")
    _replace_in_po(root, "ky", "14 000ден ашык", "14,000ден ашык")
    problems = "\n".join(tools.check(root))
    assert "tg/LC_MESSAGES/messages.po:" in problems and "Russian word in a tg text: приложение" in problems
    assert "ky/LC_MESSAGES/messages.po:" in problems and "number '14,000' (thousands grouped" in problems
    assert "ky/LC_MESSAGES/messages.po:" in problems and "'ЖИН' is not what people" in problems


def test_uzbek_cyrillic_must_be_the_transliteration_of_uzbek_latin(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    assert tools.check(root) == []
    # someone edits the Cyrillic catalogue by hand: the two scripts drift apart
    _replace_in_po(root, "uz_Cyrl", '"Ишлаш учун рухсатнома"', '"Иш рухсатномаси"')
    problems = tools.check(root)
    assert any("not the transliteration of Uzbek Latin" in p and "Work permit" in p for p in problems)
    # a change to the Latin source, then the generator: the two agree again
    _replace_in_po(root, "uz", 'msgstr "Ishlash uchun ruxsatnoma"', 'msgstr "Ishlash uchun ruxsatnoma olish"')
    _, changed = tools.generate_cyrillic(root)
    assert changed == 1
    assert tools.check(root) == []
    assert 'msgstr "Ишлаш учун рухсатнома олиш"' in (
        root / "content/locales/uz_Cyrl/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
