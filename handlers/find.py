"""Finding a mentor: `/mentor find`, the Home search modal, interests and availability nudges."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.find import (
    build_ask_for_skills,
    build_bad_level,
    build_find_modal,
    build_interests_modal,
    build_levels_modal,
    build_more_times,
    build_results,
    gap_block_ids,
)
from bot.deps import Deps
from bot.ids import Action, BlockId, Callback
from bot.services.booking_forms import more_times
from bot.services.errors import DomainError
from bot.services.interests import (
    GAPS_MAX,
    BadLevel,
    Gap,
    draft_interests,
    interests_of,
    read_preferences,
    save_interests,
)
from bot.services.nudges import ask_for_availability
from bot.services.search import NoSkillsGiven, find_mentors
from bot.services.skills import split_skills
from bot.slack.directory import person_for
from handlers.commands import Invocation, Subcommands
from handlers.context import wiring_of
from handlers.forms import (
    choices,
    clicking_user,
    field_errors,
    form_values,
    number,
    string,
    submit_or_errors,
    tell,
    text,
)

# The interests form's service fields -> its block ids.
INTEREST_FIELDS = {"skills": BlockId.QUERY, "language": BlockId.LANGUAGE}


def query_words(text_typed: str) -> list[str]:
    """Skills from what was typed: commas separate multi-word skills, else each word is one."""
    if any(mark in text_typed for mark in ",;\n"):
        return split_skills(text_typed)
    return text_typed.split()


def search(deps: Deps, client: WebClient, user_id: str, words: list[str]) -> dict[str, Any]:
    """The results message for a user's search, or a question when no skills are known."""
    person_for(deps, client, user_id)  # make sure we know the asker (and their time zone)
    try:
        result = deps.read(
            lambda session: find_mentors(
                session, asker_slack_id=user_id, query=words, now=deps.clock.now()
            )
        )
    except NoSkillsGiven:
        return build_ask_for_skills()
    except BadLevel as bad:
        return build_bad_level(bad.typed)
    except DomainError as refused:  # e.g. a "skill" too long to be one
        return {"text": str(refused)}
    return build_results(result)


def find(call: Invocation) -> None:
    deps = wiring_of(call.context).deps
    call.ack()
    call.respond(**search(deps, call.client, call.user_id, call.args), response_type="ephemeral")


def interests(call: Invocation) -> None:
    call.ack()
    open_interests(wiring_of(call.context).deps, call.client, call.user_id, call.trigger_id)


def open_interests(deps: Deps, client: WebClient, user_id: str, trigger_id: str) -> None:
    person = person_for(deps, client, user_id)
    saved = deps.read(lambda session: interests_of(session, person_id=person.id))
    client.views_open(trigger_id=trigger_id, view=build_interests_modal(saved))


def on_open_find(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    deps = wiring_of(context).deps
    person = person_for(deps, client, clicking_user(body))
    saved = deps.read(lambda session: interests_of(session, person_id=person.id))
    client.views_open(trigger_id=body["trigger_id"], view=build_find_modal(", ".join(saved.skills)))


def on_find_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    ack()
    user_id = clicking_user(body)
    words = query_words(text(form_values(view), BlockId.QUERY))
    client.chat_postMessage(
        channel=user_id, **search(wiring_of(context).deps, client, user_id, words)
    )


def on_find_again(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    user_id = clicking_user(body)
    words = split_skills(string(action.get("value")))
    tell(body, client, search(wiring_of(context).deps, client, user_id, words))


def on_more_times(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    mentor_id = number(action.get("value"))
    if mentor_id is None:
        return
    try:
        times = deps.read(
            lambda session: more_times(session, mentor_id=mentor_id, now=deps.clock.now())
        )
    except DomainError as refused:
        tell(body, client, str(refused))
        return
    tell(body, client, build_more_times(times.mentor_name, times.slots, times.mentor_id))


def on_save_interests(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    user_id = clicking_user(body)
    skills = split_skills(string(action.get("value")))
    if not skills:
        open_interests(deps, client, user_id, body["trigger_id"])
        return
    person = person_for(deps, client, user_id)
    try:
        with deps.sessions.begin() as session:
            saved = save_interests(session, person_id=person.id, skills=skills)
    except DomainError as refused:
        tell(body, client, str(refused))
        return
    tell(body, client, f":bookmark: Saved your interests: {', '.join(saved.skills)}.")


def on_interests_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    """The first step: skills, goals and preferences checked; then a level for each skill
    (the same modal, updated), or, with no skills, saved at once."""
    wiring = wiring_of(context)
    deps = wiring.deps
    values = form_values(view)
    user_id = clicking_user(body)
    person = person_for(deps, client, user_id)
    goals = text(values, BlockId.GOALS).strip()
    wanted_help = text(values, BlockId.WANTED_HELP)
    try:
        with deps.sessions.begin() as session:
            draft = draft_interests(
                session,
                person_id=person.id,
                skills=split_skills(text(values, BlockId.QUERY)),
                goals=goals,
                wanted_help=wanted_help,
                language=text(values, BlockId.LANGUAGE),
                overlap_hours=bool(choices(values, BlockId.OVERLAP)),
            )
    except DomainError as refused:
        errors = field_errors(refused, view, INTEREST_FIELDS, BlockId.GOALS)
        ack(response_action="errors", errors=errors)
        return
    if draft.saved:
        ack()
        wiring.home.publish(client, user_id)
        return
    levels = build_levels_modal(draft.gaps, goals, draft.preferences, wanted_help)
    ack(response_action="update", view=levels)


def on_levels_submitted(
    ack: Ack, body: dict[str, Any], client: WebClient, view: dict, context: BoltContext
) -> None:
    """The second step: each skill's levels, saved with the first step's answers."""
    wiring = wiring_of(context)
    deps = wiring.deps
    values = form_values(view)
    user_id = clicking_user(body)
    first = _first_step(view)
    if first is None:  # not a view we built: nothing to save
        ack()
        tell(body, client, "That form is out of date: open your interests again.")
        return
    skills, goals, wanted_help, language, overlap = first
    gaps = [
        Gap(skill, *(number(text(values, block)) for block in gap_block_ids(index)))
        for index, skill in enumerate(skills)
    ]
    person = person_for(deps, client, user_id)
    saved = submit_or_errors(
        deps,
        ack,
        view,
        lambda session: save_interests(
            session,
            person_id=person.id,
            skills=gaps,
            goals=goals,
            preferences=read_preferences(wanted_help, language, overlap),
        ),
        default=gap_block_ids(0)[1],
    )
    if saved is None:
        return
    wiring.home.publish(client, user_id)


def _first_step(view: dict[str, Any]) -> tuple[list[str], str, str, str, bool] | None:
    """The first step's answers carried in the levels modal; None when they do not read."""
    try:
        data = json.loads(string(view.get("private_metadata")))
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    skills = data.get("skills")
    if not (isinstance(skills, list) and 0 < len(skills) <= GAPS_MAX):
        return None
    if not all(isinstance(skill, str) for skill in skills):
        return None
    return (
        skills,
        string(data.get("goals")),
        string(data.get("help")),
        string(data.get("language")),
        data.get("overlap") is True,
    )


def on_ask(
    ack: Ack, body: dict[str, Any], client: WebClient, action: dict, context: BoltContext
) -> None:
    ack()
    deps = wiring_of(context).deps
    mentor_id = number(action.get("value"))
    user_id = clicking_user(body)
    if mentor_id is None:
        return
    person = person_for(deps, client, user_id)
    try:
        with deps.sessions.begin() as session:
            asked = ask_for_availability(
                session, asker_id=person.id, mentor_id=mentor_id, now=deps.clock.now()
            )
    except DomainError as refused:
        tell(body, client, str(refused))
        return
    if asked:
        tell(body, client, ":mailbox_with_mail: I've asked them to add some times.")
    else:
        tell(body, client, "You already asked them this week; I'll not nag them twice.")


def register(app: App, commands: Subcommands) -> None:
    commands.add(
        "find",
        find,
        "find python:4 leadership",
        "find a mentor for the skills you name (`:4` or `>=4`: at level 4 or above); "
        "alone, for your saved gaps",
    )
    commands.add("interests", interests, "interests", "save your skill gaps, goals and preferences")
    app.action(Action.OPEN_FIND)(on_open_find)
    app.view(Callback.FIND)(on_find_submitted)
    app.action(Action.FIND_AGAIN)(on_find_again)
    app.action(Action.MORE_TIMES)(on_more_times)
    app.action(Action.SAVE_INTERESTS)(on_save_interests)
    app.view(Callback.INTERESTS)(on_interests_submitted)
    app.view(Callback.INTERESTS_LEVELS)(on_levels_submitted)
    app.action(Action.ASK_AVAILABILITY)(on_ask)
