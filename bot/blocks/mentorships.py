"""A mentorship as a card: who with, how it stands, goals and progress, the next session and
what the viewer can do. Home and `/mentor mentorships` share it (issue 13, "Home and commands").

Pure: `MentorshipCard`s in, Block Kit out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.goals import STATUS_MARKS, progress
from bot.blocks.kit import (
    Block,
    actions,
    button,
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
from bot.ids import COMMAND, Action
from bot.services.home import MENTORSHIPS_SHOWN
from bot.services.mentorship_cards import MentorshipCard
from bot.services.mentorship_view import GoalView, MemberView, MentorshipView
from store.statuses import MemberStatus, MentorshipStatus, Role

HOME_SHOWN = MENTORSHIPS_SHOWN
LIST_SHOWN = 15  # two blocks each, within a message's 50 with the ended ones
STATUS_NAMES = {
    MemberStatus.REQUESTED: "requested",
    MemberStatus.AGREEING: "agreeing",
    MemberStatus.ACTIVE: "active",
    MemberStatus.ENDED: "ended",
    MemberStatus.DECLINED: "declined",
    MemberStatus.EXPIRED: "expired",
    MemberStatus.WITHDRAWN: "withdrawn",
}
# The furthest a live member has come names a group's state from its mentor's side.
PROGRESSION = (MemberStatus.ACTIVE, MemberStatus.AGREEING, MemberStatus.REQUESTED)
AGREE_BUTTONS = 5
LINE_LENGTH = 120


def _members_seen(card: MentorshipCard, viewer: str) -> list[MemberView]:
    """Whose goals the viewer follows: their own as a mentee, every live mentee's as mentor."""
    view = card.mentorship
    if card.role == Role.MENTEE:
        own = view.member_of(viewer)
        return [own] if own else []
    return [m for m in view.members if m.live or view.status != MentorshipStatus.OPEN]


def status_name(card: MentorshipCard, viewer: str) -> str:
    view = card.mentorship
    if view.status != MentorshipStatus.OPEN:
        return "ended"
    members = _members_seen(card, viewer)
    if card.role == Role.MENTEE and members:
        return STATUS_NAMES[members[0].status]
    for status in PROGRESSION:
        if any(m.status == status for m in members):
            return STATUS_NAMES[status]
    return "open"


def _partners(card: MentorshipCard, viewer: str) -> str:
    view = card.mentorship
    if card.role == Role.MENTEE:
        others = [mention(view.mentor_slack_id)]
        others += [mention(m.mentee_slack_id) for m in view.members
                   if m.live and m.mentee_slack_id != viewer]  # fmt: skip
    else:
        others = [mention(m.mentee_slack_id) for m in _members_seen(card, viewer)]
    return ", ".join(others) or "_no mentees yet_"


def _goal_line(goal: GoalView) -> str:
    done = sum(step.done for step in goal.steps)
    steps = f" ({done}/{len(goal.steps)} steps)" if goal.steps else ""
    text = escape(clip(goal.text, LINE_LENGTH))
    return f"{goal.position}. {text} · _{STATUS_MARKS[goal.status]}_{steps}"


def _goals(card: MentorshipCard, viewer: str) -> str:
    members = _members_seen(card, viewer)
    if card.mentorship.kind == "group" and card.role == Role.MENTOR:
        lines = [f"• {mention(m.mentee_slack_id)}: {progress(m)}" for m in members]
        return "*Goals*\n" + ("\n".join(lines) or "_none yet_")
    if not members:
        return "*Goals*: _none yet_"
    member = members[0]
    lines = [_goal_line(goal) for goal in member.goals]
    return f"*Goals* ({progress(member)})\n" + ("\n".join(lines) or "_none yet_")


def _when(card: MentorshipCard) -> str:
    view = card.mentorship
    parts = [view.cadence_name]
    if view.starts_on and view.ends_on:
        parts.append(f"{view.starts_on:%d %b %Y} to {view.ends_on:%d %b %Y}")
    else:
        parts.append(f"{view.months} month{'s' if view.months != 1 else ''}")
    return ", ".join(parts)


def _next_session(card: MentorshipCard) -> str:
    if card.mentorship.status != MentorshipStatus.OPEN:
        return ""
    if card.next_session is None:
        return "\n*Next session:* none planned yet"
    return f"\n*Next session:* {local_time(card.next_session)}"


def _title(view: MentorshipView, card: MentorshipCard, viewer: str) -> str:
    if view.name:
        return f"*{escape(view.name)}* (group, with {_partners(card, viewer)})"
    return f"*Mentorship with {_partners(card, viewer)}*"


def _buttons(card: MentorshipCard, viewer: str) -> list[Block]:
    view = card.mentorship
    if view.status != MentorshipStatus.OPEN:
        return []
    value = str(view.id)
    members = _members_seen(card, viewer)
    active = any(m.status == MemberStatus.ACTIVE for m in members)
    elements: list[Block] = []
    if active:
        elements.append(button("Plan a session", Action.PLAN_SESSION, value, style="primary"))
    elements.append(button("Goals", Action.OPEN_GOALS, value))
    if active:
        elements += [
            button("Diary", Action.OPEN_DIARY, value),
            button("Extend", Action.EXTEND_MENTORSHIP, value),
            button("End", Action.END_MENTORSHIP, value),
        ]
        if card.role == Role.MENTEE:
            elements.append(button("Ask for a different mentor", Action.ASK_NEW_MENTOR, value))
    elements += _agree_buttons(card, members)
    return elements


def _agree_buttons(card: MentorshipCard, members: list[MemberView]) -> list[Block]:
    mine = card.role == Role.MENTEE
    waiting = [
        m for m in members
        if m.status == MemberStatus.AGREEING and not (m.mentee_agreed if mine else m.mentor_agreed)
    ]  # fmt: skip
    named = len(waiting) > 1
    return [
        button(
            f"I agree · {m.mentee_name}" if named else "I agree", Action.AGREE_MENTORSHIP, str(m.id)
        )
        for m in waiting[:AGREE_BUTTONS]
    ]


def mentorship_blocks(card: MentorshipCard, viewer: str) -> list[Block]:
    """One mentorship: a section and, while it is open, its buttons."""
    view = card.mentorship
    text = (
        f"{_title(view, card, viewer)} · {status_name(card, viewer)}\n"
        f"{_when(card)}\n{_goals(card, viewer)}{_next_session(card)}"
    )
    blocks = [section(text)]
    elements = _buttons(card, viewer)
    if elements:
        blocks.append(actions(*elements))
    return blocks


def home_mentorships(
    cards: Sequence[MentorshipCard], viewer: str, *, live: int | None = None
) -> list[Block]:
    """Home's "Your mentorships": the first few, then where to see the rest (`live` counts
    them all when `cards` holds only the first)."""
    if not cards:
        return []
    blocks: list[Block] = [divider(), header("Your mentorships")]
    for card in cards[:HOME_SHOWN]:
        blocks += mentorship_blocks(card, viewer)
    more = max(live or 0, len(cards)) - HOME_SHOWN
    if more > 0:
        blocks.append(context(f"…and {more} more: `{COMMAND} mentorships`"))
    return blocks


def build_mentorships_list(cards: Sequence[MentorshipCard], viewer: str) -> dict[str, Any]:
    """`/mentor mentorships`: live ones first, then the recently ended."""
    if not cards:
        return message(
            "You have no mentorships yet",
            [
                section(
                    "You have no mentorships yet. Find a mentor with "
                    f"`{COMMAND} find` and ask them for one."
                )
            ],
        )
    live = [c for c in cards if c.mentorship.status == MentorshipStatus.OPEN]
    over = [c for c in cards if c.mentorship.status != MentorshipStatus.OPEN]
    blocks: list[Block] = [header("Your mentorships")]
    for card in live[:LIST_SHOWN]:
        blocks += mentorship_blocks(card, viewer)
    if len(live) > LIST_SHOWN:
        blocks.append(context(f"…and {len(live) - LIST_SHOWN} more live mentorships."))
    if not live:
        blocks.append(section("None live right now."))
    if over:
        blocks += [divider(), section("*Recently ended*")]
        for card in over:
            blocks += mentorship_blocks(card, viewer)
    return message(f"Your mentorships ({len(live)} live)", blocks)
