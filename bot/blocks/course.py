"""Changing a mentorship's course: extending it, ending it early, asking for another mentor.

Pure: service results in, Block Kit out (architecture.md, "The rules", 4). `course_buttons` is
the fragment Home and the pulse show; the rest are the modals and the messages each side gets.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.blocks.inputs import checkboxes, date_input, modal, text_input
from bot.blocks.kit import (
    Block,
    actions,
    button,
    context,
    escape,
    local_time,
    mention,
    message,
    section,
)
from bot.ids import Action, Callback
from bot.ids import BlockId as B
from bot.services.booking_view import BookingView
from bot.services.change_requests import ChangeRequestView
from bot.services.mentorship_ending import EndedEarly
from bot.services.mentorship_extension import ExtensionAnswered, ExtensionProposed
from bot.services.mentorship_forms import TEXT_MAX
from bot.services.mentorship_view import MentorshipView

HIDE = "hide"
HANDLED = "Mark handled"


def course_buttons(mentorship_id: int, *, for_mentee: bool) -> Block:
    """Extend, End early and (for a mentee) Ask for a different mentor."""
    value = str(mentorship_id)
    elements = [
        button("Extend", Action.EXTEND_MENTORSHIP, value),
        button("End early", Action.END_MENTORSHIP, value, style="danger"),
    ]
    if for_mentee:
        elements.append(button("Ask for a different mentor", Action.ASK_NEW_MENTOR, value))
    return actions(*elements)


def _day(on: date | None) -> str:
    return f"{on:%A %d %B %Y}" if on else "no date yet"


# --- extending -------------------------------------------------------------------------------


def build_extend_modal(mentorship: MentorshipView) -> dict[str, Any]:
    ends = mentorship.ends_on
    initial = (ends + timedelta(days=30)).isoformat() if ends else None
    return modal(
        Callback.EXTEND_MENTORSHIP,
        "Extend the mentorship",
        [
            section(
                f"*{escape(mentorship.title)}* ends on {_day(ends)}. Pick a later date: the "
                "other side is asked to agree, and nothing changes until they do."
            ),
            date_input(B.NEW_END, "New end date", initial=initial),
        ],
        submit="Propose",
        private_metadata=str(mentorship.id),
    )


def build_extension_request(proposed: ExtensionProposed) -> dict[str, Any]:
    """To the other side: Accept or Decline the proposed end date."""
    view = proposed.mentorship
    text = (
        f"{mention(proposed.proposer_slack_id)} proposes to extend *{escape(view.title)}* "
        f"from {_day(view.ends_on)} to *{_day(view.proposed_ends_on)}*."
    )
    value = str(view.id)
    return message(
        "An extension of your mentorship was proposed",
        [
            section(f":calendar: {text}"),
            actions(
                button("Accept", Action.ACCEPT_EXTENSION, value, style="primary"),
                button("Decline", Action.DECLINE_EXTENSION, value),
            ),
        ],
    )


def build_extension_proposed(proposed: ExtensionProposed) -> dict[str, Any]:
    """To the proposer: the other side was asked."""
    text = (
        f":hourglass_flowing_sand: You proposed to extend *{escape(proposed.mentorship.title)}* "
        f"to {_day(proposed.mentorship.proposed_ends_on)}. I'll tell you when they answer."
    )
    return message("Extension proposed", [section(text)])


def build_extension_answered(answered: ExtensionAnswered) -> dict[str, Any]:
    """To everyone in the mentorship: what the answer was."""
    view = answered.mentorship
    if answered.accepted:
        text = (
            f":white_check_mark: {mention(answered.answered_by)} agreed: *{escape(view.title)}* "
            f"now ends on {_day(view.ends_on)}. Pulses and the closing evaluation follow the "
            "new date."
        )
    else:
        text = (
            f":no_entry_sign: {mention(answered.answered_by)} declined the extension: "
            f"*{escape(view.title)}* still ends on {_day(view.ends_on)}."
        )
    return message("Extension answered", [section(text)])


# --- ending early ----------------------------------------------------------------------------


def build_end_modal(mentorship: MentorshipView, *, viewer: str) -> dict[str, Any]:
    """The mentor of a group ends it for every mentee; anyone else ends their own part."""
    group_mentor = viewer == mentorship.mentor_slack_id and len(mentorship.people()) > 2
    whom = "your mentees" if group_mentor else "the other side"
    return modal(
        Callback.END_MENTORSHIP,
        "End early",
        [
            section(
                f"End *{escape(mentorship.title)}* now, before {_day(mentorship.ends_on)}? "
                "Sessions still planned are cancelled, and nothing more is scheduled."
            ),
            text_input(
                B.REASON,
                "Why are you ending it?",
                multiline=True,
                max_length=TEXT_MAX,
                hint="Coordinators read it. Kindness helps: the other side may read it too.",
            ),
            checkboxes(
                B.HIDE_REASON,
                "Sharing",
                [(f"Don't share my reason with {whom}", HIDE)],
                optional=True,
                hint="Coordinators still see it.",
            ),
        ],
        submit="End it",
        private_metadata=str(mentorship.id),
    )


def _cancelled_line(cancelled: tuple[BookingView, ...]) -> str:
    if not cancelled:
        return ""
    times = ", ".join(local_time(booking.starts_at) for booking in cancelled)
    return f"\nThe sessions planned for {times} are cancelled."


def build_ended_notice(ended: EndedEarly) -> dict[str, Any]:
    """To the other side, kindly; the reason only when the ender shared it."""
    title = escape(ended.title)
    lines = [
        f":wave: {mention(ended.ender_slack_id)} has ended your mentorship *{title}* early. "
        "Thank you for the time and care you put into it."
    ]
    if ended.reason:
        lines.append(f"> {escape(ended.reason)}")
    lines.append(
        "If you'd like to keep learning, `/mentor find` shows mentors and their free times."
        + _cancelled_line(ended.cancelled)
    )
    return message("Your mentorship has ended", [section("\n".join(lines))])


def build_ended_confirmation(ended: EndedEarly) -> dict[str, Any]:
    """To the one who ended it."""
    shared = "with your reason" if ended.reason else "without your reason"
    text = (
        f":white_check_mark: *{escape(ended.title)}* has ended. The other side was "
        f"told, {shared}; coordinators see the reason.{_cancelled_line(ended.cancelled)}"
    )
    return message("Mentorship ended", [section(text)])


# --- asking for a different mentor -----------------------------------------------------------


def build_ask_new_mentor_modal(mentorship: MentorshipView) -> dict[str, Any]:
    return modal(
        Callback.ASK_NEW_MENTOR,
        "A different mentor",
        [
            context(
                f":lock: This goes to the program's coordinators only. "
                f"{escape(mentorship.mentor_name)} is not told."
            ),
            text_input(
                B.REASON,
                "What isn't working?",
                multiline=True,
                max_length=TEXT_MAX,
                hint="A coordinator will get in touch with you.",
            ),
        ],
        submit="Send",
        private_metadata=str(mentorship.id),
    )


def build_new_mentor_asked() -> dict[str, Any]:
    text = (
        ":lock: Thank you for telling us. A coordinator will get in touch with you; "
        "your mentor is not told."
    )
    return message(text, [section(text)])


def build_change_request_card(
    request: ChangeRequestView, *, warning: str | None = None
) -> dict[str, Any]:
    """The coordinators' card: who asks, about whom, why; "Mark handled" until it is."""
    blocks: list[Block] = []
    if warning:
        blocks.append(context(f":warning: {escape(warning)}"))
    blocks.append(
        section(
            f":busts_in_silhouette: {mention(request.mentee_slack_id)} asks for a different "
            f"mentor than {mention(request.mentor_slack_id)} "
            f"(asked {local_time(request.created_at)}).\n> {escape(request.reason)}"
        )
    )
    blocks.append(context(":lock: Confidential: the mentor has not been told."))
    if request.handled_by and request.handled_at:
        blocks.append(
            context(
                f":white_check_mark: Handled by {mention(request.handled_by)} "
                f"{local_time(request.handled_at)}."
            )
        )
    else:
        blocks.append(actions(button(HANDLED, Action.HANDLE_CHANGE_REQUEST, str(request.id))))
    return message("A mentee asks for a different mentor", blocks)
