"""Babel extractors for the YAML content: flow texts and contact cards.

Registered with Babel by dotted name (``bot.i18n.extract:extract_flows``), so ``pybabel`` and
``python -m bot i18n extract`` both pick them up. Each message carries a comment naming its flow
and node, which translators see in their tools.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import yaml

FLOW_TEXT_KEYS = {"title", "text", "reask", "more", "label"}
BUTTON_TAG = "button label: at most 40 characters"
Extracted = tuple[int, str | None, str, list[str]]


def _scalar(node: Any) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) else None


def _walk(node: Any, context: list[str], keys: set[str]) -> Iterator[tuple[int, str, list[str]]]:
    if isinstance(node, yaml.MappingNode):
        ident = next((_scalar(v) for k, v in node.value if _scalar(k) == "id"), None)
        is_root = bool(context) and context[-1].endswith(f" {ident}")  # the flow's own id
        here = context + ([f"node {ident}"] if ident and not is_root else [])
        for k, v in node.value:
            key = _scalar(k)
            if key in keys and isinstance(v, yaml.ScalarNode) and v.value:
                yield v.start_mark.line + 1, v.value, here + ([BUTTON_TAG] if key == "label" else [])
            else:
                yield from _walk(v, here + ([key] if key and key not in ("nodes", "options", "lines") else []), keys)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _walk(item, context, keys)


def _extract(fileobj: IO[bytes], keys: set[str], label: str) -> Iterator[Extracted]:
    text = fileobj.read().decode("utf-8")
    loader = yaml.SafeLoader(text)
    try:
        tree = loader.get_single_node()
    finally:
        loader.dispose()
    if tree is None:
        return
    flow_id = next((_scalar(v) for k, v in getattr(tree, "value", []) if _scalar(k) == "id"), None)
    root = [f"{label} {flow_id}"] if flow_id else [label]
    for line, message, context in _walk(tree, root, keys):
        yield line, None, message, [", ".join(context)]


def extract_flows(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[Extracted]:
    yield from _extract(fileobj, FLOW_TEXT_KEYS, "flow")


def extract_contacts(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[Extracted]:
    yield from _extract(fileobj, {"title", "text"}, "contacts")


def extract_canned(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[Extracted]:
    yield from _extract(fileobj, {"label", "text"}, "ready answers")
