"""The counselling side of the bot, built once from its settings and handed out in parts.

Each part does one thing; callers take the part they need:
- ``view``: how a case looks to the counsellors' group (the outbox sender remakes lost topics with it)
- ``cases``: a case's life: open, claim, close, reopen, rate
- ``relay``: messages both ways, mirrored edits, ready answers and contact cards
- ``housekeeping``: reminders of untaken cases, forgetting a migrant, purging old cases
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.counselling.cases import CaseLifecycle
from bot.counselling.group_view import GroupView, Keyboards
from bot.counselling.housekeeping import CaseHousekeeping
from bot.counselling.relay import CannedReply, Relay
from bot.engine.registry import Registry
from bot.i18n.catalogs import Catalogs
from bot.privacy.sealing import ChatSealer
from db.unit_of_work import UnitsOfWork


@dataclass(frozen=True)
class Counselling:
    view: GroupView
    cases: CaseLifecycle
    relay: Relay
    housekeeping: CaseHousekeeping

    @classmethod
    def build(cls, unit_of_work: UnitsOfWork, registry: Registry, catalogs: Catalogs, group_id: int,
              group_lang: str, canned: dict[str, CannedReply], sealer: ChatSealer, *,
              keyboards: Keyboards) -> Counselling:
        """All parts over one database and one counsellors' group (``group_id``, writing ``group_lang``)."""
        view = GroupView(registry, catalogs, group_id, group_lang, keyboards)
        return cls(view=view,
                   cases=CaseLifecycle(unit_of_work, catalogs, sealer, view, keyboards),
                   relay=Relay(unit_of_work, catalogs, group_id, canned, sealer),
                   housekeeping=CaseHousekeeping(unit_of_work, view))
