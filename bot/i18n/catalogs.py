"""Loading catalogues at run time.

A compiled ``.mo`` file is used when it is newer than its ``.po``; otherwise the ``.po`` is read
directly, so a fresh checkout works with nothing compiled. Fuzzy and empty entries fall back to
the English source, never to a half-checked translation.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

from bot.i18n.languages import SOURCE_LANGUAGE

DOMAIN = "messages"


@dataclass
class Translator:
    lang: str
    messages: dict[str, str] = field(default_factory=dict)

    def gettext(self, msgid: str) -> str:
        return self.messages.get(msgid) or msgid

    def __call__(self, msgid: str) -> str:
        return self.gettext(msgid)


def _from_po(path: Path) -> dict[str, str]:
    with path.open("rb") as fh:
        catalog = read_po(fh)
    out: dict[str, str] = {}
    for message in catalog:
        if not message.id or message.fuzzy or not isinstance(message.id, str):
            continue
        if isinstance(message.string, str) and message.string:
            out[message.id] = message.string
    return out


def _from_mo(path: Path) -> dict[str, str]:
    with path.open("rb") as fh:
        translations = gettext.GNUTranslations(fh)
    raw = translations._catalog  # type: ignore[attr-defined]
    return {k: v for k, v in raw.items() if isinstance(k, str) and k and v}


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
            self._cache[lang] = Translator(lang, self._load(lang))
        return self._cache[lang]

    def _load(self, lang: str) -> dict[str, str]:
        base = self.locales_dir / lang / "LC_MESSAGES"
        po, mo = base / f"{DOMAIN}.po", base / f"{DOMAIN}.mo"
        if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
            return _from_mo(mo)
        if po.exists():
            return _from_po(po)
        return {}
