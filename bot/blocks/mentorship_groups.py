"""Group mentorships: the mentor's modal to open one, the note once open, and the join modal.

Pure: dates and views in, Block Kit out (architecture.md, "The rules", 4).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.blocks.inputs import date_input, modal, select, text_input
from bot.blocks.kit import clip, context, escape, message, section
from bot.blocks.mentorship_requests import CADENCES, LENGTHS
from bot.ids import COMMAND, Callback
from bot.ids import BlockId as B
from bot.services.mentorship_groups import (
    GROUP_GOAL_MAX,
    MIN_SEATS,
    NAME_MAX,
    TOPIC_MAX,
    JoinForm,
    OpenGroup,
)
from bot.services.mentorship_view import MentorshipView
from bot.services.mentorships import GOAL_MAX, HOPES_MAX
from store.models import MAX_GOALS, MAX_GROUP_SEATS
from store.statuses import Cadence

SEATS = [(f"{n} members", str(n)) for n in range(MIN_SEATS, MAX_GROUP_SEATS + 1)]


def build_open_group_modal(today: date) -> dict[str, Any]:
    return modal(
        Callback.OPEN_GROUP,
        "Open a group",
        [
            section(
                "Mentor a small group together: one group DM, a shared goal, sessions for all, "
                "and each member's own goals. Mentees ask to join; you accept each one."
            ),
            text_input(B.GROUP_NAME, "Group name", max_length=NAME_MAX),
            text_input(B.TOPIC, "Topic", max_length=TOPIC_MAX, multiline=True, optional=True),
            text_input(
                B.GROUP_GOAL,
                "The group's goal",
                max_length=GROUP_GOAL_MAX,
                multiline=True,
                placeholder="e.g. Each of us gives a talk at a meetup",
            ),
            select(B.CADENCE, "How often to meet", CADENCES, initial=Cadence.FORTNIGHTLY.value),
            select(B.LENGTH, "For how long", LENGTHS, initial="3"),
            select(B.SEATS, "Members, at most", SEATS, initial="4"),
            date_input(B.DATE, "Starts on", initial=today.isoformat()),
        ],
        submit="Open",
    )


def build_group_opened(view: MentorshipView) -> dict[str, Any]:
    """The mentor's note: the group is open and how mentees find it."""
    dates = f"{view.starts_on} to {view.ends_on}" if view.starts_on else ""
    return message(
        f"Group opened: {view.name}",
        [
            section(
                f":busts_in_silhouette: *{escape(view.name or '')}* is open for up to "
                f"{view.seats} members, meeting {view.cadence_name}, {dates}.\n"
                f"*Group goal:* {escape(view.group_goal or '')}"
            ),
            context(
                f"Mentees find it under your name in `{COMMAND} find` and ask to join; "
                "you accept each one."
            ),
        ],
    )


def join_label(group: OpenGroup) -> str:
    """The search's button: the group and its seats left, within a button's 75 characters."""
    seats = f"{group.seats_left} seat{'s' if group.seats_left != 1 else ''} left"
    return f"Join {clip(group.name, 50)} ({seats})"


def build_join_modal(form: JoinForm) -> dict[str, Any]:
    topic = f"\n*Topic:* {escape(form.topic)}" if form.topic else ""
    return modal(
        Callback.JOIN_GROUP,
        "Join a group",
        [
            section(
                f"Ask *{escape(form.mentor_name)}* to join *{escape(form.name)}*.{topic}\n"
                f"*Group goal:* {escape(form.group_goal)}"
            ),
            text_input(
                B.GOALS,
                "Your goals",
                multiline=True,
                max_length=MAX_GOALS * (GOAL_MAX + 1),
                placeholder="One goal a line, e.g. Give my first conference talk",
                hint=f"1 to {MAX_GOALS} goals, one a line, each up to {GOAL_MAX} characters.",
            ),
            text_input(
                B.MESSAGE,
                "What you hope to get",
                multiline=True,
                max_length=HOPES_MAX,
                optional=True,
            ),
        ],
        submit="Ask to join",
        private_metadata=str(form.mentorship_id),
    )
