"""Keep our copy of users' names, time zones and e-mails in step with Slack."""

from __future__ import annotations

from slack_bolt import App, BoltContext

from bot.services.people import refresh_known_person
from bot.slack.directory import display_name, known_time_zone, profile_email
from handlers.context import wiring_of


def on_user_change(event: dict, context: BoltContext) -> None:
    """Slack sends this for everyone in the workspace; only people we know are updated."""
    user = event.get("user") or {}
    if not isinstance(user, dict) or not user.get("id") or user.get("is_bot"):
        return
    deps = wiring_of(context).deps
    with deps.sessions.begin() as session:
        refresh_known_person(
            session,
            slack_id=str(user["id"]),
            real_name=display_name(user),
            tz=known_time_zone(user.get("tz")),
            now=deps.clock.now(),
            email=profile_email(user),
        )


def register(app: App) -> None:
    app.event("user_change")(on_user_change)
