"""What the scheduler sends: reminders, expiries, "did it take place?" and the star review."""

from __future__ import annotations

from typing import Any

from bot.blocks.find import slot_line
from bot.blocks.inputs import modal, select, text_input
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
from bot.blocks.places import session_where
from bot.ids import Action, Callback
from bot.ids import BlockId as B
from bot.services.bookings import BookingView
from bot.services.reviews import (
    COMMENT_MAX,
    CONNECTION_COMMENT_RULE,
    PROGRAM_COMMENT_RULE,
    WHAT_HAPPENED,
    ReviewSaved,
    connection_needs_comment,
    program_needs_comment,
)
from store.statuses import PlannedBy

# A comment input is optional (Slack adds "(optional)" to its label) until the stars picked
# call for a comment; then the modal is updated to make it required, its label naming the rule.
# The hint always states the rule, so label, hint and Slack's marker never disagree.
CONNECTION_COMMENT = "Comment on connecting"
PROGRAM_COMMENT = "Comment on the program"
CONNECTION_COMMENT_LABEL = f"{CONNECTION_COMMENT} ({CONNECTION_COMMENT_RULE})"
PROGRAM_COMMENT_LABEL = f"{PROGRAM_COMMENT} ({PROGRAM_COMMENT_RULE})"
UNITS = {"m": "minute", "h": "hour", "d": "day"}
STARS = [
    ("★★★★★  5 · Excellent", "5"),
    ("★★★★☆  4 · Good", "4"),
    ("★★★☆☆  3 · Okay", "3"),
    ("★★☆☆☆  2 · Poor", "2"),
    ("★☆☆☆☆  1 · Bad", "1"),
]


def reminder_when(offset: str) -> str:
    """How far off a session is, from its offset's label (lifecycle.offset_label): "24h" and
    "1d" read "tomorrow", "2h" "in 2 hours", "3d" "in 3 days"; an unknown label "coming up"."""
    number, unit = offset[:-1], offset[-1:]
    if not number.isdigit() or int(number) <= 0 or unit not in UNITS:
        return "coming up"
    count = int(number)
    if (unit, count) in (("h", 24), ("d", 1)):
        return "tomorrow"
    if count == 1:
        return f"in {'an' if unit == 'h' else 'a'} {UNITS[unit]}"
    return f"in {count} {UNITS[unit]}s"


def build_reminder(
    booking: BookingView,
    *,
    for_mentor: bool,
    offset: str,
    action_items: str | None,
    homework: str | None = None,
    first_session: bool = False,
) -> dict[str, Any]:
    """Before a session: when, where, what the mentee wants, last time's action items and, in a
    mentorship, the homework from the latest diary entry. Before a pair's first session, the
    mentor's opening checklist and, for both, how to get ready."""
    other = booking.mentee_slack_id if for_mentor else booking.mentor_slack_id
    when = reminder_when(offset)
    blocks: list[Block] = [
        section(
            f":alarm_clock: Your session with {mention(other)} is {when}: "
            f"{local_time(booking.starts_at)}.\n{session_where(booking)}"
        ),
        section(f"*What {'they' if for_mentor else 'you'} asked for*\n>{escape(booking.message)}"),
    ]
    if action_items:
        blocks.append(section(f"*Action items from last time*\n{escape(action_items)}"))
    if homework:
        blocks.append(section(f"*Homework from the diary*\n{escape(homework)}"))
    if first_session:
        blocks += _first_session_help(for_mentor)
    return message(f"Reminder: session with {mention(other)} {when}", blocks)


# Setting up a pair's first session to go well: the mentor opens it, both arrive ready.
OPENING_CHECKLIST = (
    "*Opening your first session*",
    "• Agree that what you both share stays between you.",
    "• Say how your sessions will run: how long, how often, who brings what.",
    "• Invite them to share where they are and what they want from this.",
    "• Keep the results you aim for realistic for the time you have.",
    "• End by asking for their questions and for feedback on the session.",
)
GETTING_READY = (
    "*Getting ready*",
    "• Test your set-up (link, sound, camera) 10 minutes before.",
    "• Find a quiet place where you can talk freely.",
    "• Keep your camera on: it helps you get to know each other.",
)


def _first_session_help(for_mentor: bool) -> list[Block]:
    blocks = [section("\n".join(OPENING_CHECKLIST))] if for_mentor else []
    return [*blocks, context("\n".join(GETTING_READY))]


def build_request_nudge(booking: BookingView) -> dict[str, Any]:
    return message(
        "A request is waiting for your answer",
        [
            section(
                f":hourglass_flowing_sand: <@{booking.mentee_slack_id}> is still waiting for your "
                f"answer about {local_time(booking.starts_at)}. Approve, decline or propose "
                "another time on their request above; it expires if nobody answers."
            )
        ],
    )


def build_expired(booking: BookingView) -> dict[str, Any]:
    """To whoever planned the time: the other side never answered."""
    if booking.planned_by == PlannedBy.MENTOR:
        return message(
            "The session you planned expired",
            [
                section(
                    f":hourglass: <@{booking.mentee_slack_id}> didn't answer in time, so the "
                    f"session you planned for {local_time(booking.starts_at)} expired and the "
                    "time was freed."
                )
            ],
        )
    return message(
        "Your request expired",
        [
            section(
                f":hourglass: <@{booking.mentor_slack_id}> didn't answer in time, so your request "
                f"for {local_time(booking.starts_at)} expired and the time was freed."
            ),
            actions(button("Find another mentor", Action.FIND_AGAIN, style="primary")),
        ],
    )


def build_checkin(booking: BookingView, *, for_mentor: bool) -> dict[str, Any]:
    other = booking.mentee_slack_id if for_mentor else booking.mentor_slack_id
    value = str(booking.id)
    return message(
        "Did your session take place?",
        [
            section(
                f"Did your session with <@{other}> on {local_time(booking.starts_at)} take place?"
            ),
            actions(
                button("Yes", Action.CHECKIN_YES, value, style="primary"),
                button("No", Action.CHECKIN_NO, value),
            ),
        ],
    )


def build_what_happened(booking_id: int) -> dict[str, Any]:
    value = str(booking_id)
    return message(
        "What happened?",
        [
            section("Sorry to hear that. What happened?"),
            actions(
                *(
                    button(label, f"{Action.WHAT_HAPPENED}:{key}", f"{value}:{key}")
                    for key, label in WHAT_HAPPENED.items()
                )
            ),
        ],
    )


def build_noted(text: str) -> dict[str, Any]:
    return message(text, [section(text)])


def build_review_prompt(booking: BookingView, *, for_mentor: bool) -> dict[str, Any]:
    """The one reminder 48 hours after "yes", when no review came."""
    other = booking.mentee_slack_id if for_mentor else booking.mentor_slack_id
    return message(
        "How was your session?",
        [
            section(
                f"How was your session with <@{other}> on {local_time(booking.starts_at)}? "
                "Three quick questions help the program improve."
            ),
            actions(button("Leave a review", Action.OPEN_REVIEW, str(booking.id), style="primary")),
        ],
    )


def _stars(block_id: str, label: str) -> Block:
    """A star rating whose choice is sent at once, so the modal can show what it requires."""
    return {**select(block_id, label, STARS), "dispatch_action": True}


def build_review_modal(
    booking: BookingView,
    *,
    for_mentor: bool,
    connection_stars: int | None = None,
    program_stars: int | None = None,
) -> dict[str, Any]:
    """Three questions; comments are required on low stars; coordinators only see answers.

    Picking stars updates the modal (the selects dispatch their action): with the stars picked
    so far, a comment the rules now ask for becomes a required input that says why.
    """
    other = booking.mentee_name if for_mentor else booking.mentor_name
    connection_required = connection_stars is not None and connection_needs_comment(
        connection_stars
    )
    program_required = program_stars is not None and program_needs_comment(program_stars)
    blocks: list[Block] = [
        context(
            f":lock: Your review goes to the program's coordinators only. "
            f"{escape(other)} will not see it."
        ),
        _stars(B.CONNECTION_STARS, f"1. How did you enjoy connecting with {other}?"),
        text_input(
            B.CONNECTION_COMMENT,
            CONNECTION_COMMENT_LABEL if connection_required else CONNECTION_COMMENT,
            multiline=True,
            max_length=COMMENT_MAX,
            optional=not connection_required,
            hint=f"What didn't work? {CONNECTION_COMMENT_RULE.capitalize()}; optional otherwise.",
        ),
        _stars(B.PROGRAM_STARS, "2. How do you rate the mentorship program?"),
        text_input(
            B.PROGRAM_COMMENT,
            PROGRAM_COMMENT_LABEL if program_required else PROGRAM_COMMENT,
            multiline=True,
            max_length=COMMENT_MAX,
            optional=not program_required,
            hint=(
                f"What would make it better? {PROGRAM_COMMENT_RULE.capitalize()}; "
                "optional otherwise."
            ),
        ),
        text_input(
            B.FEEDBACK,
            "3. Anything else?",
            multiline=True,
            max_length=COMMENT_MAX,
            optional=True,
        ),
    ]
    if not for_mentor:
        blocks.append(
            text_input(
                B.ACTION_ITEMS,
                "Action items for your next session",
                multiline=True,
                max_length=COMMENT_MAX,
                optional=True,
                hint="You and your mentor will see these before your next session.",
            )
        )
    return modal(
        Callback.REVIEW,
        "Review your session",
        blocks,
        submit="Send",
        private_metadata=str(booking.id),
    )


THANKS = ":pray: Thank you! Your review went to the program's coordinators."


def build_review_thanks(saved: ReviewSaved) -> dict[str, Any]:
    """The thank-you, ending with the next step: plan the mentorship's next session, or book
    the same mentor again at one of their next free times."""
    blocks: list[Block] = [section(THANKS)]
    if saved.mentorship_id is not None:
        blocks.append(
            actions(
                button(
                    "Plan the next session",
                    Action.PLAN_SESSION,
                    str(saved.mentorship_id),
                    style="primary",
                )
            )
        )
    elif saved.book_again:
        blocks.append(section(f"*Book again with {escape(saved.mentor_name)}?* Their next times:"))
        blocks += [slot_line(slot) for slot in saved.book_again]
    return message(THANKS, blocks)
