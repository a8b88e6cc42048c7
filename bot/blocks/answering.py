"""Issue 15's messages around answering: pauses (chosen or automatic) and requests that move
on to a backup mentor. Pure: results in, Block Kit out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.blocks.inputs import people_input, select
from bot.blocks.kit import Block, actions, button, escape, local_time, mention, message, section
from bot.ids import Action
from bot.ids import BlockId as B
from bot.services.backups import BookingMove, MemberMove
from bot.services.booking_view import BookingView
from bot.services.pauses import PAUSE_WEEKS
from store.models import MAX_BACKUPS

WEEKS = [(f"{n} week{'s' if n != 1 else ''}", str(n)) for n in PAUSE_WEEKS]


def pause_input() -> Block:
    """The Decline modal's optional break, chosen in the same step."""
    return select(
        B.PAUSE_WEEKS,
        "Pause me for",
        WEEKS,
        optional=True,
        hint="No new requests meanwhile; you'll be back by yourself when it ends.",
    )


def backups_input() -> Block:
    """Up to two backup mentors, asked in order if the first choice can't take the request."""
    return people_input(
        B.BACKUPS,
        "Backup mentors",
        most=MAX_BACKUPS,
        optional=True,
        hint=(
            f"Up to {MAX_BACKUPS}, in order. If your mentor declines or doesn't answer in time, "
            "your request moves on to the next, with the same message."
        ),
    )


def build_paused_for(until: datetime) -> dict[str, Any]:
    """To the mentor who took a break with a decline."""
    return message(
        "You're paused",
        [
            section(
                f":palm_tree: You're paused until {local_time(until)}: no new requests until "
                "then, and I'll tell you when you're back. Type `/mentor resume` to come back "
                "sooner."
            )
        ],
    )


def build_break_over() -> dict[str, Any]:
    """To the mentor whose chosen break ended."""
    return message(
        "Welcome back: you're active again",
        [
            section(
                ":wave: Your break is over: you're active again and mentees can find and book "
                "you. Type `/mentor pause` if you need longer."
            )
        ],
    )


def build_silence_pause() -> dict[str, Any]:
    """To the mentor the system paused: kind, and how to come back."""
    return message(
        "I've paused your mentor profile for now",
        [
            section(
                ":pause_button: Two requests in a row waited without an answer, so I've paused "
                "your profile for now: mentees won't be sent to you meanwhile. No harm done, "
                "busy weeks happen. Your sessions and mentorships carry on as planned."
            ),
            section("When you're ready again, click *Resume* or type `/mentor resume`."),
            actions(button("Resume", Action.RESUME, style="primary")),
        ],
    )


def _why(expired: bool, who: str) -> str:
    return f"{mention(who)} didn't answer in time" if expired else f"{mention(who)} declined"


def build_booking_moved(old: BookingView, move: BookingMove, *, expired: bool) -> dict[str, Any]:
    """To the mentee: where their session request went (or that no backup could take it)."""
    why = _why(expired, old.mentor_slack_id)
    if move.to is None:
        names = ", ".join(escape(name) for name in move.skipped)
        return message(
            "None of your backup mentors could take your request",
            [
                section(
                    f":information_source: {why}, and none of your backup mentors ({names}) had "
                    "a free time near then. Try `/mentor find` for someone else."
                )
            ],
        )
    new = move.to
    return message(
        f"Your request moved to {new.mentor_name}",
        [
            section(
                f":arrow_right: {why}, so your request moved to your backup "
                f"{mention(new.mentor_slack_id)} for {local_time(new.starts_at)}, with the same "
                "message. I'll tell you when they answer."
            )
        ],
    )


def build_mentorship_moved(
    mentor_slack_id: str, move: MemberMove, *, expired: bool
) -> dict[str, Any]:
    """To the mentee: where their mentorship request went (or that no backup could take it)."""
    why = _why(expired, mentor_slack_id)
    if move.to is None:
        names = ", ".join(escape(name) for name in move.skipped)
        return message(
            "None of your backup mentors could take your request",
            [
                section(
                    f":information_source: {why}, and none of your backup mentors ({names}) can "
                    "take a mentee right now. Try `/mentor find` for someone else."
                )
            ],
        )
    new = move.to.mentorship
    return message(
        f"Your mentorship request moved to {new.mentor_name}",
        [
            section(
                f":arrow_right: {why}, so your mentorship request moved to your backup "
                f"{mention(new.mentor_slack_id)}, with the same goals. I'll tell you when they "
                "answer."
            )
        ],
    )
