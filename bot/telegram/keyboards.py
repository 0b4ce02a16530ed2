"""The counsellors' and the rating buttons, packed by the CallbackData classes.

The case service (free of aiogram) asks for these keyboards; they are stored in the outbox as
Telegram's JSON, so a message sent later carries the same buttons.
"""

from __future__ import annotations

from typing import Any

from bot.counselling.actions import CaseAction as Act
from bot.i18n import texts
from bot.i18n.catalogs import Translator
from bot.telegram.callbacks import CaseAction, Rate


class CaseKeyboards:
    def __init__(self, group_tr: Translator):
        self.group_tr = group_tr

    def _button(self, label: str, action: Act, case_id: int) -> dict[str, Any]:
        return {"text": self.group_tr(label), "callback_data": CaseAction(action=action, case_id=case_id).pack()}

    def case(self, case_id: int) -> dict[str, Any]:
        """Under a case's summary in its forum topic."""
        return {"inline_keyboard": [
            [self._button(texts.BUTTON_CLAIM, Act.CLAIM, case_id),
             self._button(texts.BUTTON_CLOSE, Act.CLOSE, case_id)],
            [self._button(texts.BUTTON_CANNED, Act.CANNED, case_id),
             self._button(texts.BUTTON_HOTLINES, Act.HOTLINES, case_id)]]}

    def rating(self, case_id: int) -> dict[str, Any]:
        """Sent to the migrant when their case is closed: five stars down to one."""
        return {"inline_keyboard": [[{"text": "⭐" * n, "callback_data": Rate(case_id=case_id, stars=n).pack()}]
                                    for n in range(5, 0, -1)]}
