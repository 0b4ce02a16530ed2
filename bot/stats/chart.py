"""The weekly picture for admins: topics opened per week (stacked by topic), handoffs to a
counsellor, and the median minutes to a counsellor's first answer. Small cells are not drawn."""

from __future__ import annotations

import io
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence

from bot.i18n import texts
from bot.i18n.catalogs import Translator
from bot.stats.suppression import Table


def weekly_png(by_week_topic: Table, handoffs_by_week: Table, response_minutes: Mapping[str, Sequence[float]], k: int,
               titles: dict[str, str], tr: Translator) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    weeks: list[str] = sorted({str(key[0]) for key in by_week_topic.cells}
                              | {str(key[0]) for key in handoffs_by_week.cells})
    per_topic: dict[str, dict[str, int]] = defaultdict(dict)
    for (week, flow), n in by_week_topic.cells.items():
        if n is None:
            continue  # hidden small cell: not drawn
        per_topic[str(flow)][str(week)] = n
    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=110)
    bottom = [0] * len(weeks)
    for flow in sorted(per_topic):
        heights = [per_topic[flow].get(str(w), 0) for w in weeks]
        ax.bar(weeks, heights, bottom=bottom, label=titles.get(flow, flow))
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    handoffs = [handoffs_by_week.cells.get((w,)) for w in weeks]  # hidden small counts are gaps
    ax.plot(weeks, [h if h is not None else float("nan") for h in handoffs], color="black", marker="o",
            label=tr(texts.CHART_HANDOFFS))
    ax.set_title(tr(texts.CHART_TITLE))
    ax.tick_params(axis="x", labelrotation=45)
    medians = [statistics.median(response_minutes[str(w)]) if len(response_minutes.get(str(w), ())) >= k
               else float("nan") for w in weeks]
    if any(m == m for m in medians):  # any number (NaN is not equal to itself)
        right = ax.twinx()
        right.plot(weeks, medians, color="tab:red", linestyle="--", marker="s", label=tr(texts.CHART_RESPONSE))
        right.set_ylabel(tr(texts.CHART_RESPONSE))
    ax.legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()
