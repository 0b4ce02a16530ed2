"""Telegram-flavoured HTML parsed into plain text and entities, and Telegram's whitespace trim.

The bot sends plain text; HTML is kept because it is the mode the bot would switch to (and the
one whose length rules are easy to get wrong: the limit counts the text after the tags).
"""

from __future__ import annotations

import re
from typing import Final

from fakegram.errors import EntityParseError
from fakegram.limits import JSONDict
from fakegram.params import _byte_offset, _u16

# --------------------------------------------------------------------------- formatting


class _TextBuilder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.len16 = 0

    def add(self, chunk: str) -> None:
        if chunk:
            self.parts.append(chunk)
            self.len16 += _u16(chunk)

    def value(self) -> str:
        return "".join(self.parts)


_HTML_TAGS: Final = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "span": "spoiler", "tg-spoiler": "spoiler",
    "code": "code", "pre": "pre", "a": "text_link", "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_ENTITY_RE: Final = re.compile(r"&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});")
_HTML_NAMED: Final = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _html_entity(text: str, index: int) -> tuple[str | None, int]:
    match = _HTML_ENTITY_RE.match(text, index)
    if match is None:
        return None, index
    body = match.group(1)
    if body.startswith("#"):
        code = int(body[2:], 16) if body[1:2] in {"x", "X"} else int(body[1:])
        if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
            return chr(code), match.end()
        return None, index
    named = _HTML_NAMED.get(body)
    if named is None:
        return None, index
    return named, match.end()


def _html_unescape(raw: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] == "&":
            decoded, end = _html_entity(raw, i)
            if decoded is not None:
                out.append(decoded)
                i = end
                continue
        out.append(raw[i])
        i += 1
    return "".join(out)


def parse_html(text: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram-flavoured HTML into plain text and entities.

    Errors use Telegram's wording (without the ``can't parse entities:`` prefix).
    """
    out = _TextBuilder()
    entities: list[JSONDict] = []
    stack: list[tuple[str, dict[str, str], int]] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch == "&":
            decoded, end = _html_entity(text, i)
            if decoded is not None:
                out.add(decoded)
                i = end
            else:
                out.add("&")
                i += 1
            continue
        if ch != "<":
            j = i + 1
            while j < n and text[j] not in "<&":
                j += 1
            out.add(text[i:j])
            i = j
            continue
        begin = i
        where = f"at byte offset {_byte_offset(text, begin)}"
        if i + 1 < n and text[i + 1] == "/":
            if not stack:
                raise EntityParseError(f"Unexpected end tag {where}")
            j = i + 2
            while j < n and not text[j].isspace() and text[j] != ">":
                j += 1
            end_name = text[i + 2 : j].lower()
            while j < n and text[j].isspace():
                j += 1
            if j >= n or text[j] != ">":
                raise EntityParseError(f"Unclosed end tag {where}")
            tag, attrs, start = stack.pop()
            if end_name and end_name != tag:
                raise EntityParseError(
                    f'Unmatched end tag {where}, expected "</{tag}>", found "</{end_name}>"'
                )
            i = j + 1
            language = attrs.get("class", "")
            inside_pre = bool(stack) and stack[-1][0] == "pre"
            if tag == "code" and inside_pre and language.startswith("language-"):
                stack[-1][1]["\0language"] = language[len("language-") :]
                continue
            length = out.len16 - start
            if length <= 0:
                continue
            entity: JSONDict = {"type": _HTML_TAGS[tag], "offset": start, "length": length}
            if tag == "a":
                href = attrs.get("href", "").strip()
                if not href:
                    continue
                entity["url"] = href
            elif tag == "pre" and attrs.get("\0language"):
                entity["language"] = attrs["\0language"]
            elif tag == "blockquote" and "expandable" in attrs:
                entity["type"] = "expandable_blockquote"
            elif tag == "tg-emoji":
                entity["custom_emoji_id"] = attrs.get("emoji-id", "")
            entities.append(entity)
            continue
        j = i + 1
        while j < n and not text[j].isspace() and text[j] != ">":
            j += 1
        if j >= n:
            raise EntityParseError(f"Unclosed start tag {where}")
        name = text[i + 1 : j].lower()
        if name not in _HTML_TAGS:
            raise EntityParseError(f'Unsupported start tag "{name}" {where}')
        attrs_found: dict[str, str] = {}
        while True:
            while j < n and text[j].isspace():
                j += 1
            if j >= n:
                raise EntityParseError(f"Unclosed start tag {where}")
            if text[j] == ">":
                j += 1
                break
            k = j
            while k < n and (text[k].isalnum() or text[k] in "-_"):
                k += 1
            attr = text[j:k].lower()
            if not attr:
                raise EntityParseError(f'Empty attribute name in the tag "{name}" {where}')
            while k < n and text[k].isspace():
                k += 1
            if k >= n:
                raise EntityParseError(f"Unclosed start tag {where}")
            if text[k] != "=":
                if name == "blockquote" and attr == "expandable":
                    attrs_found[attr] = ""
                    j = k
                    continue
                raise EntityParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" {where}'
                )
            k += 1
            while k < n and text[k].isspace():
                k += 1
            if k >= n:
                raise EntityParseError(f"Unclosed start tag {where}")
            if text[k] in "\"'":
                close = text.find(text[k], k + 1)
                if close < 0:
                    raise EntityParseError(f"Unclosed start tag {where}")
                raw_value = text[k + 1 : close]
                j = close + 1
            else:
                end = k
                while end < n and not text[end].isspace() and text[end] != ">":
                    end += 1
                raw_value = text[k:end]
                j = end
            attrs_found[attr] = _html_unescape(raw_value)
        if name == "span" and attrs_found.get("class") != "tg-spoiler":
            raise EntityParseError(f'Tag "span" must have class "tg-spoiler" {where}')
        stack.append((name, attrs_found, out.len16))
        i = j
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return out.value(), entities


def _trim(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Strip leading/trailing whitespace like Telegram, shifting entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    left16 = _u16(text[: len(text) - len(text.lstrip())])
    total16 = _u16(stripped)
    result: list[JSONDict] = []
    for entity in entities:
        start = max(0, int(entity["offset"]) - left16)
        end = min(total16, int(entity["offset"]) + int(entity["length"]) - left16)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result
