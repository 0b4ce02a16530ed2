"""Read one flow file: YAML (safe loader only) -> validated ``Flow`` model, with line numbers.

The YAML is composed once into a node tree that keeps each value's position; the same tree is
then constructed into plain data. Validation errors from pydantic carry a path inside the
document, which is walked back through the tree to find the line to report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.engine.problems import Problem
from bot.engine.schema import Flow


@dataclass
class LoadedFlow:
    """A flow that passed the schema, with the line of each node for later checks."""

    flow: Flow
    file: str
    node_lines: dict[str, int] = field(default_factory=dict)
    tree: Any = None

    def line_of(self, *path: str | int) -> int:
        return _line_for(self.tree, path)


def _line_for(tree: Any, path: tuple[str | int, ...]) -> int:
    """1-based line of the deepest element of ``path`` found in a composed YAML tree."""
    node = tree
    line = node.start_mark.line + 1 if node is not None else 1
    for key in path:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == key:
                    nxt = v
                    line = k.start_mark.line + 1
                    break
            if nxt is None:
                continue  # pydantic adds segments (union tags) that are not in the document
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            if key >= len(node.value):
                break
            node = node.value[key]
            line = node.start_mark.line + 1
    return line


def _node_id_at(data: Any, loc: tuple[Any, ...]) -> str:
    if len(loc) >= 2 and loc[0] == "nodes" and isinstance(loc[1], int) and isinstance(data, dict):
        nodes = data.get("nodes")
        if isinstance(nodes, list) and loc[1] < len(nodes) and isinstance(nodes[loc[1]], dict):
            return str(nodes[loc[1]].get("id", f"#{loc[1] + 1}"))
    return ""


def _describe(err: Any) -> str:
    loc = [str(p) for p in err["loc"] if not (isinstance(p, str) and "[" in p)]
    # Keep the field name the author wrote, not pydantic's internal union tags.
    field_path = ".".join(p for p in loc[2:] if p not in _NODE_TAGS) if loc[:1] == ["nodes"] else ".".join(loc)
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown key (typo?)"
    elif err["type"] == "missing":
        msg = "required key is missing"
    elif err["type"] == "union_tag_invalid":
        msg = f"unknown node type {err['input'].get('type')!r}" if isinstance(err["input"], dict) else msg
    return f"{field_path}: {msg}" if field_path else msg


_NODE_TAGS = {"question", "input", "date_ranges", "branch", "info", "outcome", "handoff", "goto"}


def parse_yaml(text: str, file: str) -> tuple[Any, Any, list[Problem]]:
    """(tree, data, problems). Only the safe constructor is used: arbitrary tags are errors."""
    loader = yaml.SafeLoader(text)
    try:
        tree = loader.get_single_node()
        data = loader.construct_document(tree) if tree is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = (exc.problem or "invalid YAML").strip()
        if "could not determine a constructor" in reason:
            reason = f"unsafe or unknown YAML tag: {reason.split('tag')[-1].strip()}"
        return None, None, [Problem(file, line, "", reason)]
    except yaml.YAMLError as exc:
        return None, None, [Problem(file, 1, "", f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
    return tree, data, []


def load_flow_text(text: str, file: str) -> tuple[LoadedFlow | None, list[Problem]]:
    tree, data, problems = parse_yaml(text, file)
    if problems:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem(file, 1, "", "a flow file must be a mapping with spec_version, id, start and nodes")]
    try:
        flow = Flow.model_validate(data)
    except ValidationError as exc:
        out = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            line = _line_for(tree, loc)
            out.append(Problem(file, line, _node_id_at(data, loc), _describe(err)))
        return None, sorted(set(out))
    loaded = LoadedFlow(flow=flow, file=file, tree=tree)
    for i, node in enumerate(flow.nodes):
        loaded.node_lines.setdefault(node.id, _line_for(tree, ("nodes", i)))
    return loaded, []


def load_flow_file(path: Path, display: str | None = None) -> tuple[LoadedFlow | None, list[Problem]]:
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(name, 1, "", f"cannot read file: {exc}")]
    return load_flow_text(text, name)
