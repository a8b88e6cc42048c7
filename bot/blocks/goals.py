"""Goals of a mentorship as the pair sees them: the message kept up to date in their group DM.

Pure: a `MentorshipView` in, Block Kit out (architecture.md, "The rules", 4).
"""

from __future__ import annotations

from typing import Any

from bot.blocks.kit import Block, context, escape, header, message, section
from bot.services.mentorship_view import GoalView, MemberView, MentorshipView
from store.statuses import GoalStatus

STATUS_MARKS = {
    GoalStatus.NOT_STARTED: "○ not started",
    GoalStatus.IN_PROGRESS: "◐ in progress",
    GoalStatus.REACHED: "● reached",
    GoalStatus.DROPPED: "✕ dropped",
}


def goal_line(goal: GoalView) -> str:
    steps = "".join(
        f"\n      {'☑' if step.done else '☐'} {escape(step.text)}" for step in goal.steps
    )
    return f"{goal.position}. {escape(goal.text)} · _{STATUS_MARKS[goal.status]}_{steps}"


def member_goals(member: MemberView) -> Block:
    lines = "\n".join(goal_line(goal) for goal in member.goals) or "_No goals yet._"
    return section(
        f"*<@{member.mentee_slack_id}>'s goals* ({member.goals_reached} of "
        f"{len(member.goals)} reached)\n{lines}"
    )


def build_goals_message(mentorship: MentorshipView) -> dict[str, Any]:
    """The goals message of the pair's or group's DM, posted once and then updated in place."""
    blocks: list[Block] = [header(f"Goals · {mentorship.title}")]
    if mentorship.group_goal:
        blocks.append(section(f"*Group goal:* {escape(mentorship.group_goal)}"))
    blocks += [member_goals(member) for member in mentorship.members if member.live]
    blocks.append(context("Only the mentee changes their goals; the mentor can comment on them."))
    return message(f"Goals of {mentorship.title}", blocks)
