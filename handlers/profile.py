"""Mentor sign-up and profile: `/mentor signup|profile|pause|resume`, and their buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.profile import (
    COC_AGREE,
    build_approval_request,
    build_profile_message,
    build_profile_modal,
    build_saved_message,
)
from bot.deps import Deps
from bot.ids import Action, BlockId, Callback
from bot.services.errors import DomainError
from bot.services.mentors import (
    InvalidProfile,
    ProfileForm,
    mentor_for,
    profile_form_data,
    save_profile,
    set_status,
)
from bot.services.skills import split_skills
from bot.slack.directory import person_for
from handlers.commands import Invocation, Subcommands
from handlers.forms import (
    choices,
    clicking_user,
    form_values,
    replace_clicked_message,
    string,
    tell,
    text,
    whole_number,
)
from handlers.home import HomePublisher

# Where each of the service's field errors shows in the sign-up modal.
FIELD_BLOCKS = {
    "skills": BlockId.NEW_SKILLS,
    "bio": BlockId.BIO,
    "link": BlockId.LINK,
    "length": BlockId.LENGTH,
    "capacity": BlockId.CAPACITY,
    "coc": BlockId.COC,
}


def register(app: App, deps: Deps, commands: Subcommands, home: HomePublisher) -> None:
    def open_profile_modal(client: WebClient, user_id: str, trigger_id: str) -> None:
        person = person_for(deps, client, user_id)
        with deps.sessions.begin() as session:
            data = profile_form_data(session, slack_id=user_id)
        view = build_profile_modal(
            tz=person.tz, catalogue=data.catalogue, current=data.current, token=data.token
        )
        client.views_open(trigger_id=trigger_id, view=view)

    def signup(call: Invocation) -> None:
        call.ack()
        open_profile_modal(call.client, call.user_id, call.trigger_id)

    def profile(call: Invocation) -> None:
        with deps.sessions.begin() as session:
            mentor = mentor_for(session, call.user_id)
        call.ack(**build_profile_message(mentor))

    def change_status(call: Invocation, status: str) -> None:
        call.ack()
        message = _set_status(call.user_id, status)
        call.respond(**message, response_type="ephemeral")
        home.publish(call.client, call.user_id)

    def _set_status(user_id: str, status: str) -> dict[str, Any]:
        try:
            with deps.sessions.begin() as session:
                mentor = set_status(session, slack_id=user_id, status=status, now=deps.clock.now())
        except DomainError as refused:
            return {"text": str(refused)}
        return build_profile_message(mentor)

    commands.add("signup", signup, "signup", "become a mentor: skills, bio, meeting link")
    commands.add("profile", profile, "profile", "see and edit your mentor profile")
    commands.add(
        "pause", lambda call: change_status(call, "paused"), "pause", "hide from search for a while"
    )
    commands.add(
        "resume", lambda call: change_status(call, "active"), "resume", "show up in search again"
    )

    @app.action(Action.OPEN_SIGNUP)
    def on_open_signup(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        open_profile_modal(client, clicking_user(body), body["trigger_id"])

    def status_button(status: str) -> Callable[..., None]:
        def on_click(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
            ack()
            user_id = clicking_user(body)
            message = _set_status(user_id, status)
            if body.get("response_url"):
                replace_clicked_message(body, client, message)
            elif "blocks" not in message:  # refused from Home: say why in a DM
                tell(body, client, message)
            home.publish(client, user_id)

        return on_click

    app.action(Action.PAUSE)(status_button("paused"))
    app.action(Action.RESUME)(status_button("active"))
    app.action(Action.LEAVE)(status_button("left"))

    @app.view(Callback.PROFILE)
    def on_profile_submitted(
        ack: Ack, body: dict[str, Any], client: WebClient, view: dict[str, Any]
    ) -> None:
        user_id = clicking_user(body)
        values = form_values(view)
        form = ProfileForm(
            skills=[
                *choices(values, BlockId.SKILLS),
                *split_skills(text(values, BlockId.NEW_SKILLS)),
            ],
            bio=text(values, BlockId.BIO),
            meeting_link=text(values, BlockId.LINK),
            session_minutes=whole_number(values, BlockId.LENGTH),
            weekly_capacity=whole_number(values, BlockId.CAPACITY),
            coc_accepted=COC_AGREE in choices(values, BlockId.COC),
        )
        person = person_for(deps, client, user_id)
        try:
            with deps.sessions.begin() as session:
                saved = save_profile(
                    session,
                    person_id=person.id,
                    form=form,
                    approval=deps.settings.mentor_approval,
                    now=deps.clock.now(),
                    opened=string(view.get("private_metadata")) or None,
                )
        except InvalidProfile as invalid:
            ack(
                response_action="errors",
                errors={FIELD_BLOCKS[f]: m for f, m in invalid.errors.items()},
            )
            return
        ack()
        client.chat_postMessage(
            channel=user_id, **build_saved_message(saved.mentor, created=saved.created)
        )
        if saved.awaiting_approval and deps.settings.coordinator_channel:
            client.chat_postMessage(
                channel=deps.settings.coordinator_channel, **build_approval_request(saved.mentor)
            )
        home.publish(client, user_id)
