"""The App Home tab: everyone's dashboard, with a mentor's own section when they are one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.closing import feedback_blocks
from bot.blocks.help import CommandHelp
from bot.blocks.kit import (
    Block,
    actions,
    button,
    context,
    divider,
    escape,
    header,
    local_time,
    section,
)
from bot.blocks.mentorships import home_mentorships
from bot.blocks.profile import (
    STATUS_LABELS,
    levels_banner,
    mentor_buttons,
    rule_explained,
    skills_line,
)
from bot.blocks.sessions import session_blocks
from bot.ids import COMMAND, Action
from bot.services.availability import SlotView
from bot.services.bookings import MySessions
from bot.services.eligibility import ResolvedRule
from bot.services.home import FEEDBACK_SHOWN, SESSIONS_SHOWN
from bot.services.mentors import MentorView
from bot.services.mentorship_cards import MentorshipCard
from bot.services.mentorship_closing import MentorFeedback
from store.statuses import MentorStatus

NEXT_SLOTS_SHOWN = 5


def build_home(
    *,
    name: str,
    tz: str,
    commands: Sequence[CommandHelp],
    mentor: MentorView | None = None,
    free_slots: Sequence[SlotView] = (),
    sessions: MySessions | None = None,
    action_items: str | None = None,
    viewer: str = "",
    mentorships: Sequence[MentorshipCard] = (),
    feedback: Sequence[MentorFeedback] = (),
    mentor_rule: ResolvedRule | None = None,
    live_mentorships: int | None = None,
) -> dict[str, Any]:
    """The same summary whatever the amount of data: a few items, then a link to the rest."""
    blocks: list[Block] = [
        header(f"Welcome to Mentor Bot, {name}" if name else "Welcome to Mentor Bot"),
        section(
            "Our mentorship program lives here. Mentors share what they know and when they are "
            "free; anyone can book a session with a message about their goals."
        ),
    ]
    is_mentor = mentor is not None and mentor.status != MentorStatus.LEFT
    find = button("Find a mentor", Action.OPEN_FIND, style="primary")
    if is_mentor:
        blocks.append(actions(find))
    else:
        blocks.append(actions(find, button("Become a mentor", Action.OPEN_SIGNUP)))
        if mentor_rule is not None:
            blocks.append(context(rule_explained(mentor_rule)))
    listed = session_blocks(sessions, viewer, limit=SESSIONS_SHOWN) if sessions else []
    if listed:
        blocks += [divider(), header("Your sessions"), *listed]
    if action_items:
        blocks.append(section(f"*Action items for your next session*\n{escape(action_items)}"))
    blocks += home_mentorships(mentorships, viewer, live=live_mentorships)
    blocks += feedback_blocks(feedback[:FEEDBACK_SHOWN])
    if mentor is not None and is_mentor:
        blocks += _mentor_section(mentor, free_slots)
    lines = "\n".join(f"• `{COMMAND} {c.usage}`  {c.summary}" for c in commands)
    blocks += [
        divider(),
        section(f"*Commands*\n{lines}"),
        context(f"Times are shown in your Slack time zone ({escape(tz)})."),
    ]
    return {"type": "home", "blocks": blocks}


def _mentor_section(mentor: MentorView, free_slots: Sequence[SlotView]) -> list[Block]:
    skills = skills_line(mentor)
    blocks: list[Block] = [
        divider(),
        header("Your mentoring"),
        *levels_banner(mentor),
        section(
            f"{STATUS_LABELS.get(mentor.status, mentor.status)}\n"
            f"*Skills:* {skills}\n"
            f"*Sessions:* {mentor.session_minutes} minutes, up to {mentor.weekly_capacity} a week"
        ),
    ]
    if mentor.status in (MentorStatus.ACTIVE, MentorStatus.PAUSED):
        if free_slots:
            shown = "\n".join(f"• {local_time(s.starts_at)}" for s in free_slots[:NEXT_SLOTS_SHOWN])
            more = len(free_slots) - NEXT_SLOTS_SHOWN
            tail = f"\n_…and {more} more: see Availability._" if more > 0 else ""
            blocks.append(section(f"*Next free slots*\n{shown}{tail}"))
        else:
            blocks.append(
                section("*Next free slots*\nNone yet: add availability so people can book you.")
            )
    blocks.append(mentor_buttons(mentor))
    return blocks


def build_home_error() -> dict[str, Any]:
    """What Home shows when it could not be built, rather than a stale or blank tab."""
    return {
        "type": "home",
        "blocks": [
            header("Mentor Bot"),
            section(":warning: Sorry, I couldn't load your dashboard. Try again in a moment."),
        ],
    }
