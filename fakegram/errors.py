"""Error answers of the Bot API, shaped as Telegram shapes them."""

from __future__ import annotations

from http import HTTPStatus
from typing import Final

from fakegram.limits import JSONDict

# --------------------------------------------------------------------------- errors


_HTML_BODY: Final = "__html_body__"


class ApiError(Exception):
    """An error answer of the Bot API (``ok: false``)."""

    def __init__(self, code: int, description: str, parameters: JSONDict | None = None,
                 html: bool = False) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters
        self.html = html  # answered by a gateway in front of the Bot API: an HTML page, not JSON

    def payload(self) -> JSONDict:
        if self.html:
            return {_HTML_BODY: f"<html><head><title>{self.code} {self.description}</title></head>"
                                f"<body><center><h1>{self.code} {self.description}</h1></center>"
                                "<hr><center>nginx</center></body></html>"}
        body: JSONDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    return ApiError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def _default_description(status: int) -> str:
    known = {
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
        409: "Conflict", 500: "Internal Server Error", 502: "Bad Gateway",
    }
    if status in known:
        return known[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class EntityParseError(ValueError):
    """Formatting markup could not be parsed (Telegram: ``can't parse entities``)."""
