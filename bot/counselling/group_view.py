"""How a case looks to the counsellors' group: its topic title, its summary and its buttons.

The group sees a pseudonymous case code, the language, the topic and the closed-code answers:
never a name, a username, a phone number or a Telegram id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from bot.engine.registry import Registry
from bot.i18n import texts
from bot.i18n.catalogs import Catalogs, Translator
from bot.i18n.languages import native_name
from db.models import Case
from db.statuses import CaseStatus, Urgency


class Keyboards(Protocol):
    """The buttons the counselling side puts under its messages, packed by the Telegram side."""

    def case(self, case_id: int) -> dict[str, Any]: ...

    def rating(self, case_id: int) -> dict[str, Any]: ...


def _answer(summary: str | None, name: str) -> str | None:
    """One closed-code answer from a case's summary ("asker=family, topic=other")."""
    for pair in (summary or "").split(", "):
        key, _, value = pair.partition("=")
        if key == name:
            return value
    return None


@dataclass(frozen=True)
class GroupView:
    """The counsellors' group (its chat and language) and what it is shown about a case."""

    registry: Registry
    catalogs: Catalogs
    group_id: int
    group_lang: str
    keyboards: Keyboards

    @property
    def group_tr(self) -> Translator:
        return self.catalogs.get(self.group_lang)

    def title(self, case: Case) -> str:
        """The forum topic's name: urgency mark, code, language, topic and status (Telegram allows 128)."""
        tr = self.group_tr
        if case.status == CaseStatus.CLAIMED:
            status = tr(texts.STATUS_CLAIMED).format(name=case.counsellor_name or "?")
        else:
            status = tr(texts.STATUS_CLOSED if case.status == CaseStatus.CLOSED else texts.STATUS_OPEN)
        mark = "‼️ " if case.urgency == Urgency.URGENT and case.status != CaseStatus.CLOSED else ""
        flow = self.registry.flow(case.flow)
        topic = tr(flow.title) if flow else case.flow
        return (mark + tr(texts.CASE_TITLE).format(code=case.code, lang=case.lang, topic=topic, status=status))[:128]

    def summary(self, case: Case) -> str:
        """The first message in the case's topic: where the migrant was and what they answered."""
        tr = self.group_tr
        flow = self.registry.flow(case.flow)
        text = tr(texts.CASE_SUMMARY).format(
            code=case.code, urgent=tr(texts.CASE_URGENT_MARK) if case.urgency == Urgency.URGENT else "",
            lang=native_name(case.lang), topic=tr(flow.title) if flow else case.flow, node=case.node,
            category=case.category, answers=case.summary or "—")
        asker = texts.ASKER.get(_answer(case.summary, "asker") or "")
        if asker is None:
            return text
        heading, _, rest = text.partition("\n")  # the case line first, then who is asking
        return "\n".join([heading, tr(texts.CASE_ASKER).format(asker=tr(asker)), rest])

    def case_buttons(self, case: Case) -> dict[str, Any]:
        return self.keyboards.case(case.id)
