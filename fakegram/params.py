"""Request parameters: what aiogram sends (multipart, JSON, form) as typed values."""

from __future__ import annotations

import json
from typing import Any

from fakegram.errors import bad_request
from fakegram.limits import _FLOAT_RE, _INT_RE, BOOL_FIELDS, FLOAT_FIELDS, INT_FIELDS, JSON_FIELDS, JSONDict
from fakegram.records import Upload

# --------------------------------------------------------------------------- helpers


def _u16(text: str) -> int:
    """Length in UTF-16 code units (the unit of entity offsets)."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _id_of(obj: JSONDict | int) -> int:
    if isinstance(obj, dict):
        return int(obj["id"])
    return int(obj)


def _normalize_params(raw: JSONDict) -> JSONDict:
    """Decode JSON fields and coerce well-known scalar fields like Telegram does."""
    params: JSONDict = {}
    for key, value in raw.items():
        if isinstance(value, str):
            stripped = value.strip()
            if key in JSON_FIELDS:
                if stripped == "":
                    continue
                try:
                    value = json.loads(stripped)
                except ValueError:
                    if key == "reply_markup":
                        raise bad_request("can't parse reply keyboard markup JSON object") from None
                    if key in {"entities", "caption_entities"}:
                        raise bad_request("can't parse entities JSON object") from None
                    raise bad_request(f"can't parse {key} JSON object") from None
            elif key in INT_FIELDS and _INT_RE.fullmatch(stripped):
                value = int(stripped)
            elif key in FLOAT_FIELDS and _FLOAT_RE.fullmatch(stripped):
                number = float(stripped)
                value = int(number) if number.is_integer() else number
            elif key in BOOL_FIELDS and stripped.lower() in {"true", "false", "1", "0"}:
                value = stripped.lower() in {"true", "1"}
        params[key] = value
    return params


class Params:
    """Typed accessors over the decoded request parameters."""

    def __init__(self, data: JSONDict, files: dict[str, Upload] | None = None) -> None:
        self.data = data
        self.files = files or {}

    def present(self, name: str) -> bool:
        return self.data.get(name) not in (None, "")

    def text(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(value)
        return json.dumps(value, ensure_ascii=False)

    def integer(self, name: str, *, missing: str | None = None) -> int | None:
        value = self.data.get(name)
        if value in (None, ""):
            if missing is not None:
                raise bad_request(missing)
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
            return int(value.strip())
        raise bad_request(f"invalid {name} specified")

    def number(self, name: str) -> float | None:
        value = self.data.get(name)
        if value in (None, ""):
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str) and _FLOAT_RE.fullmatch(value.strip()):
            return float(value.strip())
        raise bad_request(f"invalid {name} specified")

    def boolean(self, name: str) -> bool:
        value = self.data.get(name)
        if isinstance(value, str):
            return value.strip().lower() in {"true", "1"}
        return bool(value)

    def obj(self, name: str) -> Any:
        """A JSON field, already decoded by :func:`_normalize_params`."""
        return self.data.get(name)
