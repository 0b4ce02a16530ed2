"""The HTTP side: the server aiogram talks to, and the webhook client that talks to the bot.

Requests arrive at ``/bot<token>/<method>`` as ``multipart/form-data`` (what aiogram sends),
JSON, a url-encoded form or a query string. Every call is recorded (``requests``) with its
outcome. Answers are Telegram's JSON envelopes with ``error_code`` equal to the HTTP status; an
unknown method or token gets Telegram's 404 / 401. Once received, a request is carried out even
if the client goes away, as on the real server. A bug in the fake is answered with a 500 and kept
in ``internal_errors``.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any, Final, Self

from aiohttp import BodyPartReader, ClientSession, ClientTimeout, MultipartReader, web

from fakegram.errors import _HTML_BODY, ApiError
from fakegram.faults import Faults
from fakegram.limits import MAX_UPLOAD_BYTES, JSONDict
from fakegram.params import Params, _normalize_params
from fakegram.records import _CURRENT_CALL, _MISSING, Call, Upload, _Reply

Handler = Callable[[Params], Awaitable[Any]]

# The Bot API methods the fake serves: the ones the bot calls. Each is ``_api_<snake_case>``
# on FakeTelegram; any other method gets Telegram's 404.
API_METHODS: Final = (
    "getMe", "getUpdates", "setWebhook", "deleteWebhook", "setMyCommands", "getChatMember",
    "sendMessage", "sendPhoto", "sendDocument", "copyMessage", "editMessageText",
    "editMessageReplyMarkup", "deleteMessage", "answerCallbackQuery",
    "createForumTopic", "editForumTopic", "closeForumTopic", "reopenForumTopic",
)
_BY_LOWER_NAME: Final = {name.lower(): name for name in API_METHODS}


class HttpServer(Faults):
    # ------------------------------------------------------------------ lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start serving; returns the base URL (``http://127.0.0.1:PORT``)."""
        if self._runner is not None:
            raise RuntimeError("FakeTelegram is already running")
        self._closing = asyncio.Event()
        self._poll_event = asyncio.Event()
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("*", "/{tail:.*}", self._handle_not_found)
        runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        self._runner = runner
        bound = next((a for a in runner.addresses if isinstance(a, tuple) and len(a) >= 2), (host, port))
        self.base_url = f"http://{host}:{int(bound[1])}"
        return self.base_url

    async def stop(self) -> None:
        """Stop serving; pending long polls and delays end immediately."""
        self._closing.set()
        self._wake_pollers()
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ webhook delivery

    async def deliver_webhook(
        self,
        update: JSONDict,
        *,
        secret_token: str | object | None = _MISSING,
        url: str | None = None,
        timeout: float = 10.0,
    ) -> int:
        """POST ``update`` to the webhook like Telegram; returns the HTTP status.

        The header ``X-Telegram-Bot-Api-Secret-Token`` carries the configured
        secret unless ``secret_token`` overrides it (``None``: no header).  A 2xx
        answer confirms the update; a method in the reply body (aiogram's
        webhook reply) is executed and recorded with ``source="webhook-reply"``.
        """
        target = url or self.webhook_url
        if not target:
            raise RuntimeError("no webhook is set")
        headers = {"Content-Type": "application/json"}
        secret = self.webhook_secret if secret_token is _MISSING else secret_token
        if isinstance(secret, str):
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        if self._client is None or self._client.closed:
            self._client = ClientSession()
        update_id = int(update["update_id"])
        self.deliveries[update_id] = self.deliveries.get(update_id, 0) + 1
        payload = json.dumps(update, ensure_ascii=False)
        async with self._client.post(
            target, data=payload.encode(), headers=headers, timeout=ClientTimeout(total=timeout)
        ) as response:
            if 200 <= response.status < 300:
                self.pending = [u for u in self.pending if u["update_id"] != update_id]
                self.confirmed_ids.add(update_id)
                await self._run_webhook_reply(response)
            return response.status

    async def _run_webhook_reply(self, response: Any) -> None:
        params: JSONDict = {}
        files: dict[str, Upload] = {}
        if response.content_type == "multipart/form-data":
            reader = MultipartReader.from_response(response)
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader):
                    continue
                body = bytes(await part.read(decode=True))
                if part.filename:
                    files[part.name or ""] = Upload(part.filename, body)
                else:
                    params[part.name or ""] = body.decode("utf-8")
        elif response.content_type == "application/json":
            with contextlib.suppress(ValueError):
                loaded = json.loads(await response.text())
                if isinstance(loaded, dict):
                    params = loaded
        method = params.pop("method", None)
        name = _BY_LOWER_NAME.get(method.lower()) if isinstance(method, str) else None
        if name is not None:
            await self._execute(name, self._handler(name), params, files, source="webhook-reply")

    # ------------------------------------------------------------------ serving the Bot API

    def _handler(self, name: str) -> Handler:
        handler: Handler = getattr(self, "_api_" + re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower())
        return handler

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        name = _BY_LOWER_NAME.get(method.lower())
        if request.match_info["token"] != self.token or name is None:
            error = ApiError(401, "Unauthorized") if request.match_info["token"] != self.token \
                else ApiError(404, "Not Found")
            self._record_failure(method, {}, error)
            return self._json(error.payload(), error.code)
        try:
            raw, files = await self._read_params(request)
        except ApiError as error:
            self._record_failure(name, {}, error)
            return self._json(error.payload(), error.code)
        if name == "getUpdates":
            status, body = await self._execute(name, self._handler(name), raw, files)
        else:
            # Once received, a request is carried out even if the client goes away.
            task = asyncio.ensure_future(self._execute(name, self._handler(name), raw, files))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            status, body = await asyncio.shield(task)
        return self._json(body, status)

    async def _handle_not_found(self, request: web.Request) -> web.Response:
        return self._json(ApiError(404, "Not Found").payload(), 404)

    @staticmethod
    def _json(body: JSONDict, status: int) -> web.Response:
        if _HTML_BODY in body:
            return web.Response(text=body[_HTML_BODY], status=status, content_type="text/html")
        text = json.dumps(body, ensure_ascii=False)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: escaped, as the real Bot API would send it
            text = json.dumps(body)
        return web.Response(text=text, status=status, content_type="application/json")

    async def _read_params(self, request: web.Request) -> tuple[JSONDict, dict[str, Upload]]:
        params: JSONDict = dict(request.query)
        files: dict[str, Upload] = {}
        if not request.body_exists:
            return params, files
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON object") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: JSON object expected")
            params.update(body)
        elif request.content_type in {"multipart/form-data", "application/x-www-form-urlencoded"}:
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    files[key] = Upload(value.filename, value.file.read(), value.content_type)
                else:
                    params[key] = value
        return params, files

    def _record_failure(self, method: str, params: JSONDict, error: ApiError) -> None:
        self.requests.append(Call(method=method, params=params, time=self.now(), ok=False,
                                  error_code=error.code, description=error.description, done=True))

    async def _execute(
        self,
        name: str,
        handler: Handler,
        raw: JSONDict,
        files: dict[str, Upload],
        *,
        source: str = "http",
    ) -> tuple[int, JSONDict]:
        """Carry out one call: record it, apply injected faults, run the method, shape the answer."""
        try:
            params = _normalize_params(raw)
        except ApiError as error:
            self._record_failure(name, dict(raw), error)
            return error.code, error.payload()
        call = Call(method=name, params=params, time=self.now(), source=source)
        self.requests.append(call)
        token = _CURRENT_CALL.set(call)
        try:
            self._check_fault_flood(name, params, call)
            fault = self._take_fault(name)
            if fault is not None:
                if fault.delay:
                    await self._sleep(fault.delay)
                if fault.status is not None:
                    raise self._fault_error(name, params, fault)
            outcome = await handler(Params(params, files))
            description = None
            if isinstance(outcome, _Reply):
                outcome, description = outcome.result, outcome.description
            call.ok = True
            call.result = copy.deepcopy(outcome)
            body: JSONDict = {"ok": True, "result": outcome}
            if description:
                body["description"] = description
            return 200, body
        except ApiError as error:
            call.error_code = error.code
            call.description = error.description
            if error.code == 429:
                self.rate_limited += 1
            return error.code, error.payload()
        except Exception as exc:  # a bug in the fake (or something it does not model): visible, keep serving
            self.internal_errors.append(exc)
            call.error_code = 500
            call.description = f"Internal Server Error (fake bug: {exc!r})"
            return 500, ApiError(500, call.description).payload()
        finally:
            call.done = True
            _CURRENT_CALL.reset(token)

    async def _sleep(self, seconds: float) -> None:
        if seconds <= 0 or self._closing.is_set():
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)
