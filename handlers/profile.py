"""Mentor sign-up and profile: `/mentor signup|profile|pause|resume`, and their buttons."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
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
    ProfileForm,
    mentor_for,
    profile_form_data,
    save_profile,
    set_status,
)
from bot.services.skills import split_skills
from bot.slack.directory import person_for
from handlers.commands import Invocation, Subcommands
from handlers.context import Wiring, wiring_of
from handlers.forms import (
    choices,
    clicking_user,
    form_values,
    replace_clicked_message,
    string,
    submit_or_errors,
    tell,
    text,
    whole_number,
)
from store.statuses import MeetingKind, MentorStatus

# Where each of the service's field errors shows in the sign-up modal.
FIELD_BLOCKS = {
    "skills": BlockId.NEW_SKILLS,
    "bio": BlockId.BIO,
    "link": BlockId.LINK,
    "kind": BlockId.MEETING_KIND,
    "length": BlockId.LENGTH,
    "capacity": BlockId.CAPACITY,
    "mentee_limit": BlockId.MENTEE_LIMIT,
    "coc": BlockId.COC,
    "help_kinds": BlockId.MENTOR_HELP,
    "languages": BlockId.MENTOR_LANGUAGES,
}


def open_profile_modal(deps: Deps, client: WebClient, user_id: str, trigger_id: str) -> None:
    person = person_for(deps, client, user_id)
    with deps.sessions.begin() as session:
        data = profile_form_data(session, slack_id=user_id)
    view = build_profile_modal(
        tz=person.tz, catalogue=data.catalogue, current=data.current, token=data.token
    )
    client.views_open(trigger_id=trigger_id, view=view)


def signup(call: Invocation) -> None:
    call.ack()
    open_profile_modal(wiring_of(call.context).deps, call.client, call.user_id, call.trigger_id)


def profile(call: Invocation) -> None:
    with wiring_of(call.context).deps.sessions.begin() as session:
        mentor = mentor_for(session, call.user_id)
    call.ack(**build_profile_message(mentor))


def change_status(call: Invocation, status: MentorStatus) -> None:
    wiring = wiring_of(call.context)
    call.ack()
    message = _set_status(wiring.deps, call.user_id, status)
    call.respond(**message, response_type="ephemeral")
    wiring.home.publish(call.client, call.user_id)


def pause(call: Invocation) -> None:
    change_status(call, MentorStatus.PAUSED)


def resume(call: Invocation) -> None:
    change_status(call, MentorStatus.ACTIVE)


def _set_status(deps: Deps, user_id: str, status: MentorStatus) -> dict[str, Any]:
    try:
        with deps.sessions.begin() as session:
            mentor = set_status(session, slack_id=user_id, status=status, now=deps.clock.now())
    except DomainError as refused:
        return {"text": str(refused)}
    return build_profile_message(mentor)


def on_open_signup(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    open_profile_modal(wiring_of(context).deps, client, clicking_user(body), body["trigger_id"])


def status_clicked(
    wiring: Wiring, ack: Ack, body: dict[str, Any], client: WebClient, status: MentorStatus
) -> None:
    """A Pause/Resume/Leave button: redraw the message it was on, or DM a refusal from Home."""
    ack()
    user_id = clicking_user(body)
    message = _set_status(wiring.deps, user_id, status)
    if body.get("response_url"):
        replace_clicked_message(body, client, message)
    elif "blocks" not in message:  # refused from Home: say why in a DM
        tell(body, client, message)
    wiring.home.publish(client, user_id)


def on_pause(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    status_clicked(wiring_of(context), ack, body, client, MentorStatus.PAUSED)


def on_resume(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    status_clicked(wiring_of(context), ack, body, client, MentorStatus.ACTIVE)


def on_leave(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    status_clicked(wiring_of(context), ack, body, client, MentorStatus.LEFT)


def on_profile_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict[str, Any], context: BoltContext
) -> None:
    wiring = wiring_of(context)
    deps = wiring.deps
    user_id = clicking_user(body)
    values = form_values(view)
    form = ProfileForm(
        skills=split_skills(text(values, BlockId.NEW_SKILLS)),
        bio=text(values, BlockId.BIO),
        meeting_link=text(values, BlockId.LINK),
        meeting_kind=text(values, BlockId.MEETING_KIND) or MeetingKind.VIDEO,
        meeting_place=text(values, BlockId.PLACE),
        session_minutes=whole_number(values, BlockId.LENGTH),
        weekly_capacity=whole_number(values, BlockId.CAPACITY),
        mentee_limit=whole_number(values, BlockId.MENTEE_LIMIT),
        coc_accepted=COC_AGREE in choices(values, BlockId.COC),
        help_kinds=tuple(choices(values, BlockId.MENTOR_HELP)),
        languages=tuple(choices(values, BlockId.MENTOR_LANGUAGES)),
    )
    person = person_for(deps, client, user_id)
    saved = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: save_profile(
            session,
            person_id=person.id,
            form=form,
            approval=deps.settings.mentor_approval,
            now=deps.clock.now(),
            opened=string(view.get("private_metadata")) or None,
            rule=deps.mentor_rule,
        ),
        default=BlockId.BIO,
        fields=FIELD_BLOCKS,
    )
    if saved is None:
        return
    client.chat_postMessage(
        channel=user_id, **build_saved_message(saved.mentor, created=saved.created)
    )
    if saved.awaiting_approval and deps.settings.coordinator_channel:
        client.chat_postMessage(
            channel=deps.settings.coordinator_channel, **build_approval_request(saved.mentor)
        )
    wiring.home.publish(client, user_id)


def register(app: App, commands: Subcommands) -> None:
    commands.add("signup", signup, "signup", "become a mentor: skills, bio, meeting link")
    commands.add("profile", profile, "profile", "see and edit your mentor profile")
    commands.add("pause", pause, "pause", "hide from search for a while")
    commands.add("resume", resume, "resume", "show up in search again")
    app.action(Action.OPEN_SIGNUP)(on_open_signup)
    app.action(Action.CONFIRM_LEVELS)(on_open_signup)
    app.action(Action.PAUSE)(on_pause)
    app.action(Action.RESUME)(on_resume)
    app.action(Action.LEAVE)(on_leave)
    app.view(Callback.PROFILE)(on_profile_submitted)
