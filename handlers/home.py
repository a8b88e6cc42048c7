"""The App Home tab, published when a user opens it and after every change that concerns them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.blocks.home import build_home
from bot.deps import Deps
from bot.services.home import home_data
from bot.slack.directory import person_for
from handlers.commands import Subcommands
from handlers.context import wiring_of


@dataclass(frozen=True)
class HomePublisher:
    """Rebuilds one user's Home; features call `publish` after each change they make."""

    deps: Deps
    commands: Subcommands

    def publish(self, client: WebClient, user_id: str) -> None:
        self.publish_all(client, (user_id,))

    def publish_all(self, client: WebClient, user_ids: Iterable[str]) -> None:
        """Each person's Home (both sides of a change), all read in one transaction, then
        published in the order given."""
        people = list(dict.fromkeys(user_ids))
        now, rule = self.deps.clock.now(), self.deps.mentor_rule
        found = self.deps.read(
            lambda session: [
                home_data(session, slack_id=user_id, now=now, rule=rule) for user_id in people
            ]
        )
        for user_id, data in zip(people, found, strict=True):
            # Someone new is asked about once; everyone else's name and zone came with the read.
            person = data.person or person_for(self.deps, client, user_id)
            view = build_home(
                name=person.real_name,
                tz=person.tz,
                commands=self.commands.help(),
                mentor=data.mentor,
                free_slots=data.free_slots,
                sessions=data.sessions,
                action_items=data.next_action_items,
                viewer=user_id,
                mentorships=data.mentorships,
                feedback=data.feedback,
                live_mentorships=data.live_mentorships,
                mentor_rule=data.mentor_rule,
            )
            client.views_publish(user_id=user_id, view=view)


def on_home_opened(event: dict, client: WebClient, context: BoltContext) -> None:
    user = event.get("user")
    if event.get("tab", "home") == "home" and isinstance(user, str) and user:
        wiring_of(context).home.publish(client, user)


def register(app: App) -> None:
    app.event("app_home_opened")(on_home_opened)
