"""Hypothesis strategies for what Slack, or someone who got hold of a payload, could send the bot.

Envelopes keep Slack's shape (Slack builds them), while everything the app or a person chose can
be anything: button values, selected options, typed text, private_metadata, slash command text.
Ids come from a `World`, the seeded sandbox's real bookings, slots, mentors and views, so payloads
point at other people's objects as often as at nonsense. Action and callback ids are read from
the enums in bot/ids.py, so new ones are fuzzed as soon as they exist.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from bot.ids import Action, BlockId, Callback

TRIGGER = "<fresh trigger_id>"  # replaced by a real, single-use trigger when sent
RESPONSE_URL = "<fresh response_url>"  # replaced by a real response_url when sent
TEAM = {"id": "T0SIM", "domain": "sim"}
HUGE = 10_000


@dataclass(frozen=True)
class World:
    """Real ids in the seeded sandbox, for payloads that point at existing things."""

    users: tuple[str, ...]
    booking_ids: tuple[int, ...]
    slot_ids: tuple[int, ...]
    mentor_cards: tuple[str, ...]  # "mentor_id:version", as approval buttons carry
    days: tuple[str, ...]
    view_ids: tuple[str, ...]
    subcommands: tuple[str, ...]
    filters: tuple[str, ...]  # the coordinators' roster filters

    @property
    def ids(self) -> tuple[int, ...]:
        mentor_ids = tuple(int(card.split(":")[0]) for card in self.mentor_cards)
        return self.booking_ids + self.slot_ids + mentor_ids


def huge(alphabet: str = "x9é") -> st.SearchStrategy[str]:
    """A 10k-character string (or thereabouts) of one repeated character."""
    return st.builds(lambda char, extra: char * (HUGE + extra), st.sampled_from(alphabet),
                     st.integers(0, 100))  # fmt: skip


def long_text() -> st.SearchStrategy[str]:
    """Text longer than the app's field limits (40-character skills, 200-character topics)."""
    return st.builds(lambda chunk, n: (chunk * n)[:n], st.text(min_size=1, max_size=4),
                     st.integers(35, 600))  # fmt: skip


ODD_NUMBERS = st.sampled_from(
    ["", " ", "0", "-1", " 7", "7 ", "0x1f", "1e3", "1.5", "²", "١٢", "٣", "9" * 20, "9" * 5000]
)
WRONG_TYPES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def id_text(world: World) -> st.SearchStrategy[str]:
    """Strings in the places the app puts ids: real ones, other people's, odd numbers, junk."""
    return st.one_of(
        st.sampled_from(world.ids).map(str),
        st.integers(-(10**30), 10**30).map(str),
        ODD_NUMBERS,
        st.text(max_size=30),
        long_text(),
        huge(),
    )


def button_values(world: World) -> st.SearchStrategy[str]:
    """Values the app's own buttons carry, naming real (often other people's) objects."""
    real = st.sampled_from(world.ids).map(str)
    return st.one_of(
        real,
        st.sampled_from(world.mentor_cards),
        st.builds(lambda card, f, offset: f"{card}:{f}:{offset}", st.sampled_from(
            world.mentor_cards), st.sampled_from(world.filters), st.sampled_from([0, 10, 99])),
        st.builds(lambda i, j, f, k: f"{i}:{j}:{f}:{k}", ODD_NUMBERS, real, st.sampled_from(
            world.filters), ODD_NUMBERS),
        st.builds(lambda f, offset: f"{f}:{offset}", st.sampled_from(world.filters),
                  st.sampled_from(["0", "10", "-1", "9" * 30])),
        st.builds(lambda i, answer: f"{i}:{answer}", real,
                  st.sampled_from(["no_show", "rescheduled", "other", "junk"])),
        st.sampled_from(world.days),
    )  # fmt: skip


def app_strings(world: World) -> st.SearchStrategy[str]:
    """Any string the app could have put in a button or a modal's private_metadata."""
    return st.one_of(
        button_values(world),
        id_text(world),
        st.builds(lambda i, j: f"{i}:{j}", id_text(world), id_text(world)),
        st.sampled_from(world.view_ids),
        st.lists(st.sampled_from(["python", "Leadership", "k8s", "🐍", ""]), max_size=4).map(
            ", ".join
        ),
    )


def leaf(world: World) -> st.SearchStrategy[Any]:
    """A value where Slack would send a string: a string, or of the wrong type."""
    return st.one_of(app_strings(world), WRONG_TYPES)


def slash_texts(world: World) -> st.SearchStrategy[str]:
    """What someone types after /mentor: subcommands mixed with words, unicode, control chars."""
    word = st.one_of(
        st.sampled_from(world.subcommands),
        st.sampled_from(["stats", "digest", "export", "mentors", "delete", "7d", "90d", "yes"]),
        st.text(max_size=15),
        st.text(st.characters(codec="ascii"), max_size=8),
        long_text(),
        st.sampled_from(world.days),
        id_text(world),
    )
    typed = st.lists(word, max_size=6).map(" ".join)
    return st.one_of(st.just(""), typed, huge(), st.text(max_size=200))


def _user(slack_id: str) -> dict[str, str]:
    return {"id": slack_id, "username": slack_id.lower(), "name": slack_id.lower(),
            "team_id": TEAM["id"]}  # fmt: skip


def action_ids() -> st.SearchStrategy[str]:
    """Every action id the app registers, per-answer variants, and ids it has never heard of."""
    return st.one_of(
        st.sampled_from([a.value for a in Action]),
        st.sampled_from(["no_show", "rescheduled", "other", "", "x" * 300]).map(
            lambda answer: f"{Action.WHAT_HAPPENED}:{answer}"
        ),
        st.text(max_size=20),
    )


def _option(world: World) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.fixed_dictionaries({"value": leaf(world)}),
        st.fixed_dictionaries({"text": st.just({"type": "plain_text", "text": "?"})}),
    )


def _action(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "action_id": action_ids(),
            "block_id": st.text(max_size=10),
            "type": st.sampled_from(["button", "static_select", "overflow", "datepicker"]),
            "action_ts": st.just("1700000000.000100"),
        },
        optional={
            "value": leaf(world),
            "selected_option": _option(world),
            "selected_date": leaf(world),
        },
    )


def real_values(world: World, action_id: str) -> st.SearchStrategy[str]:
    """Real values of the kind an action's name suggests (any real value for other names)."""
    kinds = {
        ("booking", "checkin", "review"): st.sampled_from(world.booking_ids).map(str),
        ("slot",): st.sampled_from(world.slot_ids).map(str),
        ("mentor_approve", "mentor_reject"): st.sampled_from(world.mentor_cards),
        ("roster",): st.builds(lambda card, f: f"{card}:{f}:0", st.sampled_from(world.mentor_cards),
                               st.sampled_from(world.filters)),
        ("find_",): st.sampled_from(world.mentor_cards).map(lambda card: card.split(":")[0]),
        ("clear_day",): st.sampled_from(world.days),
    }  # fmt: skip
    for names, values in kinds.items():
        if any(name in action_id for name in names):
            if action_id.startswith(Action.WHAT_HAPPENED):
                return values.map(lambda i: f"{i}:{action_id.partition(':')[2] or 'other'}")
            return values
    return button_values(world)


def targeted_action(world: World) -> st.SearchStrategy[dict[str, Any]]:
    """A well-formed click on a real button naming a real object: an authorisation test."""
    action_id = st.one_of(
        st.sampled_from([a.value for a in Action]),
        st.sampled_from(["no_show", "rescheduled", "other"]).map(
            lambda answer: f"{Action.WHAT_HAPPENED}:{answer}"
        ),
    )
    return action_id.flatmap(
        lambda name: real_values(world, name).map(
            lambda value: {"type": "button", "action_id": name, "block_id": "b", "value": value,
                           "selected_option": {"value": value},
                           "action_ts": "1700000000.000100"}
        )
    )  # fmt: skip


@st.composite
def block_actions(draw: st.DrawFn, world: World) -> dict[str, Any]:
    """A click on any action id, by anyone, from a message, a modal, Home or nowhere."""
    user = draw(st.sampled_from(world.users))
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user),
        "api_app_id": "A0SIM",
        "token": "sim-verification-token",
        "team": TEAM,
        "trigger_id": TRIGGER,
        "actions": [draw(st.one_of(targeted_action(world), _action(world)))],
    }
    where = draw(st.sampled_from(["message", "ephemeral", "view", "nowhere"]))
    if where in ("message", "ephemeral"):
        channel = draw(st.sampled_from([f"D{user[1:]}", "C0COORD", "C0JUNK"]))
        container = {"type": "message", "channel_id": channel, "message_ts": "1700000000.000100",
                     "is_ephemeral": where == "ephemeral"}  # fmt: skip
        payload.update(container=container, channel={"id": channel, "name": "x"})
        payload["response_url"] = RESPONSE_URL
        if where == "message" and draw(st.booleans()):
            payload["message"] = {"type": "message", "ts": "1700000000.000100", "text": "",
                                  "blocks": []}  # fmt: skip
    elif where == "view":
        view = draw(_view(world, draw(st.sampled_from([c.value for c in Callback]))))
        payload.update(container={"type": "view", "view_id": view["id"]}, view=view)
    return payload


def _element(world: World) -> st.SearchStrategy[dict[str, Any]]:
    """One input's state as Slack reports it, with a value of any kind."""
    option_list = st.lists(st.fixed_dictionaries({"value": leaf(world)}), max_size=4)
    return st.one_of(
        st.fixed_dictionaries({"type": st.just("plain_text_input")}, optional={
            "value": st.one_of(leaf(world), st.text(), huge())}),
        st.fixed_dictionaries({"type": st.sampled_from(["static_select", "radio_buttons"])},
                              optional={"selected_option": _option(world)}),
        st.fixed_dictionaries({"type": st.sampled_from(["checkboxes", "multi_static_select"])},
                              optional={"selected_options": option_list}),
        st.fixed_dictionaries({"type": st.just("datepicker")}, optional={
            "selected_date": st.one_of(st.dates().map(str), leaf(world))}),
        st.fixed_dictionaries({"type": st.just("timepicker")}, optional={
            "selected_time": st.one_of(st.times().map(lambda t: t.strftime("%H:%M")),
                                       leaf(world))}),
    )  # fmt: skip


def _typed(values: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    return values.map(lambda value: {"type": "plain_text_input", "value": value})


def _picked(values: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    return values.map(lambda v: {"type": "static_select", "selected_option": {"value": v}})


def _ticked(values: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.lists(values, max_size=7, unique=True).map(
        lambda chosen: {"type": "checkboxes", "selected_options": [{"value": v} for v in chosen]}
    )


def plausible_state(world: World) -> st.SearchStrategy[dict[str, Any]]:
    """Inputs filled as a person might, so validation often passes and the change is tried."""
    prose = st.one_of(
        st.sampled_from(["I want to learn to run one-to-ones with my new team.",
                         "Not the right time for me, sorry.", "https://meet.example.com/x",
                         "python, rust", "ok", ""]),
        long_text(),
    )  # fmt: skip
    small = st.integers(0, 60).map(str)
    fields: dict[str, st.SearchStrategy[dict[str, Any]]] = {
        BlockId.SKILLS: _ticked(st.sampled_from(["1", "2", "3", "99"])),
        BlockId.NEW_SKILLS: _typed(st.one_of(prose, st.sampled_from(
            ["python 5, rust 3", "Python 9", "go 0, k8s: 4", "Kubernets! 4", "sql (2)"]))),
        BlockId.MENTOR_HELP: _ticked(st.sampled_from(["career", "technical", "nope"])),
        BlockId.MENTOR_LANGUAGES: _ticked(st.sampled_from(["en", "de", "xx"])),
        BlockId.BIO: _typed(prose),
        BlockId.LINK: _typed(prose),
        BlockId.LENGTH: _picked(st.sampled_from(["30", "45", "60", "7"])),
        BlockId.CAPACITY: _typed(small),
        BlockId.COC: _ticked(st.sampled_from(["agree", "no"])),
        BlockId.REASON: _typed(prose),
        BlockId.DATE: st.sampled_from(world.days).map(
            lambda day: {"type": "datepicker", "selected_date": day}),
        BlockId.START: st.sampled_from(["09:00", "10:00", "23:30"]).map(
            lambda t: {"type": "timepicker", "selected_time": t}),
        BlockId.END: st.sampled_from(["10:00", "12:00", "09:00"]).map(
            lambda t: {"type": "timepicker", "selected_time": t}),
        BlockId.DAYS: _ticked(st.sampled_from("0123456")),
        BlockId.WEEKS: _typed(small),
        BlockId.QUERY: _typed(prose),
        BlockId.GOALS: _typed(prose),
        BlockId.SLOT: _picked(st.sampled_from(world.slot_ids).map(str)),
        BlockId.MESSAGE: _typed(prose),
        BlockId.TOPIC: _typed(prose),
        BlockId.CONNECTION_STARS: _picked(st.sampled_from("123456")),
        BlockId.CONNECTION_COMMENT: _typed(prose),
        BlockId.PROGRAM_STARS: _picked(st.sampled_from("123456")),
        BlockId.PROGRAM_COMMENT: _typed(prose),
        BlockId.FEEDBACK: _typed(prose),
        BlockId.ACTION_ITEMS: _typed(prose),
    }  # fmt: skip
    return st.fixed_dictionaries(
        {
            block.value: field.map(lambda e: {Action.INPUT.value: e})
            for block, field in fields.items()
        }
    )


def _state(world: World) -> st.SearchStrategy[dict[str, Any]]:
    block_ids = st.one_of(st.sampled_from([b.value for b in BlockId]), st.text(max_size=8))
    elements = st.dictionaries(st.just(Action.INPUT.value) | st.text(max_size=4), _element(world),
                               min_size=1, max_size=2)  # fmt: skip
    return st.dictionaries(block_ids, elements, max_size=8)


def real_metadata(world: World) -> st.SearchStrategy[str]:
    """private_metadata as the app writes it, naming real (often other people's) objects."""
    card = st.builds(
        lambda mentor, f, channel: json.dumps(
            {"mentor_id": int(mentor.split(":")[0]), "version": int(mentor.split(":")[1]),
             "channel": channel, "ts": "1700000000.000100", "filter": f, "offset": 0,
             "response_url": ""}
        ),
        st.sampled_from(world.mentor_cards), st.sampled_from(world.filters),
        st.sampled_from(["C0COORD", "D0ADA"]),
    )  # fmt: skip
    return st.one_of(
        st.sampled_from(world.booking_ids).map(str), st.sampled_from(world.view_ids), card
    )


def private_metadata(world: World) -> st.SearchStrategy[str]:
    """What the app keeps in a modal: forged to other people's objects, garbled, or huge."""
    mentor_ids = st.sampled_from(world.mentor_cards).map(lambda card: int(card.split(":")[0]))
    number = st.one_of(mentor_ids, st.integers(0, 3), leaf(world))
    card = st.fixed_dictionaries(
        {},
        optional={
            "mentor_id": number,
            "version": number,
            "channel": st.sampled_from(["C0COORD", "C0JUNK", ""]),
            "ts": st.sampled_from(["1700000000.000100", "junk"]),
            "filter": st.one_of(st.sampled_from(world.filters), leaf(world)),
            "offset": number,
            "response_url": st.sampled_from(["", "https://hooks.slack.invalid/x"]),
        },
    )
    return st.one_of(
        st.sampled_from(world.booking_ids).map(str),
        app_strings(world),
        card.map(json.dumps),
        st.one_of(WRONG_TYPES, st.lists(st.text(max_size=3))).map(json.dumps),
    )


def _view(
    world: World, callback_id: str, targeted: bool = False
) -> st.SearchStrategy[dict[str, Any]]:
    metadata = real_metadata(world) if targeted else private_metadata(world)
    state = plausible_state(world) if targeted else _state(world)
    return st.fixed_dictionaries(
        {
            "id": st.one_of(st.sampled_from(world.view_ids), st.just("V0JUNK")),
            "type": st.just("modal"),
            "callback_id": st.just(callback_id),
            "private_metadata": metadata,
            "state": state.map(lambda values: {"values": values}),
            "hash": st.just("1700000000.abcd"),
            "blocks": st.just([]),
        },
        optional={"previous_view_id": st.sampled_from(world.view_ids)},
    )


@st.composite
def view_submissions(draw: st.DrawFn, world: World) -> dict[str, Any]:
    """Submitting any modal the app has, or one it never made, with any state, by anyone."""
    targeted = draw(st.booleans())
    callbacks = st.sampled_from([c.value for c in Callback])
    callback = draw(callbacks if targeted else st.one_of(callbacks, st.text(min_size=1)))
    user = draw(st.sampled_from(world.users))
    return {
        "type": "view_submission",
        "team": TEAM,
        "user": _user(user),
        "api_app_id": "A0SIM",
        "token": "sim-verification-token",
        "trigger_id": TRIGGER,
        "view": draw(_view(world, callback, targeted)),
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


@st.composite
def events(draw: st.DrawFn, world: World, profiles: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """app_home_opened and user_change with junk where Slack's values would be."""
    user = draw(st.sampled_from(world.users))
    junk = st.one_of(WRONG_TYPES, st.text(max_size=20), huge())
    if draw(st.booleans()):
        event: dict[str, Any] = {"type": "app_home_opened", "event_ts": "1700000000.000100"}
        event.update(
            draw(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "user": st.one_of(st.just(user), WRONG_TYPES),
                        "channel": st.one_of(st.just(f"D{user[1:]}"), junk),
                        "tab": st.one_of(st.sampled_from(["home", "messages"]), junk),
                        "view": st.one_of(st.just({"id": "V0JUNK"}), WRONG_TYPES),
                    },
                )
            )
        )
        return event
    profile = dict(profiles[user])
    for key in draw(st.lists(st.sampled_from(["real_name", "tz", "name", "is_bot", "profile"]))):
        profile[key] = draw(junk)
    for key in draw(st.lists(st.sampled_from(sorted(profile)), max_size=3)):
        profile.pop(key, None)
    return {
        "type": "user_change",
        "user": draw(st.one_of(st.just(profile), WRONG_TYPES)),
        "cache_ts": 1700000000,
        "event_ts": "1700000000.000100",
    }


# --- malformed envelopes: Slack's own fields missing, empty or of the wrong type ---------------

EVENT_ID = "<fresh event_id>"  # replaced by a never-used event_id when sent
EMPTY: tuple[Any, ...] = ("", [], {})
Path = tuple[str | int, ...]


def _paths(value: Any, prefix: Path = ()) -> list[Path]:
    """Every place in a JSON-like value: each key of each object, each item of each list."""
    found: list[Path] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            found.append((*prefix, key))
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value[:3]):
            found.append((*prefix, index))
            found += _paths(inner, (*prefix, index))
    return found


def _apply(value: Any, path: Path, op: str, junk: Any) -> None:
    holder = value
    for step in path[:-1]:
        holder = holder[step]
    last = path[-1]
    if op == "drop":
        del holder[last]
    elif op == "empty":
        holder[last] = junk if junk in EMPTY else ""
    else:
        holder[last] = junk


def mangle(draw: st.DrawFn, payload: dict[str, Any], *, strings_only: bool = False) -> dict:
    """`payload` with one to three of its fields, at any depth, dropped, emptied or replaced by
    a value of the wrong type (only by strings, for form-encoded slash commands)."""
    junk_values = st.one_of(st.text(max_size=12), huge()) if strings_only else st.one_of(
        WRONG_TYPES, st.sampled_from(EMPTY), st.text(max_size=12)
    )  # fmt: skip
    payload = copy.deepcopy(payload)  # strategies share some objects (TEAM, st.just values)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(payload)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["drop", "empty", "wrong"]))
        _apply(payload, path, op, draw(junk_values))
    return payload


@st.composite
def malformed_interactions(draw: st.DrawFn, world: World) -> dict[str, Any]:
    """A click or a modal submission whose envelope Slack would never send."""
    base = draw(st.one_of(block_actions(world), view_submissions(world)))
    return mangle(draw, base)


def slash_fields(world: World, user: str) -> dict[str, str]:
    """The form fields of a slash command, as Slack sends them."""
    return {"token": "sim-verification-token", "team_id": TEAM["id"], "team_domain": "sim",
            "channel_id": f"D{user[1:]}", "channel_name": "directmessage", "user_id": user,
            "user_name": user.lower(), "command": "/mentor", "text": "sessions",
            "api_app_id": "A0SIM", "is_enterprise_install": "false",
            "response_url": RESPONSE_URL, "trigger_id": TRIGGER}  # fmt: skip


@st.composite
def malformed_commands(draw: st.DrawFn, world: World) -> dict[str, str]:
    """A slash command with fields missing, empty or holding junk."""
    user = draw(st.sampled_from(world.users))
    fields = slash_fields(world, user)
    fields["text"] = draw(st.one_of(st.sampled_from(world.subcommands), slash_texts(world)))
    return mangle(draw, fields, strings_only=True)


@st.composite
def malformed_event_callbacks(
    draw: st.DrawFn, world: World, profiles: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """An Events API envelope, its event included, with fields missing or of the wrong type."""
    envelope = {
        "token": "sim-verification-token",
        "team_id": TEAM["id"],
        "api_app_id": "A0SIM",
        "event": draw(events(world, profiles)),
        "type": "event_callback",
        "event_id": EVENT_ID,
        "event_time": 1700000000,
    }
    return mangle(draw, envelope)
