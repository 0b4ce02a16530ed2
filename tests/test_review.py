"""The review pack: every topic, entry and fact in one offline HTML file, and marks coming back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
import sys
from pathlib import Path

from bot.engine.registry import Registry
from bot.engine.schema import HandoffNode, OutcomeNode, QuestionNode
from bot.i18n import tools
from bot.i18n.review.apply import apply_marks
from bot.i18n.review.diagram import build_graph, svg
from bot.i18n.review.pack import build_pack, render_html

from .test_i18n import ROOT, copy_project

TODAY = dt.date(2026, 11, 26)


def _msgids() -> list[str]:
    return [str(m.id if isinstance(m.id, str) else m.id[0]) for m in tools._read(tools.Paths(ROOT).template) if m.id]


def test_every_catalogue_entry_is_in_the_pack_with_its_translation(registry: Registry) -> None:
    pack = build_pack(registry, ROOT / "content/locales", "kk", TODAY, _msgids())
    assert set(pack.msgids()) == set(_msgids())
    assert {t.id for t in pack.topics} == set(registry.flows)
    page = render_html(pack)
    for flow in registry.flows.values():
        for n in flow.nodes:
            if isinstance(n, (OutcomeNode, HandoffNode, QuestionNode)):
                assert f'id="e-{flow.id}-{n.id}"' in page, (flow.id, n.id)
            if isinstance(n, OutcomeNode):
                assert f"Checked on (verified_on): {n.verified_on}" in page
                assert all(source.replace('"', "&quot;") in page for source in n.sources)
    # English and Kazakh side by side, and amounts as each reader sees them
    assert "Сенім телефондарын жіберу" in page and "Send help lines" in page
    assert "{tax_month} = 17,300\xa0₸ / 17\xa0300\xa0₸ (4 × MRP 2026)" in page
    assert "Rule switched by date" in page  # registration rules from 1 July 2026


def test_the_pack_is_self_contained(registry: Registry) -> None:
    page = render_html(build_pack(registry, ROOT / "content/locales", "uz", TODAY, _msgids()))
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page and "mermaid" not in page.lower()
    assert page.count("<svg") == len(registry.flows)


def test_a_flow_is_drawn_with_every_node_and_option(registry: Registry) -> None:
    flow = registry.flows["work_permit"]
    graph = build_graph(flow)
    assert {n.id for n in flow.nodes} <= set(graph.boxes)
    options = [o.label for n in flow.nodes if isinstance(n, QuestionNode) for o in n.options]
    drawn = svg(flow)
    assert all(label.split()[0] in drawn for label in options)
    # nothing overlaps inside a layer
    by_layer: dict[int, list[float]] = {}
    for box in graph.boxes.values():
        by_layer.setdefault(box.layer, []).append(box.x)
    for xs in by_layer.values():
        xs.sort()
        assert all(b - a >= 190 for a, b in zip(xs, xs[1:], strict=False))


def test_a_reviewers_csv_corrects_the_catalogue_and_lists_the_notes(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    marks = io.StringIO()
    writer = csv.writer(marks)
    writer.writerow(["msgid", "language", "checked", "note", "correction"])
    writer.writerow(["Work permit", "uz", "no", "shorter is usual", "Ish uchun ruxsatnoma"])
    writer.writerow(["Work permit", "uz_Cyrl", "no", "", "Иш учун рухсатнома"])
    writer.writerow(["Registration and stay", "kk", "yes", "", ""])
    writer.writerow(["Sending money home", "tg", "no", "check the verb", ""])
    result = apply_marks(root, "\ufeff" + marks.getvalue())
    assert result.corrected == [("uz", "Work permit")]
    assert result.checked == 1
    assert ("tg", "Sending money home", "check the verb") in result.notes
    assert any("Uzbek Cyrillic is generated" in r for r in result.refused)
    uz = (root / "content/locales/uz/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    cyrl = (root / "content/locales/uz_Cyrl/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    assert 'msgid "Work permit"\nmsgstr "Ish uchun ruxsatnoma"' in uz
    assert 'msgid "Work permit"\nmsgstr "Иш учун рухсатнома"' in cyrl  # generated from the Latin


def test_a_correction_to_a_text_with_plural_forms_is_applied_form_by_form(tmp_path: Path,
                                                                         registry: Registry) -> None:
    root = copy_project(tmp_path)
    page = render_html(build_pack(registry, root / "content/locales", "ru", TODAY, _msgids()))
    # the pack shows each form on its own line, with the numbers that take it and the English plural
    assert "[0] {count} день\n[1] {count} дня\n[2] {count} дней" in page
    assert "English plural: {count} days" in page
    assert "[0] for 1, 21, 101 …; [1] for 2, 3, 4, 22 …; [2] for 0, 5, 6, 7 …" in page
    marks = io.StringIO()
    writer = csv.writer(marks)
    writer.writerow(["msgid", "language", "checked", "note", "correction"])
    writer.writerow(["{count} day", "tg", "no", "", "[0] {count} рӯз\n[1] {count} рӯзи пурра"])
    writer.writerow(["{count} hour", "ru", "no", "", "[0] {count} час\n[1] {count} часа"])  # a form missing
    result = apply_marks(root, marks.getvalue())
    assert result.corrected == [("tg", "{count} day")]
    assert result.refused == ["ru '{count} hour': expected the forms [0] to [2] in order, found [0], [1]"]
    tg = (root / "content/locales/tg/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    assert 'msgstr[0] "{count} рӯз"\nmsgstr[1] "{count} рӯзи пурра"' in tg
    assert tools.check(root) == []


def test_the_uzbek_cyrillic_pack_asks_for_corrections_in_latin_letters_and_they_apply(tmp_path: Path,
                                                                                      registry: Registry) -> None:
    root = copy_project(tmp_path)
    page = render_html(build_pack(registry, root / "content/locales", "uz_Cyrl", TODAY, _msgids()))
    assert "Uzbek Cyrillic is generated from Uzbek Latin" in page
    assert 'placeholder="corrected text in Uzbek Latin letters (optional)"' in page
    marks = io.StringIO()
    writer = csv.writer(marks)
    writer.writerow(["msgid", "language", "checked", "note", "correction"])
    writer.writerow(["Menu", "uz_Cyrl", "no", "", "Bosh menyu"])
    writer.writerow(["Work permit", "uz_Cyrl", "no", "", "Иш рухсатномаси"])   # in Cyrillic: cannot be applied
    result = apply_marks(root, marks.getvalue())
    assert result.corrected == [("uz", "Menu")]
    assert len(result.refused) == 1 and "'Work permit': Uzbek Cyrillic is generated" in result.refused[0]
    cyrl = (root / "content/locales/uz_Cyrl/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    assert 'msgid "Menu"\nmsgstr "Бош меню"' in cyrl
    assert tools.check(root) == []


def test_the_command_applies_a_reviewers_csv_and_checks_the_catalogues(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    marks = tmp_path / "review-ky.csv"
    marks.write_text("\ufeffmsgid,language,checked,note,correction\r\n"
                     '"Menu","ky","no","shorter","Башкы меню"\r\n'
                     '"« Back","ky","yes","",""\r\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bot", "review", "--apply", str(marks)], cwd=root,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "1 entries marked checked; 1 corrections written; 1 notes" in done.stdout
    ky = (root / "content/locales/ky/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    assert 'msgid "Menu"\nmsgstr "Башкы меню"' in ky
    # a correction that breaks a check is written, and the command says so and fails
    marks.write_text('msgid,language,checked,note,correction\n"Menu","ky","no","","Меню 1.5"\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bot", "review", "--apply", str(marks)], cwd=root,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "number '1.5'" in done.stderr and "fix them before committing" in done.stderr


def test_validity_dates_are_shown_when_a_rule_has_them() -> None:
    from types import SimpleNamespace

    from bot.i18n.review.pack import _validity

    rule = SimpleNamespace(valid_from=dt.date(2026, 7, 1), valid_until=None)
    assert _validity(rule) == ["valid from 2026-07-01"]
    assert _validity(SimpleNamespace()) == []


def test_a_pack_exists_for_every_language_with_nothing_left_untranslated(registry: Registry) -> None:
    langs = tools.Paths(ROOT).languages()
    assert set(langs) == {"ru", "uz", "uz_Cyrl", "tg", "ky", "kk"}
    for lang in langs:
        page = render_html(build_pack(registry, ROOT / "content/locales", lang, TODAY, _msgids()))
        assert "not translated" not in page, lang
        assert page.count('class="entry"') >= len(_msgids()), lang
