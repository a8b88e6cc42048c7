"""The answer to `/mentor help`, an empty `/mentor` and an unknown subcommand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.blocks.kit import context, escape, header, message, section
from bot.ids import COMMAND


@dataclass(frozen=True)
class CommandHelp:
    usage: str  # e.g. "find python leadership"
    summary: str


def build_help(commands: Sequence[CommandHelp], *, hint: str | None = None) -> dict[str, Any]:
    """What the bot can do, generated from the subcommands that are actually registered."""
    lines = "\n".join(f"`{COMMAND} {c.usage}`  {c.summary}" for c in commands)
    blocks = []
    if hint:
        blocks.append(section(f":thinking_face: {hint}"))
    blocks += [
        header("Mentor Bot"),
        section(
            "I run our mentorship program inside Slack: find a mentor who knows what you want "
            "to learn, book a session, and get reminded so nobody forgets."
        ),
        section(f"*What you can type*\n{lines}"),
        context(
            f"Aim for a level: `{COMMAND} find python:4` (or `python>=4`) finds mentors at 4 or "
            "above (levels 1 Follow to 7 Set strategy; one level below counts half)."
        ),
        context("Open *Mentor Bot* in the sidebar and pick the *Home* tab for your dashboard."),
    ]
    return message(hint or "Mentor Bot: what you can do", blocks)


def unknown_command_hint(typed: str, suggestion: str | None) -> str:
    shown = escape(typed[:40])
    if suggestion:
        return f"I don't know `{shown}`. Did you mean `{COMMAND} {suggestion}`?"
    return f"I don't know `{shown}`. Here is what I can do:"
