"""Keep our copy of users' names and time zones in step with Slack."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from bot.services.people import refresh_known_person
from bot.slack.directory import display_name, known_time_zone


def register(app: App, deps: Deps) -> None:
    @app.event("user_change")
    def on_user_change(event: dict) -> None:
        """Slack sends this for everyone in the workspace; only people we know are updated."""
        user = event.get("user") or {}
        if not isinstance(user, dict) or not user.get("id") or user.get("is_bot"):
            return
        with deps.sessions.begin() as session:
            refresh_known_person(
                session,
                slack_id=str(user["id"]),
                real_name=display_name(user),
                tz=known_time_zone(user.get("tz")),
                now=deps.clock.now(),
            )
