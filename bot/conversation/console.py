"""The console: the same flows, words and choices as the Telegram bot, in a terminal.

Answers come from the keyboard or a pipe (one per line), so a walk through a flow can be
scripted. With a pipe, each answer is echoed after the prompt so the transcript reads like a chat.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.conversation.runtime import Runtime
from bot.conversation.screens import Screen
from bot.engine.events import CounsellorRequested, Event, Handoff
from bot.engine.inputs import Choose, Jump, Nav, Text, UserInput
from bot.i18n import texts
from bot.i18n.catalogs import Translator

CONSOLE_KEY = "console"
_NAV_KEYS = {"b": "back", "back": "back", "m": "menu", "menu": "menu", "r": "restart", "restart": "restart",
             "c": "counsellor", "counsellor": "counsellor"}
_QUIT = {"q", "quit", "exit"}


class Console:
    def __init__(self, runtime: Runtime, lang: str, out: TextIO, echo: bool):
        self.runtime = runtime
        self.lang = lang
        self.out = out
        self.echo = echo
        self.tr: Translator = runtime.catalogs.get(lang)
        self.topics: list[str] = []

    def print_screens(self, screens: list[Screen]) -> None:
        for screen in screens:
            if screen.urgent:
                self.out.write(f"[{self.tr(texts.CONSOLE_URGENT)}]\n")
            if screen.text:
                self.out.write(screen.text + "\n")
            topics = [b for b in screen.options if isinstance(b.action, Jump)]
            if topics:
                self.topics = [b.action.flow for b in topics if isinstance(b.action, Jump)]
                for i, button in enumerate(topics, start=1):
                    hint = self.tr(texts.CONSOLE_TOPIC).format(number=i)
                    self.out.write(f"  t{i}. {button.label} {hint}\n")
            else:
                for i, button in enumerate(screen.options, start=1):
                    option = isinstance(button.action, Choose)
                    label = button.label if option else f"{button.label} (c)"
                    self.out.write(f"  {i}. {label}\n" if option else f"  {label}\n")
            self.out.write("\n")

    def show(self, events: list[Event], at_start: bool = False) -> None:
        self.print_screens(self.runtime.presenter.screens(events, self.tr, at_start=at_start))
        if any(isinstance(e, (Handoff, CounsellorRequested)) for e in events):
            self.out.write(self.tr(texts.CONSOLE_HANDOFF) + "\n\n")
        self.out.flush()

    def parse(self, line: str) -> UserInput | None:
        word = line.strip().casefold()
        if word.startswith("t") and word[1:].isdigit() and 1 <= int(word[1:]) <= len(self.topics):
            return Jump(self.topics[int(word[1:]) - 1])
        if word in _NAV_KEYS:
            return Nav(_NAV_KEYS[word])  # type: ignore[arg-type]
        for button in self.runtime.presenter.nav(self.tr):
            if word == button.label.strip("«» ").casefold():
                return button.action
        return Text(line.strip())

    async def run(self, stdin: TextIO) -> int:
        self.out.write(self.tr(texts.CONSOLE_HELP) + "\n\n")
        reply = await self.runtime.conversations.start(CONSOLE_KEY, self.lang)
        self.show(reply.events, at_start=True)
        loop = asyncio.get_running_loop()
        while True:
            self.out.write("> ")
            self.out.flush()
            line = await loop.run_in_executor(None, stdin.readline)
            if not line:  # end of input
                self.out.write("\n")
                break
            if self.echo:
                self.out.write(line if line.endswith("\n") else line + "\n")
            if line.strip().casefold() in _QUIT:
                break
            if not line.strip():
                continue
            inp = self.parse(line)
            if inp is None:
                continue
            reply = await self.runtime.conversations.handle(CONSOLE_KEY, inp, self.lang)
            self.show(reply.events)
        self.out.write(self.tr(texts.CONSOLE_BYE) + "\n")
        return 0


async def run_console(runtime: Runtime, lang: str, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    try:
        return await Console(runtime, lang, out, echo=not stdin.isatty()).run(stdin)
    finally:
        await runtime.close()
