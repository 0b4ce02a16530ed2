"""One person's private chat with the bot, as a conversation scenario sees it.

Two kinds of test drive the bot: tests/telegram hands updates to the app in the test's own
process and records what it sends (``Migrant``, tests/telegram/conftest.py), and tests/e2e
runs the bot against the fake Bot API server (``Person``, tests/e2e/harness.py). Both implement
:class:`Chat`, so a scenario written against it (like :func:`walk_to_the_work_permit_answer`)
runs against either.

What differs stays visible: in process, an update is handled before ``write``/``tap``
return, so ``reads`` looks once; through the fake server, ``reads`` waits for the bot.
"""

from __future__ import annotations

from typing import Protocol


class Chat(Protocol):
    async def write(self, text: str) -> None:
        """The person sends a text message."""

    async def tap(self, label: str) -> None:
        """The person presses the button whose label is (or contains) ``label`` on the latest keyboard."""

    async def reads(self, contains: str) -> str:
        """The text the bot shows last, once it contains ``contains``; AssertionError if it does not."""


async def walk_to_the_work_permit_answer(chat: Chat) -> str:
    """A person starts the bot in English and walks by buttons to the work-permit answer for a
    citizen of Kyrgyzstan (who needs none: the EAEU treaty); returns that answer."""
    await chat.write("/start")
    await chat.reads("Choose your language")
    await chat.tap("English")
    await chat.reads("never asks your name")
    await chat.tap("OK, continue")
    await chat.reads("Are you in danger now")
    for label, expected in (("No", "Who is asking?"), ("I work or live in Kazakhstan", "What is your question about?"),
                            ("Work permit", "Which country's passport"),
                            ("Kyrgyzstan", "You do not need a work permit")):
        await chat.tap(label)
        await chat.reads(expected)
    return await chat.reads("Sources:")
