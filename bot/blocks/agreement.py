"""The mentorship agreement both people agree to, and what the pair's group DM starts with.

Pure: a `MentorshipView` in, Block Kit out (architecture.md, "The rules", 4).
"""

from __future__ import annotations

from typing import Any

from bot.blocks.kit import Block, actions, button, context, escape, header, message, section
from bot.blocks.profile import CODE_OF_CONDUCT
from bot.ids import Action
from bot.services.mentorship_view import MemberView, MentorshipView
from store.statuses import MemberStatus


def _dates(view: MentorshipView) -> str:
    start = view.starts_on.isoformat() if view.starts_on else "on agreement"
    end = view.ends_on.isoformat() if view.ends_on else "-"
    return f"*From* {start} *to* {end}, meeting {view.cadence_name}."


def agreement_blocks(view: MentorshipView, member: MemberView) -> list[Block]:
    mentor, mentee = f"<@{view.mentor_slack_id}>", f"<@{member.mentee_slack_id}>"
    return [
        header("Mentorship agreement"),
        section(f"{mentor} mentors {mentee}.\n{_dates(view)}"),
        section(
            "*What we agree*\n"
            "• *Confidentiality, both ways*: what either of us shares stays between us.\n"
            f"• {mentee} *owns their goals and decisions*; the mentor advises, never decides.\n"
            "• *How we communicate*: in our group DM with Mentor Bot, and in sessions at the "
            "mentor's meeting link or place.\n"
            "• Either of us can end the mentorship early, kindly and with a reason."
        ),
        section(CODE_OF_CONDUCT),
    ]


def build_agreement(view: MentorshipView, member: MemberView) -> dict[str, Any]:
    """The agreement each side receives on acceptance, with its "I agree" button."""
    blocks = agreement_blocks(view, member)
    blocks.append(
        actions(button("I agree", Action.AGREE_MENTORSHIP, str(member.id), style="primary"))
    )
    blocks.append(
        context(
            f"Your mentor agreed by opening {view.name}: you join once you agree."
            if view.name
            else "The mentorship starts once you both agree."
        )
    )
    return message(f"Mentorship agreement: {view.title}", blocks)


def build_agreed(view: MentorshipView, member: MemberView, *, active: bool) -> dict[str, Any]:
    """The agreement after the reader agreed: no button, and whether the other side has."""
    blocks = agreement_blocks(view, member)
    status = (
        ":white_check_mark: You both agreed: the mentorship is active."
        if active
        else ":white_check_mark: You agreed. Waiting for the other side."
    )
    blocks.append(context(status))
    return message(f"Mentorship agreement: {view.title}", blocks)


def build_other_agreed(view: MentorshipView, actor_slack_id: str) -> dict[str, Any]:
    return message(
        "Agreed",
        [section(f"<@{actor_slack_id}> agreed to the mentorship agreement of {view.title}.")],
    )


def build_group_welcome(view: MentorshipView, member: MemberView) -> dict[str, Any]:
    """The first message of the pair's or group's DM: the agreement in short."""
    if view.name:
        return _welcome_to_group(view, member)
    return message(
        f"Welcome to your mentorship: {view.title}",
        [
            header(f"Mentorship · {view.title}"[:150]),
            section(
                f"<@{view.mentor_slack_id}> and <@{member.mentee_slack_id}>, you both agreed: "
                "this is your shared place for the mentorship.\n" + _dates(view)
            ),
            context(
                "Confidential both ways · the mentee owns their goals and decisions · "
                "the programme's code of conduct applies."
            ),
        ],
    )


def _welcome_to_group(view: MentorshipView, member: MemberView) -> dict[str, Any]:
    """A group's DM, opened anew each time a member joins (Slack can't add people to one)."""
    members = ", ".join(
        f"<@{m.mentee_slack_id}>" for m in view.members if m.status == MemberStatus.ACTIVE
    )
    topic = f"\n*Topic:* {escape(view.topic)}" if view.topic else ""
    return message(
        f"Welcome to {view.name}",
        [
            header(f"Group mentorship · {view.name}"[:150]),
            section(
                f"<@{view.mentor_slack_id}> mentors {members} in *{escape(view.title)}*: this is "
                "the group's shared place. "
                f"<@{member.mentee_slack_id}> has just joined.{topic}\n" + _dates(view)
            ),
            context(
                "Confidential: what members share stays in the group · each member owns their "
                "goals and decisions · the programme's code of conduct applies."
            ),
        ],
    )


def build_plan(view: MentorshipView) -> dict[str, Any]:
    """The plan: the rhythm and dates, and the first thing to do."""
    return message(
        "Your plan",
        [
            section(
                f"*The plan*\n{_dates(view)}\n"
                ":calendar: *Plan your first session* now: book one of the mentor's free times "
                "with `/mentor find`, or agree on a time here."
            )
        ],
    )
