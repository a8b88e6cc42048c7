"""Goals of a mentorship as the pair sees them: the message kept up to date in their group DM,
the goals form (editable for the mentee, read-only with "Comment" for the mentor) and the
comment that reaches the mentee.

Pure: service results in, Block Kit out (architecture.md, "The rules", 4).
"""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.inputs import Option, modal, select, text_input
from bot.blocks.kit import (
    Block,
    actions,
    button,
    clip,
    context,
    divider,
    escape,
    header,
    mention,
    message,
    section,
)
from bot.ids import Action, BlockId, Callback
from bot.services.goals import (
    MAX_COMMENT_LENGTH,
    MAX_GOAL_LENGTH,
    MAX_STEPS,
    CommentForm,
    CommentOutcome,
    CommentView,
    GoalsForm,
)
from bot.services.mentorship_view import GoalView, MemberView, MentorshipView, StepView
from store.models import MAX_GOALS
from store.statuses import GoalStatus, Role

STATUS_MARKS = {
    GoalStatus.NOT_STARTED: "○ not started",
    GoalStatus.IN_PROGRESS: "◐ in progress",
    GoalStatus.REACHED: "● reached",
    GoalStatus.DROPPED: "✕ dropped",
}
STATUS_OPTIONS: list[Option] = [
    ("Not started", GoalStatus.NOT_STARTED),
    ("In progress", GoalStatus.IN_PROGRESS),
    ("Reached", GoalStatus.REACHED),
    ("Dropped", GoalStatus.DROPPED),
]
# How a step is typed in the form: one a line, "[x]" in front of the done ones.
DONE_MARK = "[x]"
OPEN_MARK = "[ ]"
COMMENTS_SHOWN = 2


def goal_line(goal: GoalView) -> str:
    steps = "".join(
        f"\n      {'☑' if step.done else '☐'} {escape(step.text)}" for step in goal.steps
    )
    return f"{goal.position}. {escape(goal.text)} · _{STATUS_MARKS[goal.status]}_{steps}"


def progress(member: MemberView) -> str:
    """ "1 of 3 reached": how far a mentee is, in a few words."""
    return f"{member.goals_reached} of {len(member.goals)} reached"


def member_goals(member: MemberView) -> Block:
    lines = "\n".join(goal_line(goal) for goal in member.goals) or "_No goals yet._"
    return section(f"*<@{member.mentee_slack_id}>'s goals* ({progress(member)})\n{lines}")


def build_goals_message(mentorship: MentorshipView) -> dict[str, Any]:
    """The goals message of the pair's or group's DM, posted once and then updated in place."""
    blocks: list[Block] = [header(f"Goals · {mentorship.title}")]
    if mentorship.group_goal:
        blocks.append(section(f"*Group goal:* {escape(mentorship.group_goal)}"))
    blocks += [member_goals(member) for member in mentorship.members if member.live]
    blocks.append(actions(button("Open goals", Action.OPEN_GOALS, str(mentorship.id))))
    blocks.append(context("Only the mentee changes their goals; the mentor can comment on them."))
    return message(f"Goals of {mentorship.title}", blocks)


# --- the goals form -------------------------------------------------------------------------


def slot_block(kind: BlockId, slot: int) -> str:
    """The block id of one goal's input in the form, e.g. "goal_text:2"."""
    return f"{kind}:{slot}"


def steps_text(steps: tuple[StepView, ...]) -> str:
    return "\n".join(f"{DONE_MARK if step.done else OPEN_MARK} {step.text}" for step in steps)


def goals_metadata(mentorship: MentorshipView, goals: tuple[GoalView, ...]) -> str:
    """What the form remembers: the mentorship, the version it was opened at and which goal
    each slot holds (0 for an empty one). Identifies only; the service decides."""
    slots = [goal.id for goal in goals] + [0] * (MAX_GOALS - len(goals))
    return json.dumps({"m": mentorship.id, "v": mentorship.version, "g": slots})


def build_goals_modal(form: GoalsForm) -> dict[str, Any]:
    """The mentee's own goals to edit, or every mentee's goals for the mentor to read."""
    if form.role == Role.MENTEE:
        return _editable(form)
    return _read_only(form)


def _group_goal(mentorship: MentorshipView) -> list[Block]:
    if not mentorship.group_goal:
        return []
    return [section(f"*Group goal:* {escape(mentorship.group_goal)}")]


def _editable(form: GoalsForm) -> dict[str, Any]:
    mentorship = form.mentorship
    member = mentorship.member_of(form.viewer_slack_id)
    goals = member.goals if member else ()
    blocks: list[Block] = [
        section(
            f"Your goals with {partner_name(mentorship)}: one to {MAX_GOALS}. Clear a goal's text "
            "to remove it; write in an empty one to add a goal."
        ),
        *_group_goal(mentorship),
    ]
    places: list[Option] = [(f"{n}", str(n)) for n in range(1, MAX_GOALS + 1)]
    for slot in range(1, MAX_GOALS + 1):
        goal = goals[slot - 1] if slot <= len(goals) else None
        blocks += [
            divider(),
            text_input(
                slot_block(BlockId.GOAL_TEXT, slot),
                f"Goal {slot}",
                initial=goal.text if goal else "",
                max_length=MAX_GOAL_LENGTH,
                optional=True,
            ),
            select(
                slot_block(BlockId.GOAL_STATUS, slot),
                f"Status of goal {slot}",
                STATUS_OPTIONS,
                initial=goal.status if goal else GoalStatus.NOT_STARTED,
            ),
            text_input(
                slot_block(BlockId.GOAL_STEPS, slot),
                f"Steps of goal {slot}",
                initial=steps_text(goal.steps) if goal else "",
                multiline=True,
                optional=True,
                hint=f"One step a line, up to {MAX_STEPS}; put {DONE_MARK} in front of the "
                "ones you have done.",
            ),
            select(
                slot_block(BlockId.GOAL_PLACE, slot),
                f"Place of goal {slot}",
                places,
                initial=str(slot),
            ),
        ]
        if goal is not None:
            blocks += _comment_lines(form.comments.get(goal.id, ()))
    return modal(
        Callback.GOALS,
        "Your goals",
        blocks,
        submit="Save",
        private_metadata=goals_metadata(mentorship, goals),
    )


def partner_name(mentorship: MentorshipView) -> str:
    """The mentor, or the group's name, as the mentee's form names the mentorship."""
    if mentorship.name:
        return f"*{escape(mentorship.name)}*"
    return mention(mentorship.mentor_slack_id)


def _comment_lines(comments: tuple[CommentView, ...]) -> list[Block]:
    shown = comments[-COMMENTS_SHOWN:]
    return [context(f"💬 {mention(c.author_slack_id)}: {escape(clip(c.text, 500))}") for c in shown]


def _read_only(form: GoalsForm) -> dict[str, Any]:
    mentorship = form.mentorship
    intro = (
        f"*{escape(mentorship.title)}*\nOnly the mentee changes their goals; comment on any of "
        "them and the mentee gets your comment."
    )
    blocks: list[Block] = [section(intro), *_group_goal(mentorship)]
    for member in (m for m in mentorship.members if m.live):
        blocks += [
            divider(),
            section(f"*{mention(member.mentee_slack_id)}'s goals* ({progress(member)})"),
        ]
        for goal in member.goals:
            blocks.append(
                section(
                    goal_line(goal),
                    accessory=button("Comment", Action.COMMENT_GOAL, str(goal.id)),
                )
            )
            blocks += _comment_lines(form.comments.get(goal.id, ()))
        if not member.goals:
            blocks.append(context("No goals yet."))
    return modal(Callback.GOALS, "Goals", blocks[:100], close="Close")


# --- the mentor's comment -------------------------------------------------------------------


def build_comment_modal(form: CommentForm) -> dict[str, Any]:
    return modal(
        Callback.GOAL_COMMENT,
        "Comment on a goal",
        [
            section(f"{mention(form.mentee_slack_id)}'s goal: *{escape(form.goal_text)}*"),
            text_input(
                BlockId.COMMENT,
                "Comment",
                multiline=True,
                max_length=MAX_COMMENT_LENGTH,
                hint="Only the mentee gets it.",
            ),
        ],
        submit="Send",
        private_metadata=str(form.goal_id),
    )


def build_comment_received(outcome: CommentOutcome) -> dict[str, Any]:
    """The mentee's DM: which goal, and what the mentor said."""
    quoted = "\n".join(f"> {line}" for line in escape(outcome.comment).splitlines())
    return message(
        "Your mentor commented on one of your goals",
        [
            section(
                f"{mention(outcome.mentor_slack_id)} commented on your goal "
                f"*{escape(outcome.goal_text)}*:\n{quoted}"
            ),
            actions(button("Goals", Action.OPEN_GOALS, str(outcome.mentorship_id))),
        ],
    )


def build_goals_refused(reason: str) -> dict[str, Any]:
    """What a goals form with nothing to attach an error to turns into: the reason, plainly."""
    return modal(Callback.GOALS, "Goals", [section(escape(reason))], close="Close")
