"""Bringing a reviewer's CSV back: corrected translations go into the catalogues, notes are listed.

The CSV is what the review pack exports: ``msgid, language, checked, note, correction``. A
correction replaces the entry's translation (an Uzbek correction is made in Uzbek Latin, and
the Cyrillic catalogue is generated again; a text with plural forms is corrected as the pack
shows it, one line per form: ``[0] ...``, ``[1] ...``; a correction sent from the Uzbek Cyrillic
pack in Latin letters, as that pack asks, goes to Uzbek Latin too); a note without a correction is reported for a
maintainer to act on. Nothing else in the catalogues changes.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

from bot.i18n import tools
from bot.i18n.review.pack import CSV_COLUMNS, parse_plural


@dataclass
class Applied:
    corrected: list[tuple[str, str]] = field(default_factory=list)     # (language, msgid)
    notes: list[tuple[str, str, str]] = field(default_factory=list)    # (language, msgid, note)
    checked: int = 0
    refused: list[str] = field(default_factory=list)


def read_marks(text: str) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    if rows and set(CSV_COLUMNS) - set(rows[0]):
        missing = ", ".join(sorted(set(CSV_COLUMNS) - set(rows[0])))
        raise ValueError(f"not a review CSV: the columns {missing} are missing")
    return rows


def apply_marks(root: Path, text: str) -> Applied:
    result = Applied()
    paths = tools.Paths(root)
    catalogues = {}
    for row in read_marks(text):
        lang, msgid = row["language"].strip(), row["msgid"]
        correction, note = row.get("correction", "").strip(), row.get("note", "").strip()
        result.checked += row.get("checked", "").strip().lower() == "yes"
        if note:
            result.notes.append((lang, msgid, note))
        if not correction:
            continue
        if lang == "uz_Cyrl":
            if any("\u0400" <= ch <= "\u04ff" for ch in correction):
                result.refused.append(f"uz_Cyrl {msgid[:50]!r}: Uzbek Cyrillic is generated; correct the Uzbek "
                                      "Latin entry")
                continue
            lang = "uz"   # the pack asks for Latin letters: the Uzbek Latin text, from which Cyrillic is made
        if lang not in paths.languages():
            result.refused.append(f"{lang}: no such catalogue")
            continue
        if lang not in catalogues:
            with paths.po(lang).open("rb") as fh:
                catalogues[lang] = read_po(fh)
        message = catalogues[lang].get(msgid)
        if message is None:
            result.refused.append(f"{lang} {msgid[:50]!r}: no such entry (the text may have changed since the pack)")
            continue
        if isinstance(message.id, str):
            message.string = correction
        else:
            try:
                message.string = parse_plural(correction, catalogues[lang].num_plurals)
            except ValueError as exc:
                result.refused.append(f"{lang} {msgid[:50]!r}: {exc}")
                continue
        message.flags.discard("fuzzy")
        result.corrected.append((lang, msgid))
    for lang, catalog in catalogues.items():
        paths.po(lang).write_bytes(tools._po_bytes(catalog))
    if "uz" in catalogues:
        tools.generate_cyrillic(root)
    return result
