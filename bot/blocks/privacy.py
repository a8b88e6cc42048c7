"""What Mentor Bot keeps about people, and the messages of deleting it on request."""

from __future__ import annotations

from typing import Any

from bot.blocks.kit import Block, actions, button, context, header, local_time, message, section
from bot.ids import COMMAND, Action
from bot.services.bookings import BookingView
from bot.services.privacy import Footprint, Forgotten

STORED = (
    "*What Mentor Bot keeps, and why*\n"
    "• Your Slack name and time zone, read from Slack, to show times in your own zone.\n"
    "• If you mentor: your bio, skills, meeting link, weekly capacity, availability and that you "
    "accepted the code of conduct, so people can find and book you.\n"
    "• Your requests and sessions: times, your message and topic, and any reason given for "
    "declining or cancelling, so both of you know what the session is for.\n"
    "• After a session: whether it took place, your stars, comments and action items, so the "
    "program can improve.\n"
    "• Skills you searched for that no mentor offered, and interests you saved, to spot unmet "
    "demand and make `find` quicker.\n"
    "• Coordinators' actions (approving or pausing a mentor, exports), with who acted and about "
    "whom, in an audit log for accountability."
)
MENTORSHIPS = (
    "*In a mentorship*\n"
    "• Your goals and their steps, and your mentor's comments on them: you and your mentor (or "
    "your group's mentor) see them; only you change them.\n"
    "• Your diary after each session, and your mentor's comment on it: only the two of you. "
    "Coordinators see that entries exist (a count), never what they say.\n"
    '• Your answers to "How is your mentorship going?" (stars and comment) and your closing '
    "evaluation: coordinators only, except goal outcomes, which you share with your mentor, and "
    "a mentor's feedback, which the mentee sees.\n"
    "• A request for a different mentor: coordinators only; your mentor is not told why.\n"
    "• Coordinators see the figures (started, active, ended, goals reached, stars, at risk) and "
    "can export counts and stars per mentorship, never goals or diary text."
)
WHO_SEES = (
    "*Who sees what*\n"
    "• Everyone using Mentor Bot: mentors' profiles and free times.\n"
    "• The two participants only: a booking's message, topic, reasons and action items.\n"
    "• Coordinators only: review stars and comments, attendance, and the program's figures "
    "(they can export sessions and reviews, without booking messages).\n"
    "• Coordinators only: a concern you raise (what you wrote, and which session); the other "
    "person is not told. Deleting removes what you wrote.\n"
    "• Nobody else: the bot shares nothing outside this workspace."
)
KEPT = (
    "Mentor Bot keeps this while you take part. Deleting removes your personal data and cancels "
    "your upcoming sessions; the program keeps anonymous counts (how many sessions, stars), "
    "and messages already sent stay in Slack under your workspace's own retention."
)


def build_privacy_notice() -> dict[str, Any]:
    blocks: list[Block] = [
        header("Your data in Mentor Bot"),
        section(STORED),
        section(MENTORSHIPS),
        section(WHO_SEES),
        section(KEPT),
        actions(button("Delete my data…", Action.PRIVACY_DELETE, style="danger")),
        context(f"Or type `{COMMAND} privacy delete`."),
    ]
    return message("What Mentor Bot keeps about you, and who sees it", blocks)


def build_delete_confirmation(found: Footprint) -> dict[str, Any]:
    """Exactly what deleting will do, with the button that does it."""
    consequences = [
        "• Your name, goals, interests and saved searches are removed.",
        f"• The messages and reasons of your {found.bookings} booking(s) are removed; "
        "the other person keeps the date in their history.",
        "• Where the coordinators' records name you (the audit log, mentor approvals and "
        "pauses), an anonymous label takes the place of your Slack account.",
    ]
    if found.upcoming:
        consequences.append(
            f"• Your {found.upcoming} upcoming session(s) and request(s) are cancelled, "
            "and the other person is told."
        )
    if found.is_mentor:
        consequences.append(
            "• Your mentor profile, skills, meeting link and availability are removed."
        )
    if found.mentorships:
        consequences.append(
            f"• The text of your goals, steps, diary entries, pulse and evaluation answers and "
            f"requests in your {found.mentorships} mentorship(s) is removed; their counts and "
            "stars stay in the program's anonymous figures."
        )
    if found.live_mentorships:
        consequences.append(
            f"• Your {found.live_mentorships} ongoing mentorship(s) end now, and the others in "
            "them are told."
        )
    if found.reviews:
        consequences.append(
            f"• The comments and action items of your {found.reviews} review(s) are removed; "
            "their stars stay in the program's anonymous averages."
        )
    blocks = [
        header("Delete your data?"),
        section("\n".join(consequences)),
        context("This can't be undone. If you use Mentor Bot later, you start afresh."),
        actions(
            button("Yes, delete my data", Action.PRIVACY_CONFIRM_DELETE, "delete", style="danger"),
            button("Keep my data", Action.PRIVACY_KEEP),
        ),
    ]
    return message("Delete your Mentor Bot data?", blocks)


def build_deleted(done: Forgotten) -> dict[str, Any]:
    text = ":wastebasket: Done: Mentor Bot no longer holds your personal data."
    if done.called_off:
        text += f" {len(done.called_off)} upcoming session(s) were cancelled and the other "
        text += "person was told."
    if done.ended_mentorships:
        text += f" {len(done.ended_mentorships)} mentorship(s) ended."
    return message("Your data was deleted", [section(text)])


def build_mentorship_left(departed: str) -> dict[str, Any]:
    """What the others in a mentorship hear when a deletion ends someone's part in it."""
    text = (
        f":no_entry_sign: <@{departed}> left the mentorship program, so your mentorship with "
        "them has ended. Nothing more will be asked of you about it."
    )
    hint = f"Find a mentor or a new mentee's request with `{COMMAND} find` or on your Home."
    return message("A mentorship ended", [section(text), context(hint)])


def build_kept() -> dict[str, Any]:
    return message("Nothing was deleted", [section("Nothing was deleted.")])


def build_left_program(booking: BookingView, departed: str) -> dict[str, Any]:
    """What the other participant hears when a session is called off by a deletion."""
    text = (
        f":no_entry_sign: <@{departed}> left the mentorship program, so your booking for "
        f"{local_time(booking.starts_at)} is cancelled."
    )
    hint = (
        f"Find another mentor with `{COMMAND} find`." if departed == booking.mentor_slack_id else ""
    )
    return message("A session was cancelled", [section(text), *([context(hint)] if hint else [])])


def build_deleted_home() -> dict[str, Any]:
    text = (
        "Your Mentor Bot data was deleted. If you'd like to take part again, type "
        f"`{COMMAND} help`: you'll start afresh."
    )
    return {"type": "home", "blocks": [section(text)]}
