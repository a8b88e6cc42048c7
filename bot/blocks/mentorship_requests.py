"""Asking for a mentorship and the mentor's answer: the modal, the mentor's card, the notes.

Pure: views and ids in, Block Kit out (architecture.md, "The rules", 4).
"""

from __future__ import annotations

from typing import Any

from bot.blocks.answering import backups_input, pause_input
from bot.blocks.inputs import modal, select, text_input
from bot.blocks.kit import actions, button, context, escape, header, message, section
from bot.ids import Action, Callback
from bot.ids import BlockId as B
from bot.services.mentorship_view import CADENCE_NAMES, MemberView, MentorshipView
from bot.services.mentorships import COMMENT_MAX, GOAL_MAX, HOPES_MAX
from store.models import MAX_GOALS
from store.statuses import Cadence, MemberStatus

CADENCES = [(CADENCE_NAMES[c].capitalize(), c.value) for c in Cadence]
LENGTHS = [("1 month", "1"), ("3 months", "3"), ("6 months", "6")]


def build_ask_modal(mentor_id: int, mentor_name: str) -> dict[str, Any]:
    return modal(
        Callback.ASK_MENTORSHIP,
        "Ask for a mentorship",
        [
            section(f"Ask *{escape(mentor_name)}* to mentor you over the coming months."),
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
            select(B.CADENCE, "How often to meet", CADENCES, initial=Cadence.FORTNIGHTLY.value),
            select(B.LENGTH, "For how long", LENGTHS, initial="3"),
            backups_input(),
        ],
        submit="Ask",
        private_metadata=str(mentor_id),
    )


def _goals_text(member: MemberView) -> str:
    return "\n".join(f"{g.position}. {escape(g.text)}" for g in member.goals)


def _summary(view: MentorshipView, member: MemberView) -> str:
    hopes = f"\n*Hopes:* {escape(member.hopes)}" if member.hopes else ""
    months = f"{view.months} month{'s' if view.months != 1 else ''}"
    return (
        f"*Goals*\n{_goals_text(member)}{hopes}\n"
        f"*Meeting:* {view.cadence_name} · *Length:* {months}"
    )


def _asks(view: MentorshipView, member: MemberView, verb: str) -> str:
    """ "asks you to be their mentor", or for a group "asks to join <name>"."""
    if view.name:
        return f"<@{member.mentee_slack_id}> {verb} to join *{escape(view.name)}*."
    return f"<@{member.mentee_slack_id}> {verb} you to be their mentor."


def build_request_card(view: MentorshipView, member: MemberView) -> dict[str, Any]:
    """The mentor's DM: the request with Accept / Decline."""
    value = str(member.id)
    return message(
        f"{member.mentee_name} asks you for a mentorship",
        [
            header("Mentorship request"),
            section(_asks(view, member, "asks")),
            section(_summary(view, member)),
            actions(
                button("Accept", Action.ACCEPT_MENTORSHIP, value, style="primary"),
                button("Decline", Action.DECLINE_MENTORSHIP, value),
            ),
        ],
    )


_OUTCOMES = {
    MemberStatus.AGREEING: ":white_check_mark: *Accepted*: the agreement is on its way.",
    MemberStatus.ACTIVE: ":white_check_mark: *Accepted*.",
    MemberStatus.DECLINED: ":no_entry_sign: *Declined*.",
    MemberStatus.WITHDRAWN: ":leftwards_arrow_with_hook: *Withdrawn* by the mentee.",
    MemberStatus.EXPIRED: ":hourglass: *Expired*: it was not answered in time.",
}


def build_card_outcome(view: MentorshipView, member: MemberView) -> dict[str, Any]:
    """The mentor's card once the request is settled: the buttons give way to the outcome."""
    outcome = _OUTCOMES.get(member.status, f"*{member.status.value.capitalize()}*.")
    return message(
        f"Mentorship request from {member.mentee_name}: {member.status.value}",
        [
            header("Mentorship request"),
            section(_asks(view, member, "asked")),
            section(_summary(view, member)),
            context(outcome),
        ],
    )


def build_request_sent(view: MentorshipView, member: MemberView) -> dict[str, Any]:
    """The mentee's confirmation, with the way to take the request back."""
    return message(
        f"Request sent to {view.mentor_name}",
        [
            section(
                f":mailbox_with_mail: *Request sent* to <@{view.mentor_slack_id}> "
                + (f"to join *{escape(view.name)}*." if view.name else "for a mentorship.")
                + " I'll tell you when they answer."
            ),
            section(_summary(view, member)),
            actions(button("Withdraw", Action.WITHDRAW_MENTORSHIP, str(member.id))),
        ],
    )


def build_withdrawn(view: MentorshipView) -> dict[str, Any]:
    return message(
        "Request withdrawn",
        [section(f"You withdrew your mentorship request to <@{view.mentor_slack_id}>.")],
    )


def build_answer_modal(member: MemberView, accept: bool) -> dict[str, Any]:
    """The comment the mentor must write with an accept or a decline."""
    verb = "Accept" if accept else "Decline"
    prompt = (
        f"Tell <@{member.mentee_slack_id}> why you're glad to mentor them."
        if accept
        else f"Tell <@{member.mentee_slack_id}> kindly why not, and maybe who could help."
    )
    return modal(
        Callback.ANSWER_MENTORSHIP,
        f"{verb} the mentorship",
        [
            section(prompt),
            text_input(B.REASON, "Comment", multiline=True, max_length=COMMENT_MAX),
            *([] if accept else [pause_input()]),
        ],
        submit=verb,
        private_metadata=f"{'accept' if accept else 'decline'}:{member.id}",
    )


def build_answered(view: MentorshipView, member: MemberView) -> dict[str, Any]:
    """What the mentee reads: the answer and the mentor's comment."""
    accepted = member.status == MemberStatus.AGREEING
    head = (
        f":tada: <@{view.mentor_slack_id}> *accepted* your mentorship request."
        if accepted
        else f"<@{view.mentor_slack_id}> *declined* your mentorship request."
    )
    comment = f"\n>{escape(member.answer_comment or '')}"
    return message(
        f"{view.mentor_name} {'accepted' if accepted else 'declined'} your request",
        [section(head + comment)],
    )


def build_request_expired(view: MentorshipView) -> dict[str, Any]:
    return message(
        "Your mentorship request expired",
        [
            section(
                f":hourglass: <@{view.mentor_slack_id}> didn't answer your mentorship request in "
                "time, so it has expired. You can ask someone else, or ask again later."
            )
        ],
    )


def build_request_nudge(view: MentorshipView, member: MemberView) -> dict[str, Any]:
    return message(
        "A mentorship request is waiting for you",
        [
            section(
                f":wave: <@{member.mentee_slack_id}>'s mentorship request expires tomorrow. "
                "Please accept or decline it on the card above."
            ),
            actions(
                button("Accept", Action.ACCEPT_MENTORSHIP, str(member.id), style="primary"),
                button("Decline", Action.DECLINE_MENTORSHIP, str(member.id)),
            ),
        ],
    )


def build_agreement_expired(view: MentorshipView) -> dict[str, Any]:
    return message(
        "The mentorship agreement expired",
        [
            section(
                f":hourglass: The mentorship agreement of {escape(view.title)} was not agreed by "
                "both in time, so it has lapsed. Nothing else changes; you can ask again."
            )
        ],
    )
