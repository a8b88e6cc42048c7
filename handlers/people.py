"""Keep our copy of users' names and time zones in step with Slack."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from bot.directory import remember


def register(app: App, deps: Deps) -> None:
    @app.event("user_change")
    def on_user_change(event: dict) -> None:
        user = event.get("user") or {}
        if user.get("id") and not user.get("is_bot"):
            remember(deps, user)
