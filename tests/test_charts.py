"""The digest's charts: matplotlib figures a person can read, checked through the figures'
own text objects (title, axis labels, the value on each bar) and the PNG's real size."""

from __future__ import annotations

import struct
from dataclasses import replace
from datetime import UTC, date, datetime

from matplotlib.figure import Figure

from bot.blocks.charts import digest_charts, sessions_chart, stars_chart, unmet_chart
from bot.services.digest import Digest, MonthOfStars, WeekOfSessions

WEEKS = tuple(
    WeekOfSessions(date(2026, 10, 5 + 7 * i) if i < 4 else date(2026, 11, 2 + 7 * (i - 4)), h, c)
    for i, (h, c) in enumerate([(0, 0), (3, 1), (5, 0), (2, 2), (0, 0), (7, 1), (4, 0), (6, 3)])
)
MONTHS = (
    MonthOfStars(date(2026, 6, 1), None, None, 0),
    MonthOfStars(date(2026, 7, 1), 4.5, 4.0, 6),
    MonthOfStars(date(2026, 8, 1), 3.25, 2.5, 4),
    MonthOfStars(date(2026, 9, 1), None, None, 0),
    MonthOfStars(date(2026, 10, 1), 5.0, 4.75, 8),
    MonthOfStars(date(2026, 11, 1), 4.0, 3.0, 2),
)
UNMET = (("Rust", 12), ("COBOL", 5), ("Elixir", 1))
PROGRAMME = "2027 new leads"
AT = datetime(2026, 11, 30, tzinfo=UTC)


def build_empty_digest() -> Digest:
    return Digest(
        start=AT, end=AT, new_mentors=0, requests=0, approvals=0, declines=0, expiries=0,
        sessions_held=0, cancellations=0, no_shows=0, approval_rate=None, median_decision=None,
        avg_connection=None, avg_program=None, low_reviews=(), stale_requests=(),
        unmet_demand=(), busiest_mentors=(), at_capacity=(), failed_messages=(), weeks=(),
        programme=PROGRAMME,
    )  # fmt: skip


def texts(figure: Figure) -> list[str]:
    """Every piece of text drawn on the figure's axes: titles, labels, ticks, bar values."""
    axes = figure.axes[0]
    found = [axes.get_title(loc="left"), axes.get_xlabel(), axes.get_ylabel()]
    found += [t.get_text() for t in axes.texts]
    found += [t.get_text() for t in axes.get_xticklabels() + axes.get_yticklabels()]
    found += [t.get_text() for legend in figure.legends for t in legend.get_texts()]
    return found


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_sessions_per_week_has_a_title_axes_dates_and_each_bars_value() -> None:
    chart = sessions_chart(WEEKS, PROGRAMME)
    drawn = texts(chart.figure)

    assert f"Sessions per week · {PROGRAMME}" in drawn
    assert "Week starting (Monday, UTC)" in drawn and "Sessions" in drawn
    assert {"05 Oct", "12 Oct", "23 Nov"} <= set(drawn)  # the weeks, as dates
    assert {"Held", "Called off"} <= set(drawn)
    values = [t.get_text() for t in chart.figure.axes[0].texts]
    assert sorted(v for v in values if v) == sorted(
        str(n) for week in WEEKS for n in (week.held, week.called_off) if n
    )  # every non-empty bar says its count; empty ones say nothing
    assert png_size(chart.png()) == (800, 450)
    assert "week of 23 Nov: 6 held, 3 called off" in chart.alt_text


def test_stars_per_month_shows_both_averages_and_leaves_months_without_reviews_blank() -> None:
    chart = stars_chart(MONTHS, PROGRAMME)
    drawn = texts(chart.figure)

    assert f"Average stars per month · {PROGRAMME}" in drawn
    assert "Average stars (1-5)" in drawn and "Month (UTC)" in drawn
    assert {"Jun 2026", "Nov 2026", "Connecting", "The programme"} <= set(drawn)
    values = [t.get_text() for t in chart.figure.axes[0].texts if t.get_text()]
    assert sorted(values) == sorted(
        ["4.5", "4.0", "3.2", "2.5", "5.0", "4.8", "4.0", "3.0", "no reviews", "no reviews"]
    )
    assert "Jun 2026: no reviews" in chart.alt_text
    assert "Oct 2026: connecting 5.0, the programme 4.8 (8 reviews)" in chart.alt_text
    assert png_size(chart.png()) == (800, 450)


def test_top_unmet_skills_lists_the_most_wanted_first_with_counts() -> None:
    chart = unmet_chart(UNMET, PROGRAMME)
    axes = chart.figure.axes[0]

    assert axes.get_title(loc="left") == f"Top unmet skills · {PROGRAMME}"
    assert axes.get_xlabel() == "Searches that found no mentor"
    # Drawn bottom to top, so the most wanted skill is the top row.
    assert [t.get_text() for t in axes.get_yticklabels()] == ["Elixir", "COBOL", "Rust"]
    assert [t.get_text() for t in axes.texts] == ["1", "5", "12"]
    assert chart.alt_text.startswith(f"Top unmet skills · {PROGRAMME}. Rust: 12 searches")
    assert png_size(chart.png()) == (800, 450)


def digest_with(
    *,
    weeks: tuple[WeekOfSessions, ...],
    months: tuple[MonthOfStars, ...],
    unmet: tuple[tuple[str, int], ...],
) -> Digest:
    """A digest with these histories and nothing else."""
    empty = build_empty_digest()
    return replace(empty, weeks=weeks, stars_per_month=months, unmet_demand=unmet)


def test_a_digest_carries_only_the_charts_it_has_data_for() -> None:
    quiet = digest_with(weeks=WEEKS, months=(), unmet=())
    assert [c.filename for c in digest_charts(quiet)] == ["sessions-per-week.png"]
    full = digest_with(weeks=WEEKS, months=MONTHS, unmet=UNMET)
    assert [c.filename for c in digest_charts(full)] == [
        "sessions-per-week.png",
        "stars-per-month.png",
        "top-unmet-skills.png",
    ]
