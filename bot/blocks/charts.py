"""The digest's charts, drawn with matplotlib: figures from plain data, readable in Slack.

Pure builders, like the rest of bot/blocks: data in, a figure and its PNG out, no database and no
clock. Figures come from matplotlib's object API (`Figure` on the Agg canvas), never pyplot, so
there is no global state, nothing needs a display and several threads may draw at once. Each
chart has a title that names the programme, labelled axes with dates, the value on every bar,
and alt text saying the same in words for screen readers. The size (800 x 450 pixels, fonts from
12 points) stays legible in Slack's preview, which shows an image about half as wide.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.blocks.kit import clip
from bot.services.digest import Digest, MonthOfStars, WeekOfSessions

WIDTH_IN, HEIGHT_IN, DPI = 8, 4.5, 100  # 800 x 450 pixels
HELD = "#1264a3"  # Slack's blue
CALLED_OFF = "#e8912d"  # orange: apart from blue for people who do not see red and green
CONNECTION = "#1264a3"
PROGRAMME = "#2eb67d"
UNMET = "#e01e5a"
GREY = "#616061"
TOP_UNMET = 8
NAME_ROOM = 20  # characters of a skill's name that fit left of its bar


@dataclass(frozen=True)
class Chart:
    filename: str
    title: str
    alt_text: str
    figure: Figure

    def png(self) -> bytes:
        buffer = io.BytesIO()
        FigureCanvasAgg(self.figure).print_png(buffer)
        return buffer.getvalue()


def digest_charts(digest: Digest) -> list[Chart]:
    """The charts a digest carries: sessions per week always, stars and unmet skills when any."""
    charts = [sessions_chart(digest.weeks, digest.programme)]
    if any(month.reviews for month in digest.stars_per_month):
        charts.append(stars_chart(digest.stars_per_month, digest.programme))
    if digest.unmet_demand:
        charts.append(unmet_chart(digest.unmet_demand, digest.programme))
    return charts


def sessions_chart(weeks: Sequence[WeekOfSessions], programme: str) -> Chart:
    """Held sessions and those called off (cancelled or a no-show), stacked, week by week."""
    title = f"Sessions per week · {programme}"
    figure, axes = _canvas(title)
    draw_sessions(axes, weeks)
    _legend(axes)
    alt = f"{title}. " + "; ".join(
        f"week of {week.monday:%d %b}: {week.held} held, {week.called_off} called off"
        for week in weeks
    )
    return Chart("sessions-per-week.png", title, alt + ".", figure)


def stars_chart(months: Sequence[MonthOfStars], programme: str) -> Chart:
    """Average stars per month for connecting with the other person and for the programme."""
    title = f"Average stars per month · {programme}"
    figure, axes = _canvas(title)
    draw_stars(axes, months)
    _legend(axes)
    alt = f"{title}. " + "; ".join(
        f"{month.month:%b %Y}: " + _stars_words(month) for month in months
    )
    return Chart("stars-per-month.png", title, alt + ".", figure)


def unmet_chart(unmet: Sequence[tuple[str, int]], programme: str) -> Chart:
    """The skills people searched for most that no mentor offered, most wanted on top."""
    shown = list(unmet[:TOP_UNMET])
    title = f"Top unmet skills · {programme}"
    figure, axes = _canvas(title, left=0.3, bottom=0.14)
    draw_unmet(axes, shown)
    alt = f"{title}. " + "; ".join(f"{name}: {count} searches" for name, count in shown)
    return Chart("top-unmet-skills.png", title, alt + ".", figure)


def draw_sessions(axes: Axes, weeks: Sequence[WeekOfSessions], *, size: int = 12) -> None:
    """The stacked bars of held and called-off sessions on `axes`, with their labels."""
    labels = [week.monday.strftime("%d %b") for week in weeks]
    held = [week.held for week in weeks]
    called_off = [week.called_off for week in weeks]
    _label(axes, axes.bar(labels, held, color=HELD, label="Held"), size)
    _label(
        axes, axes.bar(labels, called_off, bottom=held, color=CALLED_OFF, label="Called off"), size
    )
    axes.set_xlabel("Week starting (Monday, UTC)", fontsize=size + 1)
    axes.set_ylabel("Sessions", fontsize=size + 1)
    peak = max((h + c for h, c in zip(held, called_off, strict=True)), default=0)
    axes.set_ylim(0, max(peak, 1) * 1.15)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    _style(axes, size)


def draw_stars(axes: Axes, months: Sequence[MonthOfStars], *, size: int = 12) -> None:
    """Both averages per month side by side on `axes`; months without reviews say so."""
    labels = [month.month.strftime("%b %Y") for month in months]
    positions = list(range(len(months)))
    width = 0.4
    for offset, name, values, colour in (
        (-width / 2, "Connecting", [m.connection for m in months], CONNECTION),
        (width / 2, "The programme", [m.programme for m in months], PROGRAMME),
    ):
        bars = axes.bar(
            [p + offset for p in positions], [v or 0 for v in values], width, color=colour,
            label=name,
        )  # fmt: skip
        axes.bar_label(
            bars, labels=["" if v is None else f"{v:.1f}" for v in values], fontsize=size,
            padding=2,
        )  # fmt: skip
    axes.set_xticks(positions, labels)
    axes.set_ylim(0, 5.6)
    axes.set_yticks(range(6))
    axes.set_xlabel("Month (UTC)", fontsize=size + 1)
    axes.set_ylabel("Average stars (1-5)", fontsize=size + 1)
    for position, month in zip(positions, months, strict=True):
        if not month.reviews:
            axes.text(position, 0.15, "no reviews", ha="center", fontsize=size - 1, color=GREY)
    _style(axes, size)


def draw_unmet(axes: Axes, shown: Sequence[tuple[str, int]], *, size: int = 12) -> None:
    """Horizontal bars of the unmet skills on `axes`, the first of `shown` on top."""
    names = [clip(name, NAME_ROOM) for name, _ in reversed(shown)]
    counts = [count for _, count in reversed(shown)]
    bars = axes.barh(names, counts, color=UNMET)
    axes.bar_label(bars, fontsize=size, padding=3)
    axes.set_xlabel("Searches that found no mentor", fontsize=size + 1)
    axes.set_ylabel("Skill", fontsize=size + 1)
    axes.set_xlim(0, max(counts, default=0) * 1.15 + 1)
    _style(axes, size)


def _canvas(title: str, *, left: float = 0.09, bottom: float = 0.24) -> tuple[Figure, Axes]:
    """A figure with fixed margins (room below for the legend): a layout engine would measure
    and draw the figure again, for twice the time, to place the same few labels."""
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    figure.subplots_adjust(left=left, right=0.98, top=0.88, bottom=bottom)
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=16, loc="left", pad=12)
    return figure, axes


def _label(axes: Axes, bars: BarContainer, size: int) -> None:
    """The count inside each bar it belongs to; nothing on an empty one."""
    values = [rect.get_height() for rect in bars]
    axes.bar_label(
        bars,
        labels=[f"{v:g}" if v else "" for v in values],
        label_type="center",
        color="white",
        fontsize=size,
        fontweight="bold",
    )


def _legend(axes: Axes) -> None:
    """Below the plot, in one row: never over a bar or the title."""
    figure = axes.get_figure()
    assert isinstance(figure, Figure)
    figure.legend(fontsize=12, loc="lower center", ncols=2, frameon=False)


def _style(axes: Axes, size: int) -> None:
    axes.tick_params(labelsize=size)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y" if axes.get_xlabel().startswith(("Week", "Month")) else "x", alpha=0.3)
    axes.set_axisbelow(True)


def _stars_words(month: MonthOfStars) -> str:
    if not month.reviews:
        return "no reviews"
    parts = []
    if month.connection is not None:
        parts.append(f"connecting {month.connection:.1f}")
    if month.programme is not None:
        parts.append(f"the programme {month.programme:.1f}")
    return ", ".join(parts) + f" ({month.reviews} reviews)"
