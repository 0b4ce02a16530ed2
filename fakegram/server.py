"""A strict, local fake of the Telegram Bot API for tests and benchmarks.

One :class:`FakeTelegram` instance is one HTTP server (aiohttp, 127.0.0.1 only) that serves one
bot token.  Point aiogram at it with::

    fake = FakeTelegram()
    base_url = await fake.start()
    session = AiohttpSession(api=TelegramAPIServer.from_base(base_url))
    bot = Bot(fake.token, session=session)

It serves the Bot API methods the bot calls (``fakegram.http_server.API_METHODS``) and is strict
where Telegram is: error shapes and descriptions, offsets, limits, 429 with ``retry_after``. Everything
runs in the caller's event loop; there are no threads. A method the bot does not call gets
Telegram's 404: when the bot starts using one, add it to ``API_METHODS`` with an ``_api_<name>``
handler in the module of its concern.

The class is put together from one module per concern; each builds on the ones it uses:

* core.py: everything the fake remembers; the clock; the update queue
* chats.py: people, chats, members; getMe, getChatMember, setMyCommands
* topics.py: forum topics
* faults.py: injected failures (``fail_next``) and flood limits (429 with ``retry_after``)
* messages.py: sending, copying, editing, deleting; answers to button presses
* updates.py: getUpdates and the webhook settings
* http_server.py: the HTTP server, request parsing, the call log; delivering to a webhook
* driving.py: what tests do and look at: push_message, press_button, wait_for
"""

from __future__ import annotations

from fakegram.driving import Driving
from fakegram.http_server import HttpServer
from fakegram.updates import Updates


class FakeTelegram(Driving, Updates, HttpServer):
    """A strict in-process fake Telegram Bot API server for one bot."""
