"""The coordinators' digest: how the program is going and where it is stuck, at a glance."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.blocks.kit import (
    Block,
    clip,
    context,
    divider,
    escape,
    header,
    local_time,
    mention,
    message,
    section,
)
from bot.ids import COMMAND
from bot.services.channel_audience import ChannelAudience
from bot.services.digest import Digest, LowReview, WeekOfSessions
from bot.services.mentorship_figures import AtRisk, LowPulse, MentorshipFigures
from bot.services.mentorship_view import CADENCE_NAMES

LIST_LIMIT = 10
BAR_WIDTH = 20
COMMENT_LIMIT = 200  # a long pulse comment is clipped so ten of them fit one section


def _date(moment: datetime) -> str:
    return local_time(moment, "{date_short}")


def _duration(value: timedelta | None) -> str:
    if value is None:
        return "n/a"
    hours = value.total_seconds() / 3600
    if hours < 1:
        return f"{round(hours * 60)} min"
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"


def _stars(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} ★"


def _more(items: Sequence[object]) -> str:
    return f"\n_…and {len(items) - LIST_LIMIT} more_" if len(items) > LIST_LIMIT else ""


def _low_review(review: LowReview) -> str:
    comments = " / ".join(
        escape(c) for c in (review.connection_comment, review.program_comment, review.feedback) if c
    )
    return (
        f"• {review.connection_stars}★ connecting, {review.program_stars}★ program, from "
        f"{mention(review.reviewer_slack_id)} ({mention(review.mentor_slack_id)} mentoring "
        f"{mention(review.mentee_slack_id)}): {comments or '_no comment_'}"
    )


def _share(part: int, whole: int, share: float | None) -> str:
    return "n/a" if share is None else f"{part} of {whole} ({share:.0%})"


def _low_pulse(pulse: LowPulse) -> str:
    comment = escape(clip(pulse.comment, COMMENT_LIMIT)) if pulse.comment else "_no comment_"
    return (
        f"• {pulse.stars}★ from {mention(pulse.respondent_slack_id)} "
        f"({mention(pulse.mentor_slack_id)} mentoring {mention(pulse.mentee_slack_id)}): {comment}"
    )


def _quiet(quiet_for: timedelta) -> str:
    days = quiet_for.days
    return f"no session for {days // 7} weeks" if days >= 14 else f"no session for {days} days"


def at_risk_line(risk: AtRisk) -> str:
    """ "• @Ada & @Ben, every two weeks: no session for 5 weeks, a low pulse": who and why."""
    mentees = ", ".join(mention(m) for m in risk.mentee_slack_ids)
    who = f"{mention(risk.mentor_slack_id)} & {mentees}"
    if risk.name:
        who = f"*{escape(clip(risk.name, 100))}* ({who})"
    return f"• {who}, {CADENCE_NAMES[risk.cadence]}: {', '.join(risk_reasons(risk))}"


def risk_reasons(risk: AtRisk) -> list[str]:
    reasons = [_quiet(risk.quiet_for)] if risk.quiet_for is not None else []
    if risk.low_pulse:
        reasons.append("a low pulse")
    if risk.change_requested:
        reasons.append("a change of mentor asked for")
    if risk.agreement_stalled:
        reasons.append("the agreement is not completed")
    return reasons


def _mentorships(figures: MentorshipFigures) -> list[Block]:
    """The mentorships' figures, low pulses and those at risk; diary entries only counted."""
    if not figures.any:
        return []
    goals = _share(figures.goals_reached, figures.goals_of_ended, figures.goals_reached_share)
    blocks = [
        section(
            "*Mentorships*\n"
            f"Started: {figures.started} · Active: {figures.active} · Ended: {figures.ended} · "
            f"Open change requests: {figures.open_change_requests}\n"
            f"Goals reached in mentorships that ended: {goals}\n"
            f"Pulse: {_stars(figures.pulse_average)} ({figures.pulses} answer(s)) · "
            f"Evaluations: {_stars(figures.evaluation_average)} ({figures.evaluations}) · "
            f"Diary entries: {figures.diary_entries}"
        )
    ]
    if figures.low_pulses:
        shown = "\n".join(_low_pulse(p) for p in figures.low_pulses[:LIST_LIMIT])
        blocks.append(section(f"*Low pulses*\n{shown}{_more(figures.low_pulses)}"))
    if figures.at_risk:
        shown = "\n".join(at_risk_line(r) for r in figures.at_risk[:LIST_LIMIT])
        blocks.append(section(f"*Mentorships at risk*\n{shown}{_more(figures.at_risk)}"))
        blocks.append(context(f"Nudge them from `{COMMAND} admin health`."))
    return blocks


def _chart(weeks: Sequence[WeekOfSessions]) -> str:
    """Sessions per week as a text bar chart (monospace), oldest first: the charts' figures in
    words too, for anyone who cannot see the images."""
    peak = max((week.held + week.called_off for week in weeks), default=0) or 1
    lines = []
    for week in weeks:
        bar = "█" * round(week.held / peak * BAR_WIDTH) + "░" * round(
            week.called_off / peak * BAR_WIDTH
        )
        lines.append(
            f"{week.monday.strftime('%d %b')}  {bar:<{BAR_WIDTH}} {week.held} held"
            + (f", {week.called_off} called off" if week.called_off else "")
        )
    return "```" + "\n".join(lines) + "```"


def audience_warning(audience: ChannelAudience) -> str:
    """The line at the top of a digest posted where others than coordinators can read it."""
    reasons = []
    if audience.public:
        reasons.append("is public")
    if audience.outsiders:
        shown = ", ".join(mention(m) for m in audience.outsiders[:LIST_LIMIT])
        hidden = len(audience.outsiders) - LIST_LIMIT
        more = f" and {hidden} more" if hidden > 0 else ""
        reasons.append(f"has members who are not coordinators: {shown}{more}")
    return (
        f":warning: *This channel {' and '.join(reasons)}.* The digest's low ratings and their "
        "comments are confidential: make the channel private and keep only the program's "
        "coordinators in it."
    )


def _warnings(audience: ChannelAudience | None) -> list[Block]:
    if audience is None or audience.confidential:
        return []
    return [section(audience_warning(audience))]


def build_digest_message(
    digest: Digest, *, title: str = "Mentorship digest", audience: ChannelAudience | None = None
) -> dict[str, Any]:
    """The digest for a period; an empty period says so in one friendly line.

    `audience` is who can read the channel it goes to, when known: a channel that is public or
    has members who are not coordinators gets a warning at the top.
    """
    heading = f"{title}: {_date(digest.start)} to {_date(digest.end - timedelta(seconds=1))}"
    if digest.is_empty:
        text = "A quiet period: no requests, sessions, reviews or problems to report. :palm_tree:"
        return message(
            heading, [header(title), *_warnings(audience), section(f"{heading}\n{text}")]
        )
    rate = "n/a" if digest.approval_rate is None else f"{digest.approval_rate:.0%}"
    blocks: list[Block] = [
        header(title),
        *_warnings(audience),
        context(heading),
        section(
            "*Activity*\n"
            f"Requests: {digest.requests} · Approved: {digest.approvals} · "
            f"Declined: {digest.declines} · Expired: {digest.expiries}\n"
            f"Sessions held: {digest.sessions_held} · Cancelled: {digest.cancellations} · "
            f"No-shows: {digest.no_shows} · New mentors: {digest.new_mentors}\n"
            f"Approval rate: {rate} · Median time to decide: {_duration(digest.median_decision)}"
        ),
        section(
            f"*Ratings*  connecting {_stars(digest.avg_connection)} · "
            f"program {_stars(digest.avg_program)}"
        ),
    ]
    if digest.low_reviews:
        shown = "\n".join(_low_review(r) for r in digest.low_reviews[:LIST_LIMIT])
        blocks.append(section(f"*Low ratings*\n{shown}{_more(digest.low_reviews)}"))
    if digest.stale_requests:
        shown = "\n".join(
            f"• {mention(r.mentee_slack_id)} → {mention(r.mentor_slack_id)}, "
            f"asked {_date(r.requested_at)} for {local_time(r.starts_at)}"
            for r in digest.stale_requests[:LIST_LIMIT]
        )
        blocks.append(
            section(f"*Waiting for an answer over a day*\n{shown}{_more(digest.stale_requests)}")
        )
    if digest.unmet_demand:
        shown = ", ".join(f"{escape(skill)} ({count})" for skill, count in digest.unmet_demand)
        blocks.append(section(f"*Searched for, no mentor found*\n{shown}"))
    if digest.busiest_mentors or digest.at_capacity:
        lines = []
        if digest.busiest_mentors:
            busiest = ", ".join(
                f"{mention(m.slack_id)} ({m.sessions})" for m in digest.busiest_mentors
            )
            lines.append(f"Most sessions: {busiest}")
        if digest.at_capacity:
            full = ", ".join(
                f"{mention(m.slack_id)} ({m.capacity}/week)" for m in digest.at_capacity
            )
            lines.append(f"At capacity this week: {full}")
        blocks.append(section("*Mentors*\n" + "\n".join(lines)))
    if digest.paused_by_silence:
        shown = ", ".join(mention(m) for m in digest.paused_by_silence[:LIST_LIMIT])
        blocks.append(
            section(
                "*Paused automatically* (two requests in a row unanswered)\n"
                f"{shown}{_more(digest.paused_by_silence)}"
            )
        )
    if digest.failed_messages:
        shown = "\n".join(
            f"• {escape(f.kind)} due {local_time(f.due_at)}: {escape(f.error)}"
            for f in digest.failed_messages[:LIST_LIMIT]
        )
        blocks.append(
            section(f"*Messages that could not be sent*\n{shown}{_more(digest.failed_messages)}")
        )
    blocks += _mentorships(digest.mentorships)
    if digest.concerns_raised or digest.concerns_open:
        blocks.append(
            section(
                f"*Concerns*  raised: {digest.concerns_raised} · still open: {digest.concerns_open}"
            )
        )
    blocks += [divider(), section(f"*Sessions per week*\n{_chart(digest.weeks)}")]
    return message(heading, blocks)
