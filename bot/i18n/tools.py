"""The catalogue workflow behind ``python -m bot i18n``: extract, update, compile, check.

One template (``content/locales/messages.pot``) holds the Python strings, the flow texts and
the contact cards. ``check`` fails on a stale template, untranslated or fuzzy entries and on
placeholders that differ from the source, so CI catches a broken translation before a migrant
does.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from bot.engine.validate import BUTTON_LABEL_LIMIT, MESSAGE_LIMIT, placeholders
from bot.i18n import quality
from bot.i18n.catalogs import DOMAIN
from bot.i18n.extract import BUTTON_TAG
from bot.i18n.glossary import Glossary, load_glossary
from bot.i18n.uzbek import Exceptions, to_cyrillic

METHOD_MAP = [
    ("bot/**.py", "python"),
    ("flows/**.yaml", "bot.i18n.extract:extract_flows"),
    ("content/contacts.yaml", "bot.i18n.extract:extract_contacts"),
    ("content/canned.yaml", "bot.i18n.extract:extract_canned"),
]
KEYWORDS = {"N_": None, "Np_": (1, 2)}


@dataclass
class Paths:
    root: Path

    @property
    def locales(self) -> Path:
        return self.root / "content" / "locales"

    @property
    def template(self) -> Path:
        return self.locales / f"{DOMAIN}.pot"

    def po(self, lang: str) -> Path:
        return self.locales / lang / "LC_MESSAGES" / f"{DOMAIN}.po"

    @property
    def glossary(self) -> Path:
        return self.root / "content" / "glossary.yaml"

    @property
    def cyrillic_exceptions(self) -> Path:
        return self.root / "content" / "uz_cyrl_exceptions.yaml"

    def languages(self) -> list[str]:
        return sorted(p.parent.parent.name for p in self.locales.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def build_template(root: Path) -> Catalog:
    catalog = Catalog(project="Jol", version="1", msgid_bugs_address="", copyright_holder="Jol contributors",
                      charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), METHOD_MAP, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        if not isinstance(message, (str, tuple)):
            continue
        flags = ("python-format",) if placeholders(_key(message)) else ()
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context, flags=flags)
    return catalog


def _po_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, omit_header=False, sort_output=False, no_location=False,
             include_previous=False)
    return buf.getvalue()


def extract(root: Path) -> Path:
    paths = Paths(root)
    paths.locales.mkdir(parents=True, exist_ok=True)
    catalog = build_template(root)
    catalog.creation_date = catalog.revision_date = _FIXED_DATE
    paths.template.write_bytes(_po_bytes(catalog))
    return paths.template


def update(root: Path, new_langs: list[str] | None = None) -> list[Path]:
    """Merge the template into every language (and create catalogues for ``new_langs``)."""
    paths = Paths(root)
    template = _read(paths.template)
    written = []
    for lang in sorted(set(paths.languages()) | set(new_langs or [])):
        po = paths.po(lang)
        if po.exists():
            catalog = _read(po)
        else:
            po.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=lang, project="Jol", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.creation_date = catalog.revision_date = _FIXED_DATE
        po.write_bytes(_po_bytes(catalog))
        written.append(po)
    return written


def compile_all(root: Path) -> list[Path]:
    paths = Paths(root)
    out = []
    for lang in paths.languages():
        catalog = _read(paths.po(lang))
        mo = paths.po(lang).with_suffix(".mo")
        with mo.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        out.append(mo)
    return out


def load_checks(root: Path) -> tuple[Glossary | None, Exceptions]:
    paths = Paths(root)
    exceptions = Exceptions.load(paths.cyrillic_exceptions)
    glossary = (load_glossary(paths.glossary, lambda text: to_cyrillic(text, exceptions))
                if paths.glossary.exists() else None)
    return glossary, exceptions


def _cyrillic_of(string: str | tuple[str, ...] | list[str] | None, exceptions: Exceptions) -> str | tuple[str, ...]:
    if isinstance(string, str):
        return to_cyrillic(string, exceptions) if string else string
    return tuple(to_cyrillic(s, exceptions) if s else s for s in string or ())


def generate_cyrillic(root: Path) -> tuple[Path, int]:
    """Write the Uzbek Cyrillic catalogue as the transliteration of Uzbek Latin; how many entries changed."""
    paths = Paths(root)
    _, exceptions = load_checks(root)
    latin = _read(paths.po("uz"))
    target = paths.po("uz_Cyrl")
    cyrillic = _read(target) if target.exists() else Catalog(locale="uz_Cyrl", project="Jol", charset="utf-8")
    changed = 0
    for m in latin:
        if not m.id:
            continue
        new = _cyrillic_of(m.string, exceptions)
        old = cyrillic.get(m.id, context=m.context)
        if old is None:
            cyrillic.add(m.id, new, locations=m.locations, flags=m.flags, auto_comments=m.auto_comments,
                         context=m.context)
            changed += 1
            continue
        if _as_tuple(old.string) != _as_tuple(new) or old.fuzzy != m.fuzzy:
            changed += 1
        old.string = new
        old.flags = set(m.flags)
    for m in list(cyrillic):
        if m.id and latin.get(m.id, context=m.context) is None:
            cyrillic.delete(m.id, context=m.context)
    cyrillic.creation_date = cyrillic.revision_date = _FIXED_DATE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(_po_bytes(cyrillic))
    return target, changed


def _as_tuple(string: object) -> tuple[str, ...]:
    return (string,) if isinstance(string, str) else tuple(string or ())  # type: ignore[arg-type]


def _quality(lang: str, source: str, form: str, glossary: Glossary | None) -> list[str]:
    allowed = glossary.allowed_foreign_words(lang) if glossary else frozenset()
    problems = (quality.script_problems(lang, form, allowed) + quality.russian_word_problems(lang, form)
                + quality.decimal_problems(lang, form, source))
    if glossary:
        problems += quality.glossary_problems(lang, source, form, glossary)
    return problems


def check(root: Path) -> list[str]:
    """Every catalogue problem, as 'file: message' lines (empty when all is well)."""
    paths = Paths(root)
    problems: list[str] = []
    if not paths.template.exists():
        return [f"{paths.template}: missing; run 'python -m bot i18n extract'"]
    current = {_key(m.id) for m in build_template(root) if m.id}
    committed = {_key(m.id) for m in _read(paths.template) if m.id}
    if current != committed:
        added, removed = len(current - committed), len(committed - current)
        problems.append(f"{paths.template}: stale ({added} new, {removed} removed strings); "
                        "run 'python -m bot i18n extract' and 'python -m bot i18n update'")
    glossary, exceptions = load_checks(root)
    latin = {(_key(m.id), m.context): m.string for m in _read(paths.po("uz")) if m.id} \
        if paths.po("uz").exists() else {}
    for lang in paths.languages():
        po = paths.po(lang)
        catalog = _read(po)
        ids = {_key(m.id) for m in catalog if m.id}
        for msgid in sorted(str(x) for x in committed - ids):
            problems.append(f"{po}: missing entry {_short(msgid)}; run 'python -m bot i18n update'")
        for m in catalog:
            if not m.id:
                continue
            line = m.lineno or 0
            source = m.id if isinstance(m.id, str) else m.id[0]
            forms = [m.string] if isinstance(m.string, str) else list(m.string or [])
            expected = placeholders(source)
            if m.fuzzy:
                problems.append(f"{po}:{line}: fuzzy entry {_short(source)}")
            elif not forms or not all(forms):
                problems.append(f"{po}:{line}: untranslated {_short(source)}")
            elif not isinstance(m.id, str) and len(forms) != catalog.num_plurals:
                problems.append(f"{po}:{line}: {len(forms)} plural forms, the language has {catalog.num_plurals}")
            elif any(BUTTON_TAG in c for c in m.auto_comments) and len(forms[0]) > BUTTON_LABEL_LIMIT:
                problems.append(f"{po}:{line}: button label is {len(forms[0])} characters, at most "
                                f"{BUTTON_LABEL_LIMIT} fit on a phone: {_short(forms[0])}")
            elif any(len(form) > MESSAGE_LIMIT for form in forms):
                problems.append(f"{po}:{line}: translation longer than Telegram's {MESSAGE_LIMIT} characters")
            else:
                for form in forms:
                    if placeholders(form) != expected:
                        problems.append(f"{po}:{line}: placeholders {sorted(placeholders(form))} differ from the "
                                        f"source {sorted(expected)} in {_short(source)}")
                    for problem in _quality(lang, source, form, glossary):
                        problems.append(f"{po}:{line}: {problem}")
                if lang == "uz_Cyrl" and (source, m.context) in latin:
                    generated = _as_tuple(_cyrillic_of(latin[(source, m.context)], exceptions))
                    if generated != tuple(forms):
                        problems.append(f"{po}:{line}: not the transliteration of Uzbek Latin "
                                        f"({_first_difference(generated, tuple(forms))}) in {_short(source)}; "
                                        "edit uz and run 'python -m bot i18n cyrillic', or add an exception to "
                                        "content/uz_cyrl_exceptions.yaml")
    return problems


def _first_difference(expected: tuple[str, ...], found: tuple[str, ...]) -> str:
    for e, f in zip(expected, found, strict=False):
        if e != f:
            ew, fw = e.split(), f.split()
            for i, (a, b) in enumerate(zip(ew, fw, strict=False)):
                if a != b:
                    return f"word {i + 1}: expected {a!r}, found {b!r}"
            return f"expected {len(ew)} words, found {len(fw)}"
    return f"expected {len(expected)} forms, found {len(found)}"


def _key(msgid: object) -> str:
    return msgid if isinstance(msgid, str) else str(msgid[0])  # type: ignore[index]


def _short(msgid: str) -> str:
    flat = msgid.replace("\n", " ")
    return repr(flat if len(flat) < 60 else flat[:57] + "...")


def _read(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh)


# Fixed header dates keep the generated files stable in git (no churn on every run).
import datetime as _dt  # noqa: E402

_FIXED_DATE = _dt.datetime(2026, 1, 1, tzinfo=_dt.UTC)
