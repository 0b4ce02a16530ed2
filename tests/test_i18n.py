"""Catalogues: complete, extracted from flows with context, loaded without compiling."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.engine.compute import Money
from bot.i18n import tools
from bot.i18n.catalogs import Catalogs
from bot.i18n.format import format_value
from bot.i18n.languages import from_telegram, native_name

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_catalogues_are_complete_and_current() -> None:
    assert tools.check(ROOT) == []


def test_flow_texts_are_extracted_with_their_node(tmp_path: Path) -> None:
    template = tools.build_template(ROOT)
    msg = template.get("Which country's passport do you have?")
    assert msg is not None
    assert any("flows/work_permit.yaml" in loc for loc, _ in msg.locations)
    assert any("node citizenship" in c for c in msg.auto_comments)
    assert template.get("Emergency numbers in Kazakhstan") is not None  # contact cards too
    assert template.get("« Back") is not None  # and the bot's own words


def copy_project(tmp_path: Path) -> Path:
    for name in ("bot", "flows", "content"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def test_check_catches_fuzzy_untranslated_and_broken_placeholders(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    po = root / "content/locales/ru/LC_MESSAGES/messages.po"
    text = po.read_text(encoding="utf-8")
    text = text.replace('msgstr "Проверено: {date}"', 'msgstr "Проверено: {datum}"')
    text = text.replace('msgid "Menu"\nmsgstr "Меню"', '#, fuzzy\nmsgid "Menu"\nmsgstr "Меню"')
    text = text.replace('msgstr "Источники:"', 'msgstr ""')
    po.write_text(text, encoding="utf-8")
    problems = "\n".join(tools.check(root))
    assert "placeholders ['datum'] differ from the source ['date']" in problems
    assert "fuzzy entry 'Menu'" in problems
    assert "untranslated 'Sources:'" in problems


def test_check_catches_a_stale_template(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    wp = root / "flows/work_permit.yaml"
    old = wp.read_text(encoding="utf-8")
    wp.write_text(old.replace("Who do you work for, or plan", "Who is your employer, or plan"),
                  encoding="utf-8")
    assert any("stale (1 new, 1 removed" in p for p in tools.check(root))


def test_fuzzy_translations_are_not_shown(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    po = root / "content/locales/ru/LC_MESSAGES/messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgid "Menu"', '#, fuzzy\nmsgid "Menu"'), encoding="utf-8")
    tr = Catalogs(root / "content/locales").get("ru")
    assert tr("Menu") == "Menu"
    assert tr("Sources:") == "Источники:"


def test_compiled_catalogue_is_used_when_fresh(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    tools.compile_all(root)
    assert (root / "content/locales/ru/LC_MESSAGES/messages.mo").exists()
    assert Catalogs(root / "content/locales").get("ru")("Sources:") == "Источники:"


def test_language_names_and_telegram_codes() -> None:
    assert native_name("ru") == "Русский"
    assert native_name("tg") == "Тоҷикӣ"
    langs = ("ru", "uz", "uz_Cyrl", "tg", "ky", "kk", "en")
    assert from_telegram("uz-Cyrl", langs) == "uz_Cyrl"
    assert from_telegram("kk-KZ", langs) == "kk"
    assert from_telegram("de", langs) == "ru"
    assert from_telegram(None, langs) == "ru"


def test_amounts_are_formatted_for_the_reader() -> None:
    assert format_value(Money(17300, "KZT", 2026), "kk") == "17\xa0300\xa0₸"
    assert format_value(Money(17300, "KZT", 2026), "ru") == "17\xa0300\xa0₸"
    # not "KZT17,300": the sign people see on receipts, after the number as English writes a count
    assert format_value(Money(17300, "KZT", 2026), "en") == "17,300\xa0₸"


def test_day_counts_use_each_languages_plural_forms() -> None:
    from bot.engine.compute import Days
    from bot.i18n.catalogs import Translator, plural_index

    ru = Translator("ru", plurals={"{count} day": ("{count} день", "{count} дня", "{count} дней")})
    assert [format_value(Days(n), "ru", ru) for n in (1, 2, 5, 11, 21, 22)] == [
        "1 день", "2 дня", "5 дней", "11 дней", "21 день", "22 дня"]
    en = Translator("en")
    assert format_value(Days(1), "en", en) == "1 day" and format_value(Days(0), "en", en) == "0 days"
    # Tajik: CLDR puts 0 with 1 ("i = 0 or n = 1"); Babel's gettext formula would not.
    assert plural_index("tg", 0, 2) == 0 and plural_index("tg", 1, 2) == 0 and plural_index("tg", 2, 2) == 1
    assert plural_index("kk", 1, 2) == 0 and plural_index("kk", 3, 2) == 1
