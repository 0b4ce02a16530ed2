"""The review pack: one self-contained HTML file for a native speaker or a lawyer.

For every topic it shows the flow diagram (inline SVG) and every question, option, answer and
handoff in English and in the chosen language side by side, with sources, the date each answer
was checked and the dates rules start or stop; then the contact cards and the bot's own texts
(consent, privacy, buttons). Each entry has a "checked" box, a note and an optional corrected
translation; the marks stay in the browser and export to a CSV that ``python -m bot review
--apply`` brings back into the catalogues.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from bot.engine.compute import Figure, Official, PercentFigure, compute
from bot.engine.conditions import All, Any_, Compare, Condition, Not
from bot.engine.graph import describe
from bot.engine.registry import Registry
from bot.engine.schema import (
    BranchNode,
    DateRangesNode,
    Flow,
    HandoffNode,
    InfoNode,
    InputNode,
    OutcomeNode,
    QuestionNode,
)
from bot.i18n.catalogs import plural_index
from bot.i18n.format import format_value
from bot.i18n.languages import native_name
from bot.i18n.review.diagram import svg

CSV_COLUMNS = ("msgid", "language", "checked", "note", "correction")
FIRST_FLOWS = ("start", "menu")


@dataclass
class Entry:
    msgid: str
    kind: str
    where: str
    translation: str | None
    anchor: str | None = None
    facts: list[str] = field(default_factory=list)


@dataclass
class Topic:
    id: str
    title: str
    title_translated: str | None
    diagram: str
    notes: list[str]
    entries: list[Entry]


@dataclass
class Pack:
    lang: str
    language_name: str
    generated: dt.date
    topics: list[Topic]
    cards: list[Topic]
    others: list[Entry]
    official_values: list[str]

    def msgids(self) -> list[str]:
        seen: dict[str, None] = {}
        for group in (*self.topics, *self.cards):
            for e in group.entries:
                seen.setdefault(e.msgid)
        for e in self.others:
            seen.setdefault(e.msgid)
        return list(seen)


def _catalogue(locales_dir: Path, lang: str) -> dict[str, tuple[str | None, list[str], list[str]]]:
    """msgid -> (translation or None, translator comments: flow and node, file; notes for the reviewer)."""
    po = locales_dir / lang / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh)
    out: dict[str, tuple[str | None, list[str], list[str]]] = {}
    for m in catalog:
        if not m.id:
            continue
        notes: list[str] = []
        if isinstance(m.id, str):
            key = m.id
            text = m.string if isinstance(m.string, str) and m.string else None
        else:
            key = str(m.id[0])
            forms = tuple(m.string or ())
            text = plural_text(forms) if forms and all(forms) else None
            notes = plural_notes(lang, str(m.id[1]), catalog.num_plurals)
        if m.fuzzy:
            text = None
        out[key] = (text, [*m.auto_comments, *(f"{path}:{line}" for path, line in m.locations)], notes)
    return out


# A text with plural forms is shown, and corrected, one form a line: "[0] {count} kun".
_FORM_MARK = re.compile(r"^\[(\d+)\] ?", re.MULTILINE)


def plural_text(forms: tuple[str, ...] | list[str]) -> str:
    return "\n".join(f"[{i}] {form}" for i, form in enumerate(forms))


def parse_plural(text: str, count: int) -> tuple[str, ...]:
    """The forms of a corrected plural text written as the pack shows it ("[0] ...", "[1] ...").

    A form may span lines: a line without a mark continues the form above it.
    """
    marks = list(_FORM_MARK.finditer(text))
    if not marks or marks[0].start() != 0:
        raise ValueError(f"write one line per form, each starting with its mark: [0] ... [{count - 1}] ...")
    found = [int(m.group(1)) for m in marks]
    if found != list(range(count)):
        raise ValueError(f"expected the forms [0] to [{count - 1}] in order, found "
                         f"{', '.join(f'[{i}]' for i in found)}")
    ends = [m.start() for m in marks[1:]] + [len(text)]
    forms = tuple(text[m.end():end].rstrip("\n") for m, end in zip(marks, ends, strict=True))
    if not all(f.strip() for f in forms):
        raise ValueError("a plural form is empty")
    return forms


def plural_notes(lang: str, english_plural: str, count: int) -> list[str]:
    """What a reviewer needs to read and correct a text with plural forms: which numbers take which form."""
    examples: dict[int, list[str]] = {i: [] for i in range(count)}
    for n in [*range(0, 30), 100, 101, 102, 105]:
        index = plural_index(lang, n, count)
        if len(examples[index]) < 4:
            examples[index].append(str(n))
    which = "; ".join(f"[{i}] for {', '.join(ns)} …" for i, ns in examples.items() if ns)
    return [f"English plural: {english_plural}", f"Forms by number: {which}",
            "A correction keeps one line per form, each starting with its mark ([0], [1] …)."]


def _dates_in(cond: Condition) -> list[str]:
    if isinstance(cond, All):
        return [d for c in cond.all for d in _dates_in(c)]
    if isinstance(cond, Any_):
        return [d for c in cond.any for d in _dates_in(c)]
    if isinstance(cond, Not):
        return _dates_in(cond.not_)
    assert isinstance(cond, Compare)
    return [describe(cond)] if cond.today else []


def _validity(node: Any) -> list[str]:
    """Dates a rule starts or stops applying, when the flow format gives them."""
    out = []
    for name, label in (("valid_from", "valid from"), ("valid_until", "valid until")):
        value = getattr(node, name, None)
        if value:
            out.append(f"{label} {value}")
    return out


def _examples(flow: Flow, registry: Registry, lang: str, today: dt.date) -> list[str]:
    """Values a text shows that do not depend on the person's answers, as both readers see them."""
    out = []
    for name, comp in flow.compute.items():
        if not isinstance(comp, (Official, Figure, PercentFigure)):
            continue
        value = compute(comp, {}, today, registry.reference)
        if value is None:
            continue
        how = ""
        if isinstance(comp, Official):
            _, year = registry.reference.value_for(comp.official, today)
            how = f" ({_number(comp.times)} × {comp.official.upper()} {year})"
        out.append(f"{{{name}}} = {format_value(value, 'en')} / {format_value(value, lang)}{how}")
    return out


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(Decimal(str(x)))


def build_pack(registry: Registry, locales_dir: Path, lang: str, today: dt.date,
               all_msgids: list[str] | None = None) -> Pack:
    catalogue = _catalogue(locales_dir, lang)

    def tr(msgid: str) -> str | None:
        return catalogue.get(msgid, (None, [], []))[0]

    covered: set[str] = set()
    flows = sorted(registry.flows.values(),
                   key=lambda f: (FIRST_FLOWS.index(f.id) if f.id in FIRST_FLOWS else len(FIRST_FLOWS), f.id))
    topics = []
    for flow in flows:
        entries: list[Entry] = [Entry(flow.title, "topic title", flow.id, tr(flow.title), None, _validity(flow))]
        notes = _examples(flow, registry, lang, today)
        for n in flow.nodes:
            anchor = f"e-{flow.id}-{n.id}"
            if isinstance(n, QuestionNode):
                entries.append(Entry(n.text, "question", n.id, tr(n.text), anchor, _validity(n)))
                entries.extend(Entry(o.label, "option", f"{n.id} → {o.next}", tr(o.label), None, _validity(o))
                               for o in n.options)
            elif isinstance(n, DateRangesNode):
                entries.append(Entry(n.text, "typed date ranges", n.id, tr(n.text), anchor, _validity(n)))
                entries.append(Entry(n.more, "after each range", n.id, tr(n.more)))
                entries.append(Entry(n.reask, "asked again", n.id, tr(n.reask)))
                entries.extend(Entry(o.label, "option", f"{n.id} → {o.next}", tr(o.label)) for o in n.options)
            elif isinstance(n, InputNode):
                entries.append(Entry(n.text, f"typed {n.input}", n.id, tr(n.text), anchor, _validity(n)))
                entries.append(Entry(n.reask, "asked again", n.id, tr(n.reask)))
            elif isinstance(n, InfoNode):
                entries.append(Entry(n.text, "message", n.id, tr(n.text), anchor, _validity(n)))
            elif isinstance(n, OutcomeNode):
                facts = [f"Sources: {'; '.join(n.sources)}", f"Checked on (verified_on): {n.verified_on}"]
                if n.contacts:
                    facts.append(f"Contact cards: {', '.join(n.contacts)}")
                entries.append(Entry(n.text, "answer", n.id, tr(n.text), anchor, facts + _validity(n)))
            elif isinstance(n, HandoffNode):
                facts = [f"Urgency: {n.urgency}; case category: {n.category}"]
                if n.sources:
                    facts.append(f"Sources: {'; '.join(n.sources)}")
                if n.verified_on:
                    facts.append(f"Checked on (verified_on): {n.verified_on}")
                if n.contacts:
                    facts.append(f"Contact cards: {', '.join(n.contacts)}")
                entries.append(Entry(n.text, "handoff to a counsellor", n.id, tr(n.text), anchor,
                                     facts + _validity(n)))
            elif isinstance(n, BranchNode):
                for case in n.cases:
                    for date_rule in _dates_in(case.when):
                        notes.append(f"Rule switched by date at {n.id}: {date_rule} → {case.next}, "
                                     f"otherwise → {n.default}")
        covered.update(e.msgid for e in entries)
        topics.append(Topic(flow.id, flow.title, tr(flow.title), svg(flow), notes, entries))

    cards = []
    for card_id, card in sorted(registry.contacts.items()):
        entries = [Entry(card.title, "card title", card_id, tr(card.title), f"card-{card_id}",
                         [f"Sources: {'; '.join(card.sources)}", f"Checked on (verified_on): {card.verified_on}"])]
        for line in card.lines:
            entries.append(Entry(line.text, f"line {line.number}" if line.number else "office", card_id,
                                 tr(line.text)))
        covered.update(e.msgid for e in entries)
        cards.append(Topic(card_id, card.title, tr(card.title), "", [], entries))

    others = []
    for msgid in all_msgids if all_msgids is not None else list(catalogue):
        if msgid in covered:
            continue
        text, comments, notes = catalogue.get(msgid, (None, [], []))
        where = "; ".join(c for c in comments if not c.startswith("flow ")) or "bot"
        others.append(Entry(msgid, "bot text", where, text, None, notes))

    official = []
    for _name, value in sorted(registry.reference.values.items()):
        years = ", ".join(f"{year}: {format_value(v, 'en')}" for year, v in sorted(value.values.items()))
        official.append(f"{value.title}: {years} {value.unit} (sources: {'; '.join(value.sources)})")
    return Pack(lang, native_name(lang), today, topics, cards, others, official)


# --- HTML ------------------------------------------------------------------------------------------

CSS = """
:root { --ink:#1d2330; --muted:#5b6472; --line:#d8dde5; --ok:#2e7d32; --bad:#c62828; --q:#1f5fa8; }
* { box-sizing: border-box; }
body { font: 15px/1.45 "DejaVu Sans", system-ui, sans-serif; color: var(--ink); margin: 0; background: #f6f7f9; }
header { position: sticky; top: 0; z-index: 5; background: #fff; border-bottom: 1px solid var(--line);
         padding: 10px 20px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
header h1 { font-size: 18px; margin: 0; }
header .progress { color: var(--muted); }
button { font: inherit; padding: 6px 14px; border: 1px solid var(--q); background: var(--q); color: #fff;
         border-radius: 4px; cursor: pointer; }
main { padding: 0 20px 60px; max-width: 1500px; }
.intro { background: #fff; border: 1px solid var(--line); padding: 12px 16px; margin: 16px 0; }
nav ul { columns: 3; padding-left: 18px; }
section.topic { background: #fff; border: 1px solid var(--line); margin: 22px 0; padding: 8px 16px 16px; }
.notes { color: var(--muted); font-size: 13px; }
.diagram { overflow-x: auto; border: 1px solid var(--line); background: #fcfcfd; margin: 10px 0; }
table.entries { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.entries th, table.entries td { border-top: 1px solid var(--line); padding: 6px 8px; vertical-align: top; }
table.entries th { text-align: left; font-size: 13px; color: var(--muted); }
col.where { width: 14%; } col.text { width: 32%; } col.mark { width: 22%; }
td.en, td.tr { white-space: pre-wrap; }
td.where { font-size: 12px; color: var(--muted); word-break: break-word; }
td.where b { color: var(--ink); font-weight: 600; display: block; }
tr.entry.checked td { background: #f1f8f2; }
.missing { color: var(--bad); font-style: italic; }
.facts { font-size: 12px; color: var(--muted); margin-top: 6px; white-space: normal; }
td.mark textarea { width: 100%; min-height: 34px; font: 13px/1.3 inherit; margin-top: 4px; }
td.mark label { font-size: 13px; }
#csv-output { width: 100%; min-height: 120px; font: 12px monospace; display: none; }
svg.flow-diagram { display: block; }
svg .node rect { fill: #fff; stroke: #8a94a6; stroke-width: 1.2; }
svg .node text { font: 12px "DejaVu Sans", sans-serif; fill: var(--ink); }
svg .node.question rect { stroke: var(--q); stroke-width: 1.6; }
svg .node.input rect { stroke: #6a4fb3; stroke-dasharray: 5 3; }
svg .node.branch rect { fill: #fff8e1; stroke: #b28704; }
svg .node.outcome rect { fill: #e6f4ea; stroke: var(--ok); }
svg .node.handoff rect { fill: #fdecea; stroke: var(--bad); }
svg .node.goto rect { fill: #eef0f4; }
svg .node.start rect { fill: #1f5fa8; stroke: #1f5fa8; }
svg .node.start text { fill: #fff; font-weight: 600; }
svg a:hover rect { stroke-width: 3; }
svg .edge { fill: none; stroke: #8a94a6; stroke-width: 1.2; }
svg .edge.back { stroke-dasharray: 4 3; }
svg .arrowhead { fill: #8a94a6; }
svg .edge-label rect { fill: #fff; stroke: none; opacity: .9; }
svg .edge-label text { font: 11px "DejaVu Sans", sans-serif; fill: var(--muted); }
"""

JS = r"""
(function () {
  const KEY = "jol-review-" + LANG;
  let marks = {};
  try { marks = JSON.parse(localStorage.getItem(KEY) || "{}"); } catch (e) { marks = {}; }
  const rows = Array.from(document.querySelectorAll("tr.entry"));
  function save() { try { localStorage.setItem(KEY, JSON.stringify(marks)); } catch (e) {} }
  function mark(k) { return marks[MSGIDS[k]] || (marks[MSGIDS[k]] = {checked: false, note: "", correction: ""}); }
  function paint() {
    let done = 0;
    MSGIDS.forEach(function (id) { if (marks[id] && marks[id].checked) done++; });
    rows.forEach(function (row) {
      const m = marks[MSGIDS[+row.dataset.k]] || {};
      row.classList.toggle("checked", !!m.checked);
      row.querySelector("input.check").checked = !!m.checked;
      const note = row.querySelector("textarea.note"), corr = row.querySelector("textarea.correction");
      if (document.activeElement !== note) note.value = m.note || "";
      if (document.activeElement !== corr) corr.value = m.correction || "";
    });
    document.getElementById("progress").textContent = done + " of " + MSGIDS.length + " entries checked";
  }
  rows.forEach(function (row) {
    const k = +row.dataset.k;
    row.querySelector("input.check").addEventListener("change", function (ev) {
      mark(k).checked = ev.target.checked; save(); paint();
    });
    row.querySelector("textarea.note").addEventListener("input", function (ev) {
      mark(k).note = ev.target.value; save(); paint();
    });
    row.querySelector("textarea.correction").addEventListener("input", function (ev) {
      mark(k).correction = ev.target.value; save(); paint();
    });
  });
  function cell(v) { v = String(v == null ? "" : v); return '"' + v.replace(/"/g, '""') + '"'; }
  window.jolReviewCsv = function () {
    const lines = [COLUMNS.map(cell).join(",")];
    MSGIDS.forEach(function (id) {
      const m = marks[id];
      if (!m || !(m.checked || m.note || m.correction)) return;
      lines.push([id, LANG, m.checked ? "yes" : "no", m.note || "", m.correction || ""].map(cell).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  };
  document.getElementById("export").addEventListener("click", function () {
    const csv = window.jolReviewCsv();
    const out = document.getElementById("csv-output");
    out.style.display = "block"; out.value = csv;
    const url = URL.createObjectURL(new Blob(["\ufeff" + csv], {type: "text/csv;charset=utf-8"}));
    const a = document.createElement("a");
    a.href = url; a.download = "review-" + LANG + ".csv";
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  });
  paint();
})();
"""


# Uzbek Cyrillic is generated from Uzbek Latin (bot/i18n/uzbek.py): a correction must be made in
# the Latin text, or the next generation would undo it.
CORRECTION_HINT = {"": "corrected translation (optional)",
                   "uz_Cyrl": "corrected text in Uzbek Latin letters (optional)"}
SCRIPT_NOTES = {"uz_Cyrl": (
    '<p class="script-note"><b>Uzbek Cyrillic is generated from Uzbek Latin</b> by transliteration, so '
    "that both scripts say the same. Notes on any word are welcome. Write a corrected translation in "
    "<b>Latin letters</b> (it replaces the Uzbek Latin text, and the Cyrillic is generated from it); "
    "a correction written in Cyrillic cannot be applied. A word the transliteration spells wrongly "
    "(a Russian loan such as литсензия for лицензия) needs only a note.</p>")}


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _row(entry: Entry, k: int, lang: str) -> str:
    anchor = f' id="{_e(entry.anchor)}"' if entry.anchor else ""
    translation = (f'<td class="tr" lang="{_e(lang.replace("_", "-"))}">{_e(entry.translation)}</td>'
                   if entry.translation else '<td class="tr missing">not translated</td>')
    facts = "".join(f'<div class="facts">{_e(f)}</div>' for f in entry.facts)
    return (f'<tr class="entry" data-k="{k}"{anchor}>'
            f'<td class="where"><b>{_e(entry.kind)}</b>{_e(entry.where)}</td>'
            f'<td class="en" lang="en">{_e(entry.msgid)}{facts}</td>{translation}'
            f'<td class="mark"><label><input type="checkbox" class="check"> checked</label>'
            f'<textarea class="note" placeholder="note (what is wrong, a question)"></textarea>'
            f'<textarea class="correction" placeholder="{_e(CORRECTION_HINT.get(lang, CORRECTION_HINT[""]))}">'
            f'</textarea></td></tr>')


def _table(entries: list[Entry], index: dict[str, int], pack: Pack) -> str:
    head = (f'<table class="entries"><colgroup><col class="where"><col class="text"><col class="text">'
            f'<col class="mark"></colgroup><thead><tr><th>where</th><th>English</th>'
            f'<th>{_e(pack.language_name)} ({_e(pack.lang)})</th><th>your check</th></tr></thead><tbody>')
    return head + "".join(_row(e, index[e.msgid], pack.lang) for e in entries) + "</tbody></table>"


def render_html(pack: Pack) -> str:
    msgids = pack.msgids()
    index = {m: i for i, m in enumerate(msgids)}
    nav = "".join(f'<li><a href="#t-{_e(t.id)}">{_e(t.title)}</a></li>' for t in pack.topics)
    body = []
    for t in pack.topics:
        notes = "".join(f"<li>{_e(n)}</li>" for n in t.notes)
        body.append(f'<section class="topic" id="t-{_e(t.id)}"><h2>{_e(t.title)} · '
                    f'{_e(t.title_translated or "—")} <small>({_e(t.id)})</small></h2>'
                    + (f'<ul class="notes">{notes}</ul>' if notes else "")
                    + f'<div class="diagram">{t.diagram}</div>' + _table(t.entries, index, pack) + "</section>")
    cards = "".join(_table(c.entries, index, pack) for c in pack.cards)
    values = "".join(f"<li>{_e(v)}</li>" for v in pack.official_values)
    data = json.dumps(msgids, ensure_ascii=False).replace("</", "<\\/")
    title = f"Jol review pack: {pack.language_name} ({pack.lang})"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{CSS}</style></head>
<body>
<header><h1>{_e(title)}</h1><span class="progress" id="progress"></span>
<button id="export" type="button">Export marks to CSV</button></header>
<main>
<div class="intro">
<p>Generated on {pack.generated.isoformat()} from the flows and catalogues of this release. For every topic:
the diagram (click a box to jump to its texts), then every question, button, answer and handoff in
English and in {_e(pack.language_name)}, with the sources and the date each answer was checked.
Tick <b>checked</b> when an entry is right; write a <b>note</b> when it is not, and if you can, the
<b>corrected translation</b>. Your marks stay in this browser, so you can close the file and come back.
When you are done, press <b>Export marks to CSV</b> and send the file to the maintainers.</p>
<p>Placeholders in braces, such as <code>{{tax_month}}</code>, are filled by the bot; keep them as they are.
Key terms must use the words of the glossary (<code>content/glossary.yaml</code>).</p>
{SCRIPT_NOTES.get(pack.lang, "")}
<ul class="notes">{values}</ul>
</div>
<nav><h2>Topics</h2><ul>{nav}<li><a href="#cards">Contact cards</a></li>
<li><a href="#bot">The bot's own texts</a></li></ul></nav>
{"".join(body)}
<section class="topic" id="cards"><h2>Contact cards</h2>{cards}</section>
<section class="topic" id="bot"><h2>The bot's own texts (consent, privacy, buttons, counsellors)</h2>
{_table(pack.others, index, pack)}</section>
<h2>Export</h2><textarea id="csv-output" readonly></textarea>
</main>
<script>const LANG = {json.dumps(pack.lang)}; const COLUMNS = {json.dumps(list(CSV_COLUMNS))};
const MSGIDS = {data};</script>
<script>{JS}</script>
</body></html>
"""
