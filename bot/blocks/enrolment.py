"""The cohorts open for enrolment, with Join and Leave buttons. Pure."""

from __future__ import annotations

from typing import Any

from bot.blocks.kit import Block, actions, button, context, escape, message, section
from bot.ids import COMMAND, Action
from bot.services.enrolment import Enrollable
from store.statuses import Role


def _line(programme: Enrollable) -> str:
    dates = (
        f"{programme.starts_on:%d %b %Y} to {programme.ends_on:%d %b %Y}"
        if programme.starts_on and programme.ends_on
        else ""
    )
    line = f"*{escape(programme.name)}* {dates}"
    if programme.description:
        line += f"\n{escape(programme.description)}"
    if programme.enrolled_as:
        sides = " and ".join(sorted(str(role) for role in programme.enrolled_as))
        line += f"\n:white_check_mark: You are enrolled as {sides}."
    return line


def _buttons(programme: Enrollable) -> Block:
    value = str(programme.id)
    elements = []
    if Role.MENTOR not in programme.enrolled_as:
        elements.append(button("Join as mentor", Action.JOIN_AS_MENTOR, value))
    if Role.MENTEE not in programme.enrolled_as:
        elements.append(button("Join as mentee", Action.JOIN_AS_MENTEE, value))
    if programme.enrolled_as:
        elements.append(button("Leave", Action.LEAVE_PROGRAMME, value))
    return actions(*elements, block_id=f"programme:{programme.id}")


def build_enrolment_list(programmes: list[Enrollable]) -> dict[str, Any]:
    """`/mentor join`: each open cohort with its buttons, or a line saying there is none."""
    if not programmes:
        return message(
            "No programme is open for enrolment",
            [section("No programme is open for enrolment right now.")],
        )
    blocks: list[Block] = [section("*Programmes open for enrolment*")]
    for programme in programmes:
        blocks += [section(_line(programme)), _buttons(programme)]
    blocks.append(
        context(f"You can leave while enrolment is open. `{COMMAND} join` shows this again.")
    )
    return message("Programmes open for enrolment", blocks)
