"""Writing anonymous facts and reading them back as counts. The caller commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import Case, EnquiryFact, FactCategory

FACT_COLUMNS = {"flow": EnquiryFact.flow, "node": EnquiryFact.node, "kind": EnquiryFact.kind,
                "urgency": EnquiryFact.urgency, "language": EnquiryFact.lang, "campaign": EnquiryFact.campaign,
                "day": EnquiryFact.day,
                "deadline": EnquiryFact.node}  # reminder facts keep the kind of deadline where others keep the node


class StatsRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, day: dt.date, kind: str, *, flow: str | None = None, node: str | None = None,
                  urgency: str | None = None, lang: str | None = None, campaign: str | None = None,
                  categories: Iterable[tuple[str, str]] = ()) -> None:
        fact = EnquiryFact(day=day, kind=kind, flow=flow, node=node, urgency=urgency, lang=lang, campaign=campaign)
        self.session.add(fact)
        cats = list(categories)
        if cats:
            await self.session.flush()
            self.session.add_all(FactCategory(fact_id=fact.id, name=n, value=v) for n, v in cats)

    async def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Bulk insert of fact rows (benchmarks and imports)."""
        if rows:
            await self.session.execute(insert(EnquiryFact), list(rows))

    async def counts(self, first: dt.date, last: dt.date, by: Sequence[str], kinds: Sequence[str],
                     categories: Sequence[str] = ()) -> list[tuple[tuple[Any, ...], int]]:
        """Number of facts per combination of ``by`` (fact columns and answer categories)."""
        columns: list[Any] = []
        joins = {}
        for name in by:
            if name in FACT_COLUMNS:
                columns.append(FACT_COLUMNS[name])
            elif name in categories:
                alias = aliased(FactCategory)
                joins[name] = alias
                columns.append(alias.value)
            else:
                raise ValueError(f"unknown breakdown {name!r}")
        query: Any = select(*columns, func.count()).select_from(EnquiryFact)
        for name, alias in joins.items():
            query = query.join(alias, and_(alias.fact_id == EnquiryFact.id, alias.name == name))
        query = query.where(EnquiryFact.day >= first, EnquiryFact.day <= last, EnquiryFact.kind.in_(list(kinds)))
        if columns:
            query = query.group_by(*columns)
        rows = await self.session.execute(query)
        return [(tuple(r[:-1]), int(r[-1])) for r in rows]

    async def total(self, first: dt.date, last: dt.date, kind: str) -> int:
        return int((await self.session.execute(select(func.count()).select_from(EnquiryFact).where(
            EnquiryFact.day >= first, EnquiryFact.day <= last, EnquiryFact.kind == kind))).scalar_one())

    async def cases(self, first: dt.datetime, last: dt.datetime) -> list[Case]:
        """Cases opened in the period (their content-free fields are what statistics use)."""
        rows = await self.session.execute(select(Case).where(Case.opened_at >= first, Case.opened_at < last))
        return list(rows.scalars())
