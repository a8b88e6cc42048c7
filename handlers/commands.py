"""`/mentor` routing: one slash command, many subcommands, each registered by its feature."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.help import CommandHelp, build_help, unknown_command_hint
from bot.ids import COMMAND
from handlers.context import wiring_of


@dataclass(frozen=True)
class Invocation:
    """A parsed `/mentor` call: who, where, and the words after the subcommand; `context` is
    Bolt's, so a module-level subcommand gets its wiring with `wiring_of(call.context)`."""

    ack: Ack
    respond: Respond
    client: WebClient
    user_id: str
    channel_id: str
    trigger_id: str
    args: list[str]
    text: str
    context: BoltContext


Subcommand = Callable[[Invocation], None]


@dataclass
class Subcommands:
    """The registry of subcommands; help is generated from it, so it never lists a missing one."""

    _routes: dict[str, tuple[Subcommand, CommandHelp]] = field(default_factory=dict)

    def add(self, name: str, handler: Subcommand, usage: str, summary: str) -> None:
        self._routes[name] = (handler, CommandHelp(usage, summary))

    def get(self, name: str) -> Subcommand | None:
        route = self._routes.get(name)
        return route[0] if route else None

    def closest(self, name: str) -> str | None:
        matches = difflib.get_close_matches(name, self._routes, n=1, cutoff=0.6)
        return matches[0] if matches else None

    def help(self) -> list[CommandHelp]:
        return [help_ for _, help_ in self._routes.values()]


def route_mentor(
    ack: Ack, respond: Respond, client: WebClient, command: dict, context: BoltContext
) -> None:
    """Hand `/mentor <name> ...` to the subcommand registered under `name`, else show help."""
    commands = wiring_of(context).subcommands
    text = (command.get("text") or "").strip()
    words = text.split()
    name = words[0].lower() if words else "help"
    handler = commands.get(name)
    if handler is None:
        hint = unknown_command_hint(words[0], commands.closest(name))
        ack(**build_help(commands.help(), hint=hint))
        return
    handler(
        Invocation(
            ack=ack,
            respond=respond,
            client=client,
            user_id=command["user_id"],
            channel_id=command.get("channel_id", ""),
            trigger_id=command.get("trigger_id", ""),
            args=words[1:],
            text=text,
            context=context,
        )
    )
    if ack.response is None:  # the subcommand answered later through respond()
        ack()


def show_help(call: Invocation) -> None:
    call.ack(**build_help(wiring_of(call.context).subcommands.help()))


def register(app: App, commands: Subcommands) -> None:
    app.command(COMMAND)(route_mentor)
    commands.add("help", show_help, "help", "show this list")
