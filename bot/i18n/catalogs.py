"""Loading catalogues at run time.

A compiled ``.mo`` file is used when it is newer than its ``.po``; otherwise the ``.po`` is read
directly, so a fresh checkout works with nothing compiled. Fuzzy and empty entries fall back to
the English source, never to a half-checked translation.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po

from bot.i18n.languages import SOURCE_LANGUAGE

DOMAIN = "messages"


Messages = dict[str, str]
Plurals = dict[str, tuple[str, ...]]


def plural_index(lang: str, n: int, forms: int) -> int:
    """Which of ``forms`` plural forms to use for ``n``, by CLDR's categories for ``lang``.

    CLDR rather than the gettext formula in the catalogue header: Babel's formula for Tajik
    treats 0 as plural, while CLDR puts 0 with 1. Catalogues list forms in the order
    one, few, many (other last), as gettext does for these languages.
    """
    if forms <= 1:
        return 0
    category = Locale.parse(lang).plural_form(abs(n))
    order = ["one", "few", "many"][: forms - 1]
    return order.index(category) if category in order else forms - 1


@dataclass
class Translator:
    lang: str
    messages: Messages = field(default_factory=dict)
    plurals: Plurals = field(default_factory=dict)

    def gettext(self, msgid: str) -> str:
        return self.messages.get(msgid) or msgid

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self.plurals.get(singular)
        if forms:
            return forms[plural_index(self.lang, n, len(forms))]
        return singular if n == 1 else plural

    def __call__(self, msgid: str) -> str:
        return self.gettext(msgid)


def _from_po(path: Path) -> tuple[Messages, Plurals]:
    with path.open("rb") as fh:
        catalog = read_po(fh)
    messages: Messages = {}
    plurals: Plurals = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, str) and isinstance(message.string, str) and message.string:
            messages[message.id] = message.string
        elif isinstance(message.id, (tuple, list)) and isinstance(message.string, (tuple, list)) \
                and all(message.string):
            plurals[message.id[0]] = tuple(message.string)
    return messages, plurals


def _from_mo(path: Path) -> tuple[Messages, Plurals]:
    with path.open("rb") as fh:
        translations = gettext.GNUTranslations(fh)
    raw = translations._catalog  # type: ignore[attr-defined]
    messages = {k: v for k, v in raw.items() if isinstance(k, str) and k and v}
    grouped: dict[str, dict[int, str]] = {}
    for k, v in raw.items():
        if isinstance(k, tuple) and v:
            grouped.setdefault(k[0], {})[k[1]] = v
    plurals = {k: tuple(forms[i] for i in sorted(forms)) for k, forms in grouped.items()}
    return messages, plurals


class Catalogs:
    """Translators per language, loaded once on first use."""

    def __init__(self, locales_dir: Path):
        self.locales_dir = locales_dir
        self._cache: dict[str, Translator] = {}

    def available(self) -> list[str]:
        found = {p.parent.parent.name for p in self.locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
        return sorted(found | {SOURCE_LANGUAGE})

    def get(self, lang: str) -> Translator:
        if lang not in self._cache:
            messages, plurals = self._load(lang)
            self._cache[lang] = Translator(lang, messages, plurals)
        return self._cache[lang]

    def _load(self, lang: str) -> tuple[Messages, Plurals]:
        base = self.locales_dir / lang / "LC_MESSAGES"
        po, mo = base / f"{DOMAIN}.po", base / f"{DOMAIN}.mo"
        if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
            return _from_mo(mo)
        if po.exists():
            return _from_po(po)
        return {}, {}
