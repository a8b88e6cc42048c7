"""The pulse: the DM question, and the modal that takes the answer (coordinators only).

Pure: service results in, Block Kit out (architecture.md, "The rules", 4).
"""

from __future__ import annotations

from typing import Any

from bot.blocks.course import course_buttons
from bot.blocks.followup import STARS
from bot.blocks.inputs import modal, select, text_input
from bot.blocks.kit import button, context, escape, message, section
from bot.ids import Action, Callback
from bot.ids import BlockId as B
from bot.services.mentorship_forms import TEXT_MAX
from bot.services.pulses import COMMENT_RULE, PulsePrompt
from store.statuses import Role

QUESTION = "How is your mentorship going?"
CONFIDENTIAL = ":lock: Your answer goes to the program's coordinators only. {others} won't see it."


def _others(prompt: PulsePrompt) -> str:
    return " and ".join(escape(name) for name in prompt.other_names)


def build_pulse_prompt(prompt: PulsePrompt) -> dict[str, Any]:
    """The DM: one question, one button, and the ways to change course."""
    return message(
        QUESTION,
        [
            section(
                f":wave: *{QUESTION}* (your mentorship with {_others(prompt)})\n"
                "One question, a few seconds: it helps coordinators support you both.",
                accessory=button("Answer", Action.OPEN_PULSE, prompt.value, style="primary"),
            ),
            context("Want to change course? You can extend it, end it, or talk to coordinators."),
            course_buttons(prompt.mentorship_id, for_mentee=prompt.role == Role.MENTEE),
        ],
    )


def build_pulse_modal(prompt: PulsePrompt) -> dict[str, Any]:
    return modal(
        Callback.PULSE,
        "Mentorship pulse",
        [
            context(CONFIDENTIAL.format(others=_others(prompt))),
            select(B.PULSE_STARS, QUESTION, STARS),
            text_input(
                B.PULSE_COMMENT,
                "What's going well, and what isn't?",
                multiline=True,
                max_length=TEXT_MAX,
                optional=True,
                hint=f"{COMMENT_RULE.capitalize()}; optional otherwise.",
            ),
        ],
        submit="Send",
        private_metadata=prompt.value,
    )


def build_pulse_thanks() -> dict[str, Any]:
    text = ":pray: Thank you! Your answer went to the program's coordinators only."
    return message(text, [section(text)])
