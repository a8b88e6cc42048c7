"""Closing a mentorship: the evaluation prompt and modal, what the pair shares afterwards,
what to do next, and the mentor's feedback as the mentee's Home shows it.

Pure: service results in, Block Kit out (architecture.md, "The rules", 4).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.followup import STARS
from bot.blocks.inputs import modal, select, text_input
from bot.blocks.kit import (
    Block,
    actions,
    button,
    context,
    escape,
    header,
    mention,
    message,
    section,
)
from bot.ids import Action, Callback
from bot.ids import BlockId as B
from bot.services.mentorship_closing import EvaluationPrompt, EvaluationSaved, MentorFeedback
from bot.services.mentorship_forms import TEXT_MAX
from store.statuses import Role

YES, NO = "yes", "no"
REACHED_OPTIONS = [("Yes, reached", YES), ("Not (yet) reached", NO)]


def build_evaluation_prompt(prompt: EvaluationPrompt) -> dict[str, Any]:
    text = (
        f":checkered_flag: Your mentorship with {escape(prompt.other_name)} has reached its end "
        "date. Thank you! A last few questions: how did it go, and what was reached?"
    )
    return message(
        "Time for the final evaluation",
        [
            section(
                text,
                accessory=button(
                    "Evaluate", Action.OPEN_EVALUATION, str(prompt.member_id), style="primary"
                ),
            )
        ],
    )


def goal_block_id(goal_id: int) -> str:
    return f"{B.GOAL_REACHED}:{goal_id}"


def build_evaluation_modal(prompt: EvaluationPrompt) -> dict[str, Any]:
    mentor = prompt.role == Role.MENTOR
    whose = f"{escape(prompt.other_name)}'s goals" if mentor else "your goals"
    blocks: list[Block] = [
        context(
            ":busts_in_silhouette: Goal outcomes are shared between you both. "
            ":lock: Everything else goes to the program's coordinators only"
            + (", except your feedback to your mentee, which they will see." if mentor else ".")
        ),
        section(f"*For each of {whose}: was it reached?*"),
    ]
    for goal in prompt.goals:
        blocks.append(
            select(
                goal_block_id(goal.id),
                f"Reached: {goal.text}",
                REACHED_OPTIONS,
                initial=YES if goal.reached else None,
            )
        )
    blocks += [
        _text(B.STARTED_WHERE, "Where did you start?"),
        _text(B.STANDS_NOW, "Where do you stand now?"),
        _text(B.WHAT_WORKED, "What worked?", optional=True),
        _text(B.WHAT_TO_CHANGE, "What would you change?", optional=True),
        select(B.EVALUATION_STARS, "How do you rate the mentorship?", STARS),
    ]
    if mentor:
        blocks += [
            _text(
                B.SKILLS_FEEDBACK,
                f"Feedback to {prompt.other_name} on the skills you worked on",
                optional=True,
                hint=f"{prompt.other_name} will see this on their Home.",
            ),
            _text(
                B.LEARNING_FEEDBACK,
                f"Feedback to {prompt.other_name} on their learning",
                optional=True,
                hint=f"{prompt.other_name} will see this on their Home.",
            ),
        ]
    return modal(
        Callback.EVALUATION,
        "Final evaluation",
        blocks,
        submit="Send",
        private_metadata=str(prompt.member_id),
    )


def _text(block_id: str, label: str, *, optional: bool = False, hint: str | None = None) -> Block:
    return text_input(
        block_id, label, multiline=True, max_length=TEXT_MAX, optional=optional, hint=hint
    )


def build_goal_outcomes(saved: EvaluationSaved) -> dict[str, Any]:
    """To the pair: which of the mentee's goals were reached (shared between them)."""
    lines = "\n".join(
        f"{'●' if goal.reached else '○'} {escape(goal.text)} · "
        f"_{'reached' if goal.reached else 'not reached'}_"
        for goal in saved.goals_reached
    )
    reached = sum(goal.reached for goal in saved.goals_reached)
    text = (
        f":dart: {mention(saved.mentee_slack_id)} closed the mentorship with "
        f"{mention(saved.mentor_slack_id)}: {reached} of {len(saved.goals_reached)} goals reached."
    )
    return message(text, [section(f"{text}\n{lines}")])


def build_what_next(saved: EvaluationSaved) -> dict[str, Any]:
    """To whoever evaluated: thanks, and what they could do next."""
    if saved.prompt.role == Role.MENTOR:
        text = (
            ":pray: Thank you for mentoring! Your evaluation went to coordinators, and your "
            "feedback to your mentee. When you're ready, keep your free times up to date so "
            "others can ask you for a session or a mentorship."
        )
        return message("Thank you for mentoring", [section(text)])
    text = ":pray: Thank you! Your evaluation went to the program's coordinators. What next?"
    return message(
        "Thank you! What next?",
        [
            section(text),
            section(
                "• *A new mentorship*: find a mentor and choose *Ask for a mentorship*.\n"
                "• *Another mentor*: `/mentor find` shows who mentors in what you want to learn."
                "\n• *A single session*: pick a free time on a mentor's card and *Book* it."
            ),
            actions(button("Find a mentor", Action.OPEN_FIND, style="primary")),
        ],
    )


def feedback_blocks(feedback: Sequence[MentorFeedback]) -> list[Block]:
    """The mentee's Home fragment: what their mentors said at the close (none: nothing)."""
    if not feedback:
        return []
    blocks: list[Block] = [header("Feedback from your mentors")]
    for item in feedback:
        lines = [f"*From {mention(item.mentor_slack_id)}*"]
        if item.skills:
            lines.append(f"_On the skills you worked on:_ {escape(item.skills)}")
        if item.learning:
            lines.append(f"_On your learning:_ {escape(item.learning)}")
        blocks.append(section("\n".join(lines)))
    blocks.append(context(":lock: Only you and the program's coordinators see this."))
    return blocks
