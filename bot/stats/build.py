"""Exports and charts, built the same way for the command line and the admin chat."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from bot.engine.reference import ReferenceGap
from bot.engine.registry import Registry
from bot.i18n import texts
from bot.i18n.catalogs import Translator
from bot.stats.chart import weekly_png
from bot.stats.export import Notes, csv_bytes, long_csv_bytes, xlsx_bytes
from bot.stats.report import Breakdown, StatsService, week_of

STANDARD = (Breakdown("enquiries", ("flow",)), Breakdown("enquiries", ("flow", "language")),
            Breakdown("enquiries", ("month",)), Breakdown("enquiries", ("campaign",)),
            Breakdown("outcomes", ("flow", "node")), Breakdown("handoffs", ("flow", "urgency")),
            Breakdown("enquiries", ("asker", "flow")), Breakdown("handoffs", ("asker", "urgency")),
            Breakdown("reminders_set", ("deadline",)), Breakdown("reminders_sent", ("deadline",)))
LONGEST_PERIOD_YEARS = 10


def reportable(first: dt.date, last: dt.date) -> bool:
    """A period the statistics can report: in order, at most LONGEST_PERIOD_YEARS long, within the
    years 2000-2999 (the weeks and day boundaries around 0001-01-01 or 9999-12-31 overflow)."""
    return first <= last and (last - first).days <= LONGEST_PERIOD_YEARS * 366 and first.year >= 2000 \
        and last.year <= 2999


async def export(service: StatsService, first: dt.date, last: dt.date, breakdowns: Sequence[Breakdown], fmt: str,
                 tr: Translator) -> bytes:
    if fmt == "csv":
        if len(breakdowns) == 1:
            return csv_bytes(breakdowns[0], await service.table(first, last, breakdowns[0]), service.k, tr)
        return long_csv_bytes([(b, await service.table(first, last, b)) for b in breakdowns], tr)
    if fmt != "xlsx":
        raise ValueError("the format is csv or xlsx")
    tables = [(b, await service.table(first, last, b)) for b in breakdowns]
    notes = Notes(first, last, service.k, service.clock.now(), await service.uncounted(first, last))
    return xlsx_bytes(tables, await service.cases(first, last), notes, tr)


async def chart(service: StatsService, registry: Registry, first: dt.date, last: dt.date, tr: Translator) -> bytes:
    by_topic = await service.table(first, last, Breakdown("enquiries", ("week", "flow")))
    handoffs = await service.table(first, last, Breakdown("handoffs", ("week",)))
    start, end = service.clock.start_of(first), service.clock.start_of(last + dt.timedelta(days=1))
    minutes: dict[str, list[float]] = defaultdict(list)
    async with service.unit_of_work() as uow:
        for case in await uow.stats.cases(start, end):
            if case.first_response_at is not None:
                opened = case.opened_at
                waited = (case.first_response_at - opened).total_seconds() / 60
                minutes[week_of(service.clock.date_of(opened))].append(waited)
    titles = {fid: tr(flow.title) for fid, flow in registry.flows.items()}
    return weekly_png(by_topic, handoffs, minutes, service.k, titles, tr)


async def summary(service: StatsService, first: dt.date, last: dt.date, weeks: int, tr: Translator,
                  gap: ReferenceGap | None = None) -> str:
    """The /stats text; with ``gap``, it also says which official values are missing from the table."""
    text = await _summary(service, first, last, weeks, tr)
    if gap is None:
        return text
    note = texts.REFERENCE_NEXT_YEAR_MISSING if gap.upcoming else texts.REFERENCE_YEAR_MISSING
    filled = tr(note).format(file="content/reference.yaml", year=gap.year, names=", ".join(gap.names),
                             latest=gap.latest)
    return f"{text}\n\n{filled}"


async def _summary(service: StatsService, first: dt.date, last: dt.date, weeks: int, tr: Translator) -> str:
    def shown(n: int) -> str:
        return str(n) if n >= service.k else f"<{service.k}"

    async with service.unit_of_work() as uow:
        enquiries = await uow.stats.total(first, last, "started")
        handoffs = await uow.stats.total(first, last, "handoff")
    # Cases in the categories the export shows (a total with hidden categories could reveal one).
    count = sum(c.cases or 0 for c in await service.cases(first, last))
    minutes = await service.response_median(first, last)
    if enquiries == 0:
        return tr(texts.STATS_NO_DATA)
    if minutes is not None:
        median = round(minutes)
        response = tr.ngettext(texts.MINUTES[0], texts.MINUTES[1], median).format(count=median)
    else:
        response = "—"
    return tr(texts.STATS_SUMMARY).format(weeks=weeks, enquiries=shown(enquiries), handoffs=shown(handoffs),
                                          cases=shown(count), response=response)
