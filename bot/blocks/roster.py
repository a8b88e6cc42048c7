"""The coordinators' roster message: mentors with status and load, and buttons to act on them."""

from __future__ import annotations

from typing import Any

from bot.blocks.inputs import modal, text_input
from bot.blocks.kit import (
    Block,
    actions,
    button,
    context,
    escape,
    header,
    local_time,
    mention,
    message,
    section,
)
from bot.blocks.levels import skill_with_level
from bot.ids import COMMAND, Action, Callback
from bot.ids import BlockId as B
from bot.services.mentors import MentorChange, MentorOutcome
from bot.services.roster import PAGE_SIZE, PAUSE_REASON_MAX, RosterEntry, RosterPage
from store.statuses import MentorStatus, Pauser

STATUS_LABELS = {
    MentorStatus.PENDING: ":hourglass: Waiting for approval",
    MentorStatus.ACTIVE: ":large_green_circle: Active",
    MentorStatus.PAUSED: ":double_vertical_bar: Paused",
}
FILTER_TITLES = {
    "all": "Mentors",
    "pending": "Mentors waiting for approval",
    "active": "Active mentors",
    "paused": "Paused mentors",
}


def entry_value(entry: RosterEntry, page: RosterPage) -> str:
    """What a roster button carries: the mentor as shown, and the page to redraw after."""
    return f"{entry.mentor_id}:{entry.version}:{page.filter}:{page.offset}"


def page_value(filter: str, offset: int) -> str:
    return f"{filter}:{offset}"


def _describe(entry: RosterEntry) -> str:
    skills = (
        ", ".join(skill_with_level(n, level) for n, level in entry.levels) or "no skills listed"
    )
    load = f"{entry.sessions_next_7_days} of {entry.weekly_capacity} sessions in the next 7 days"
    if entry.at_capacity:
        load += " (full)"
    if entry.pending_requests:
        plural = "s" if entry.pending_requests != 1 else ""
        load += f" · {entry.pending_requests} request{plural} waiting"
    described = (
        f"{mention(entry.slack_id)} · {STATUS_LABELS[entry.status]}\n{escape(skills)}\n{load}"
    )
    pause = _pause_line(entry)
    return f"{described}\n{pause}" if pause else described


def _pause_line(entry: RosterEntry) -> str:
    """Who paused the mentor and when (in each reader's time zone), and why."""
    if entry.status != MentorStatus.PAUSED:
        return ""
    parts = ["Paused"]
    if entry.paused_by_role == Pauser.COORDINATOR and entry.paused_by:
        parts.append(f"by {mention(entry.paused_by)}")
    elif entry.paused_by_role == Pauser.MENTOR:
        parts.append("by themselves (only they can resume)")
    elif entry.paused_by_role == Pauser.SYSTEM:
        parts.append("by Mentor Bot")
    if entry.paused_at:
        parts.append(local_time(entry.paused_at, "{date_short_pretty}"))
    line = " ".join(parts)
    return f"{line}: {escape(entry.pause_reason)}" if entry.pause_reason else line


def _entry_blocks(entry: RosterEntry, page: RosterPage) -> list[Block]:
    value = entry_value(entry, page)
    if entry.status == MentorStatus.PENDING:
        return [
            section(_describe(entry)),
            actions(
                button("Approve", Action.ROSTER_APPROVE, value, style="primary"),
                button("Reject", Action.ROSTER_REJECT, value, style="danger"),
            ),
        ]
    if entry.status == MentorStatus.ACTIVE:
        return [section(_describe(entry), accessory=button("Pause", Action.ROSTER_PAUSE, value))]
    if entry.can_reactivate:
        reactivate = button("Reactivate", Action.ROSTER_RESUME, value)
        return [section(_describe(entry), accessory=reactivate)]
    return [section(_describe(entry))]


def build_roster(page: RosterPage, *, notice: str | None = None) -> dict[str, Any]:
    """One page of the roster; `notice` reports what the last click did."""
    counts = " · ".join(f"{count} {status}" for status, count in page.counts.items())
    blocks: list[Block] = [header(FILTER_TITLES[page.filter]), context(counts)]
    if notice:
        blocks.append(section(notice))
    if not page.entries:
        blocks.append(section("No mentors here yet."))
    for entry in page.entries:
        blocks.extend(_entry_blocks(entry, page))
    navigation = []
    if page.offset > 0:
        previous = page_value(page.filter, max(0, page.offset - PAGE_SIZE))
        navigation.append(button("Previous", Action.ROSTER_PAGE, previous))
    if page.has_next:
        following = page_value(page.filter, page.offset + PAGE_SIZE)
        navigation.append(button("Next", Action.ROSTER_PAGE, following))
    if navigation:
        blocks.append(actions(*navigation))
    shown = f"{page.offset + 1}-{page.offset + len(page.entries)} of {page.total}"
    blocks.append(
        context(f"Showing {shown}. Narrow it: `{COMMAND} admin mentors pending|active|paused`.")
    )
    return message(f"{FILTER_TITLES[page.filter]}: {counts}", blocks)


def build_pause_modal(private_metadata: str, mentor_name: str) -> dict[str, Any]:
    """The reason a coordinator pauses a mentor for; the mentor reads it in their DM."""
    return modal(
        Callback.ROSTER_PAUSE,
        "Pause mentor",
        [
            section(
                f"*{escape(mentor_name)}* will be hidden from search until a coordinator "
                "reactivates them; sessions already booked go ahead. Tell them why."
            ),
            text_input(B.REASON, "Reason", multiline=True, max_length=PAUSE_REASON_MAX),
        ],
        submit="Pause",
        private_metadata=private_metadata,
    )


def build_change_notice(outcome: MentorOutcome) -> str:
    """The roster's line saying what the coordinator's click or reason did: "Paused @ada."."""
    return f"{outcome.change.capitalize()} <@{outcome.mentor.slack_id}>."


def build_status_dm(outcome: MentorOutcome) -> dict[str, Any]:
    """What a mentor hears when a coordinator pauses or reactivates their profile."""
    mentor = outcome.mentor
    if outcome.change == MentorChange.PAUSED:
        by = mention(mentor.paused_by) if mentor.paused_by else "A coordinator"
        text = (
            f"{by} (a coordinator) paused your mentor profile: you're hidden from search for "
            "now. Sessions already booked go ahead."
        )
        if mentor.pause_reason:
            text += f"\n>{escape(mentor.pause_reason)}"
        hint = f"Only a coordinator can lift this pause: ask {by} when you're ready again."
    else:
        text = "A coordinator reactivated your mentor profile: you're visible in search again."
        hint = f"Check your free times with `{COMMAND} availability`."
    return message(text, [section(text), context(hint)])
