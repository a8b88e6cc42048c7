"""The sponsor's report as a one-page A4 PDF, drawn with matplotlib's PDF backend.

A pure builder like the charts (bot/blocks/charts.py, whose drawing it reuses): the figures as
a short table of text, then sessions per week and average stars per month, then the skills
people could not find. Vector output, so it prints sharply and its text can be searched.
"""

from __future__ import annotations

import io
from datetime import timedelta

from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import FigureCanvasPdf
from matplotlib.figure import Figure

from bot.blocks.charts import draw_sessions, draw_stars, draw_unmet
from bot.services.sponsor_report import SponsorReport

A4_IN = (8.27, 11.69)
SIZE = 9  # points for the charts' labels on paper


def sponsor_pdf(report: SponsorReport) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasPdf(sponsor_figure(report)).print_pdf(
        buffer, metadata={"Title": f"{report.programme}: mentoring report", "Creator": "Mentor Bot"}
    )
    return buffer.getvalue()


def sponsor_figure(report: SponsorReport) -> Figure:
    """The page as a figure, so tests can read its texts."""
    figure = Figure(figsize=A4_IN)
    figure.text(0.07, 0.955, f"{report.programme}: mentoring report", fontsize=18, weight="bold")
    last_day = (report.end - timedelta(microseconds=1)).date()  # the period excludes its end
    figure.text(
        0.07, 0.93, f"{report.start:%d %B %Y} to {last_day:%d %B %Y} (UTC)", fontsize=11,
        color="#616061",
    )  # fmt: skip
    for row, (label, value) in enumerate(figures(report)):
        y = 0.895 - row * 0.022
        figure.text(0.07, y, label, fontsize=11)
        figure.text(0.55, y, value, fontsize=11, weight="bold")
    sessions = figure.add_axes((0.1, 0.47, 0.85, 0.2))
    sessions.set_title("Sessions per week", fontsize=12, loc="left")
    draw_sessions(sessions, report.weeks, size=SIZE)
    sessions.tick_params(axis="x", labelrotation=45)
    _legend(sessions)
    stars = figure.add_axes((0.1, 0.24, 0.85, 0.15))
    stars.set_title("Average stars per month", fontsize=12, loc="left")
    draw_stars(stars, report.months, size=SIZE)
    _legend(stars)
    unmet = figure.add_axes((0.3, 0.04, 0.65, 0.13))
    unmet.set_title("Skills people looked for and did not find", fontsize=12, loc="left")
    if report.unmet_demand:
        draw_unmet(unmet, report.unmet_demand, size=SIZE)
    else:
        unmet.set_axis_off()
        unmet.text(0, 0.5, "Every skill people searched for had a mentor.", fontsize=11)
    return figure


def _legend(axes: Axes) -> None:
    """Above the chart on the right, beside its title: never over a bar."""
    axes.legend(fontsize=SIZE, loc="lower right", bbox_to_anchor=(1, 1), frameon=False, ncols=2)


def figures(report: SponsorReport) -> list[tuple[str, str]]:
    """The report's figures as (label, value) lines; the same words go in the Slack message."""
    reached = (
        f"{report.goals_reached} of {report.goals} ({report.goals_reached / report.goals:.0%})"
        if report.goals
        else "no goals set yet"
    )
    return [
        ("Mentors taking part", f"{report.mentors}"),
        ("Mentees taking part", f"{report.mentees}"),
        ("Mentorships", f"{report.mentorships}"),
        ("Sessions held", f"{report.sessions_held}"),
        ("Goals reached", reached),
        ("Connecting, average stars", _stars(report.connection_average, report.reviews)),
        ("The programme, average stars", _stars(report.programme_average, report.reviews)),
        ("Pulse, average stars", _stars(report.pulse_average, report.pulses)),
    ]


def _stars(average: float | None, count: int) -> str:
    return "no answers yet" if average is None else f"{average:.1f} of 5 ({count} answers)"


def report_summary(report: SponsorReport) -> str:
    """The message the PDF arrives with: the same figures, readable without opening it."""
    lines = "\n".join(f"• {label}: {value}" for label, value in figures(report))
    last_day = (report.end - timedelta(microseconds=1)).date()
    return f"*{report.programme}*, {report.start:%d %b %Y} to {last_day:%d %b %Y} (UTC)\n{lines}"
