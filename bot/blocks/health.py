"""The coordinators' health view, and the friendly prompt a nudge sends to a mentorship."""

from __future__ import annotations

from typing import Any

from bot.blocks.digest import at_risk_line
from bot.blocks.kit import (
    Block,
    button,
    context,
    divider,
    escape,
    header,
    mention,
    message,
    section,
)
from bot.ids import COMMAND, Action
from bot.services.health import HealthReport, HealthWeek, Nudged

SHOWN = 20  # mentorships listed with a Nudge button; Slack allows 50 blocks a message


def build_health(report: HealthReport) -> dict[str, Any]:
    """Each mentorship at risk with why and a Nudge button, then the trend of the last weeks."""
    title = f"Relationship health · {report.programme}"
    blocks: list[Block] = [header(title[:150])]
    if not report.at_risk:
        blocks.append(section("Every mentorship looks healthy: nothing needs a nudge."))
    for risk in report.at_risk[:SHOWN]:
        blocks.append(
            section(
                at_risk_line(risk),
                accessory=button("Nudge", Action.NUDGE_MENTORSHIP, str(risk.mentorship_id)),
            )
        )
    hidden = len(report.at_risk) - SHOWN
    if hidden > 0:
        blocks.append(context(f"…and {hidden} more; the digest lists them all."))
    if report.at_risk:
        blocks.append(
            context(
                "Nudge sends both sides a friendly prompt about what is wrong, at most once a "
                "day per mentorship; it is logged."
            )
        )
    blocks += [divider(), section(f"*Trend, last {len(report.trend)} weeks*\n{_trend(report)}")]
    count = len(report.at_risk)
    text = f"{title}: {count} mentorship{'s' if count != 1 else ''} at risk."
    return message(text, blocks)


def _trend(report: HealthReport) -> str:
    rows = ["Week of   Sessions  Pulse  Goals reached"]
    rows += [_week(week) for week in report.trend]
    return "```" + "\n".join(rows) + "```"


def _week(week: HealthWeek) -> str:
    pulse = "  –  " if week.pulse_average is None else f"{week.pulse_average:.1f}★"
    return f"{week.monday:%d %b}   {week.sessions_held:>8}  {pulse:>5}  {week.goals_reached:>13}"


def build_nudge(nudged: Nudged) -> dict[str, Any]:
    """The prompt both sides read: warm, specific to what is wrong, with the next step."""
    risk = nudged.risk
    names = " and ".join(mention(p) for p in nudged.people)
    steps: list[str] = []
    if risk.quiet_for is not None:
        steps.append(
            "It has been a while since your last session. Plan the next one from "
            f"`{COMMAND} mentorships` (or Home): even a short catch-up keeps the momentum."
        )
    if risk.agreement_stalled:
        steps.append(
            "Your mentorship agreement is still waiting for someone's *I agree*: open it here "
            "or on Home to get started, or say if the plan no longer fits."
        )
    if risk.low_pulse:
        steps.append(
            "A recent pulse said things could be better. Talk about what would help, or use "
            "*Ask for a change* on Home if you would rather work with someone else."
        )
    if risk.change_requested:
        steps.append("A change of mentor has been asked for; a coordinator will be in touch.")
    name = f" in *{escape(risk.name)}*" if risk.name else ""
    text = f"A friendly check-in from the programme's coordinators for {names}{name}."
    blocks: list[Block] = [section(f"👋 {text}"), *(section(step) for step in steps)]
    blocks.append(context("Coordinators see that a nudge was sent, never your diary."))
    return message(text, blocks)


def nudge_sent(nudged: Nudged) -> str:
    """What the coordinator reads once the nudge is out."""
    return f"Nudged {' and '.join(mention(p) for p in nudged.people)}."
