"""What a listener needs besides Slack's own arguments, handed to it in Bolt's context.

Listeners are plain module-level functions (docs/architecture.md, "Listeners"); Bolt injects
`context` by name, and `wiring_of(context)` gives the app's dependencies, the Home publisher
and the subcommand registry. A middleware sets it on every request; it opens no database
session (in sync Bolt a middleware returns before the listener runs on its worker thread).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_bolt import App, BoltContext

from bot.deps import Deps

if TYPE_CHECKING:  # both modules' listeners read the wiring, so they import this one
    from handlers.commands import Subcommands
    from handlers.home import HomePublisher

KEY = "mentor_bot_wiring"


@dataclass(frozen=True)
class Wiring:
    deps: Deps
    home: HomePublisher
    subcommands: Subcommands


def provide(app: App, wiring: Wiring) -> None:
    """Put `wiring` in the context of every request the app handles."""

    @app.middleware
    def put_wiring(context: BoltContext, next: Callable[[], None]) -> None:
        context[KEY] = wiring
        next()


def wiring_of(context: BoltContext) -> Wiring:
    wiring = context.get(KEY)
    assert isinstance(wiring, Wiring), "handlers.context.provide() was not called"
    return wiring
