"""All flows of a deployment, loaded from a folder and checked as a whole."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from bot.engine.claims import check_claims
from bot.engine.contacts import ContactCard, load_contacts
from bot.engine.loader import LoadedFlow, load_flow_file
from bot.engine.problems import FlowError, Problem
from bot.engine.reference import ReferenceTable
from bot.engine.schema import Flow, Node
from bot.engine.validate import validate

ENTRY_FLOW = "start"  # what /start runs: safety question, then the menu
MENU_FLOW = "menu"  # where "menu" leads from anywhere


@dataclass
class Registry:
    flows: dict[str, Flow]
    contacts: dict[str, ContactCard] = field(default_factory=dict)
    reference: ReferenceTable = field(default_factory=ReferenceTable)
    _nodes: dict[tuple[str, str], Node] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._nodes = {(f.id, n.id): n for f in self.flows.values() for n in f.nodes}

    def node(self, flow_id: str, node_id: str) -> Node | None:
        return self._nodes.get((flow_id, node_id))

    def flow(self, flow_id: str) -> Flow | None:
        return self.flows.get(flow_id)


@dataclass
class CheckReport:
    registry: Registry | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def check_flows(flows_dir: Path, content_dir: Path | None = None, *, today: dt.date | None = None,
                stale_after_days: int = 180) -> CheckReport:
    """Load and validate every ``*.yaml`` in ``flows_dir``; report all problems at once."""
    problems: list[Problem] = []
    loaded: dict[str, LoadedFlow] = {}
    files = sorted(flows_dir.glob("*.yaml")) + sorted(flows_dir.glob("*.yml"))
    if not files:
        problems.append(Problem(_display(flows_dir), 0, "", "no flow files (*.yaml) here"))
    for path in files:
        lf, errs = load_flow_file(path, _display(path))
        problems.extend(errs)
        if lf is None:
            continue
        if lf.flow.id != path.stem:
            problems.append(Problem(lf.file, lf.line_of("id"), "",
                                    f"flow id '{lf.flow.id}' must match the file name '{path.stem}'"))
        if lf.flow.id in loaded:
            problems.append(Problem(lf.file, lf.line_of("id"), "",
                                    f"flow id '{lf.flow.id}' is also used by {loaded[lf.flow.id].file}"))
            continue
        loaded[lf.flow.id] = lf
    contacts: dict[str, ContactCard] = {}
    reference = ReferenceTable()
    if content_dir is not None:
        for name, loader in (("contacts.yaml", load_contacts), ("reference.yaml", ReferenceTable.load)):
            try:
                result = loader(content_dir / name)
            except (ValidationError, ValueError, OSError) as exc:
                problems.append(Problem(_display(content_dir / name), 1, "", f"invalid file: {exc}"))
                continue
            if isinstance(result, ReferenceTable):
                reference = result
            else:
                contacts = result
    if content_dir is not None and today is not None:
        problems.extend(_reference_gap(reference, today, content_dir / "reference.yaml"))
    for required in (ENTRY_FLOW, MENU_FLOW):
        if files and required not in loaded and not any(p.severity == "error" for p in problems):
            problems.append(Problem(_display(flows_dir), 0, "", f"missing the '{required}' flow ({required}.yaml)"))
    problems.extend(validate(loaded, contacts=set(contacts) if content_dir else None,
                             official=reference.names() if content_dir else None,
                             today=today, stale_after_days=stale_after_days))
    if content_dir is not None:
        problems.extend(check_claims(loaded, contacts, _display(content_dir / "contacts.yaml")))
    registry = None
    if not any(p.severity == "error" for p in problems):
        registry = Registry({k: v.flow for k, v in loaded.items()}, contacts, reference)
    return CheckReport(registry, problems)


def _reference_gap(reference: ReferenceTable, today: dt.date, path: Path) -> list[Problem]:
    """A warning when official values are missing for this year, or from 1 December for next year."""
    gap = reference.gap(today)
    if gap is None:
        return []
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    line = next((i + 1 for i, row in enumerate(text.splitlines()) if row.strip() == f"{gap.names[0]}:"), 1)
    names = ", ".join(gap.names)
    if gap.upcoming:
        message = (f"no {gap.year} values yet for {names}: from 1 January {gap.year} amounts will use the "
                   f"{gap.latest} values and say so. Add the {gap.year} values once they are published; never guess")
    else:
        message = (f"no {gap.year} values for {names}: amounts use the {gap.latest} values and say which year. "
                   f"Add the {gap.year} values once they are published; never guess")
    return [Problem(_display(path), line, "", message, "warning", subject="official values")]


def load_registry(flows_dir: Path, content_dir: Path | None = None) -> Registry:
    """The checked registry, or FlowError with every problem."""
    report = check_flows(flows_dir, content_dir)
    if report.registry is None:
        raise FlowError(report.errors)
    return report.registry
