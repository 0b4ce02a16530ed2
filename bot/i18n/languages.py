"""The languages Jol speaks, their native names (from Babel/CLDR) and Telegram code mapping."""

from __future__ import annotations

from babel import Locale

SOURCE_LANGUAGE = "en"
# Order of the language picker: the lingua franca first, then by number of users.
LANGUAGES: tuple[str, ...] = ("ru", "uz", "uz_Cyrl", "tg", "ky", "kk", "en")


def native_name(code: str) -> str:
    """The language's name in its own script, e.g. 'русский', 'o‘zbek', 'тоҷикӣ'."""
    locale = Locale.parse(code)
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:]


def from_telegram(language_code: str | None, available: tuple[str, ...] | list[str]) -> str:
    """Best match for Telegram's IETF ``language_code`` ('ru', 'uz', 'uz-Cyrl', 'kk-KZ')."""
    if not language_code:
        return "ru" if "ru" in available else SOURCE_LANGUAGE
    parts = language_code.replace("-", "_").split("_")
    lang = parts[0].lower()
    if lang == "uz" and any(p.lower() == "cyrl" for p in parts[1:]) and "uz_Cyrl" in available:
        return "uz_Cyrl"
    if lang in available:
        return lang
    return "ru" if "ru" in available else SOURCE_LANGUAGE
