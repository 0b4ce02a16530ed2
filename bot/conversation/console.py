"""The console: the same flows, words and choices as the Telegram bot, in a terminal.

Answers come from the keyboard or a pipe (one per line), so a walk through a flow can be
scripted. With a pipe, each answer is echoed after the prompt so the transcript reads like a chat.
Like Telegram, it starts by asking for the language (``--lang`` skips the question). Where a
screen has no answers to choose (the end of a topic), its buttons (back, menu, counsellor) are
numbered, like the answers of every other step.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.conversation.runtime import Runtime
from bot.conversation.screens import Remind, Screen
from bot.engine.events import AskInput, CounsellorRequested, Event, Handoff, InvalidInput
from bot.engine.inputs import Choose, Jump, Nav, Text, UserInput
from bot.i18n import texts
from bot.i18n.catalogs import Translator
from bot.i18n.languages import LANGUAGES, native_name

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
        self.numbered: list[UserInput] = []  # the buttons numbered on the last screen, when not answers

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.tr = self.runtime.catalogs.get(lang)

    def languages(self) -> list[str]:
        """The languages offered, the default (Telegram: the one the phone reports) first."""
        available = [code for code in LANGUAGES if code in self.runtime.catalogs.available() or code == "en"]
        return [self.lang] + [code for code in available if code != self.lang]

    async def ask_language(self, stdin: TextIO) -> bool:
        """The language question, until a number or a code is typed; False at the end of input."""
        order = self.languages()
        while True:
            self.out.write(self.tr(texts.CHOOSE_LANGUAGE) + "\n")
            for i, code in enumerate(order, start=1):
                self.out.write(f"  {i}. {'✓ ' if i == 1 else ''}{native_name(code)}\n")
            self.out.write("\n> ")
            self.out.flush()
            line = await self.readline(stdin)
            if line is None or line.strip().casefold() in _QUIT:
                return False
            word = line.strip()
            if word.isdigit() and 1 <= int(word) <= len(order):
                self.set_language(order[int(word) - 1])
                return True
            by_code = {code.casefold(): code for code in order}
            if word.casefold() in by_code:
                self.set_language(by_code[word.casefold()])
                return True

    async def readline(self, stdin: TextIO) -> str | None:
        line = await asyncio.get_running_loop().run_in_executor(None, stdin.readline)
        if not line:
            return None
        if self.echo:
            self.out.write(line if line.endswith("\n") else line + "\n")
        return line

    def print_screens(self, screens: list[Screen], typed_answer: bool = False) -> None:
        """Screens as text; ``typed_answer``: a date or number is asked, so no button is numbered."""
        for screen in screens:
            if screen.urgent:
                self.out.write(f"[{self.tr(texts.CONSOLE_URGENT)}]\n")
            if screen.text:
                self.out.write(screen.text + "\n")
            topics = [b for b in screen.options if isinstance(b.action, Jump)]
            if any(isinstance(b.action, Remind) for b in screen.options):  # reminders need Telegram
                screen.options = [b for b in screen.options if not isinstance(b.action, Remind)]
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
            answers = [b for b in screen.options if not isinstance(b.action, Jump)]
            if screen.nav and not answers and not typed_answer:
                # Nothing to answer here (the end of a topic): the buttons are the choices.
                self.numbered = [b.action for b in screen.nav if not isinstance(b.action, Remind)]
                for i, button in enumerate(screen.nav, start=1):
                    self.out.write(f"  {i}. {button.label}\n")
            elif screen.nav:
                self.numbered = []
            self.out.write("\n")

    def show(self, events: list[Event], at_start: bool = False) -> None:
        typed = any(isinstance(e, (AskInput, InvalidInput)) for e in events)
        self.print_screens(self.runtime.presenter.screens(events, self.tr, at_start=at_start), typed)
        if any(isinstance(e, (Handoff, CounsellorRequested)) for e in events):
            self.out.write(self.tr(texts.CONSOLE_HANDOFF) + "\n\n")
        self.out.flush()

    def parse(self, line: str) -> UserInput | None:
        word = line.strip().casefold()
        if self.numbered and word.isdigit() and 1 <= int(word) <= len(self.numbered):
            return self.numbered[int(word) - 1]
        if word.startswith("t") and word[1:].isdigit() and 1 <= int(word[1:]) <= len(self.topics):
            return Jump(self.topics[int(word[1:]) - 1])
        if word in _NAV_KEYS:
            return Nav(_NAV_KEYS[word])  # type: ignore[arg-type]
        for button in self.runtime.presenter.nav(self.tr):
            if word == button.label.strip("«» ").casefold() and not isinstance(button.action, Remind):
                return button.action
        return Text(line.strip())

    async def run(self, stdin: TextIO, ask_language: bool = False) -> int:
        if ask_language and not await self.ask_language(stdin):
            self.out.write("\n" + self.tr(texts.CONSOLE_BYE) + "\n")
            return 0
        self.out.write(self.tr(texts.CONSOLE_HELP) + "\n\n")
        reply = await self.runtime.conversations.start(CONSOLE_KEY, self.lang)
        self.show(reply.events, at_start=True)
        while True:
            self.out.write("> ")
            self.out.flush()
            line = await self.readline(stdin)
            if line is None:  # end of input
                self.out.write("\n")
                break
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


async def run_console(runtime: Runtime, lang: str, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout,
                      ask_language: bool = False) -> int:
    """The demo in ``lang``; with ``ask_language``, ``lang`` is offered first and the person picks."""
    try:
        return await Console(runtime, lang, out, echo=not stdin.isatty()).run(stdin, ask_language)
    finally:
        await runtime.close()
