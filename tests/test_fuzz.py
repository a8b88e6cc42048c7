"""Hypothesis fuzzing of every Slack entry point, over real signed HTTP to the real app.

Slash command texts, clicks on every action id, submissions of every modal and the events the
app subscribes to, with missing fields, wrong types, huge strings, unknown ids and other people's
objects. For each example: no 5xx, nothing Slack would refuse, no unhandled exception logged, and
no change to data the sender may not change. One seeded sandbox serves the whole module; after an
example that changed anything, the database goes back to the seeded rows.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_bolt import App
from sqlalchemy import Table, select

from bot.ids import Action, Callback
from bot.sandbox import Sandbox, sandbox
from bot.services.roster import FILTERS
from bot.simulator.driver import Reply
from handlers import register_listeners
from store.models import Base, User
from tests.conftest import ADA, BEN, CHITRA, START, make_fake_slack
from tests.fuzz_payloads import (
    RESPONSE_URL,
    TRIGGER,
    World,
    block_actions,
    events,
    slash_texts,
    view_submissions,
)
from tests.test_availability_flows import add_once
from tests.test_booking_flows import request
from tests.test_followup_flows import SESSION_START
from tests.test_mentor_flows import sign_up

GRACE = "U0GRACE"  # a mentor waiting for a coordinator's approval
OLIVE = "U0OLIVE"  # in the workspace, never used the bot: a pure outsider
COORD = "U0COORD"  # the coordinator
CHANNEL = "C0COORD"
USERS = (ADA, BEN, CHITRA, GRACE, OLIVE, COORD)
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))  # more examples for a long local run
Rows = dict[str, dict[tuple[Any, ...], dict[str, Any]]]


def fuzz_settings(examples: int) -> settings:
    """Reproducible in CI (derandomized, no example database); about 60 s for the module."""
    return settings(
        max_examples=int(examples * SCALE),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- the seeded program ----------------------------------------------------------------------


def seed(box: Sandbox) -> None:
    """A program mid-flight, built through Slack as people would build it.

    Ada (approved mentor) has free slots, a past session with Ben awaiting her check-in and
    reviews, Ben's and Chitra's pending requests, and an open availability modal; Grace waits
    for approval; Olive has never used the bot.
    """
    sign_up(box, ADA)
    box.user(COORD).click("Approve", where="message")
    sign_up(box, GRACE, skills="rust, python", bio="Rust and systems programming for years.")
    assert add_once(box, ADA, "2026-11-24", "10:00", "12:00") == {}
    assert add_once(box, ADA, "2026-11-26", "09:00", "11:00") == {}
    box.fake.clear_modals(ADA)
    assert request(box, BEN) == {}
    box.user(ADA).click("Approve")
    box.clock.set(SESSION_START + timedelta(minutes=30))
    box.run_due()
    box.user(BEN).click("Yes")  # leaves his review modal open
    assert request(box, CHITRA) == {}
    assert request(box, BEN) == {}
    box.user(ADA).command("availability")
    for person in USERS:
        box.user(person).open_home()


def world_of(box: Sandbox) -> World:
    rows = snapshot(box)
    fake = box.fake
    views = [v["id"] for u in USERS for v in fake.modal_stack(u)]
    registry = register_listeners(
        App(client=box.client, signing_secret="fuzz", token_verification_enabled=False), box.deps
    )
    return World(
        users=USERS,
        booking_ids=tuple(key[0] for key in rows["bookings"]),
        slot_ids=tuple(key[0] for key in rows["slots"]),
        mentor_cards=tuple(f"{m['id']}:{m['version']}" for m in rows["mentor_profiles"].values()),
        days=("2026-11-24", "2026-11-26", "2026-02-30", "0001-01-01", "9999-12-31"),
        view_ids=tuple(views),
        subcommands=tuple(sorted({h.usage.split()[0] for h in registry.help()})),
        filters=tuple(FILTERS),
    )


# --- what may change ------------------------------------------------------------------------

IGNORED_TABLES = {"audit_log", "search_misses"}
IGNORED_COLUMNS = {"users": {"updated_at"}}


def snapshot(box: Sandbox) -> Rows:
    """Every row of every table, by primary key."""
    rows: Rows = {}
    with box.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            keys = [c.name for c in table.primary_key.columns]
            skip = IGNORED_COLUMNS.get(table.name, set())
            found = connection.execute(select(table)).mappings()
            rows[table.name] = {
                tuple(row[k] for k in keys): {c: v for c, v in row.items() if c not in skip}
                for row in found
            }
    return rows


def dump(box: Sandbox) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, every column: what `restore` puts back."""
    with box.engine.connect() as connection:
        return {
            table.name: [dict(row) for row in connection.execute(select(table)).mappings()]
            for table in Base.metadata.sorted_tables
        }


def restore(box: Sandbox, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Put the seeded rows back (children deleted first, parents inserted first)."""
    tables: list[Table] = Base.metadata.sorted_tables
    with box.engine.begin() as connection:
        for table in reversed(tables):
            connection.execute(table.delete())
        for table in tables:
            if rows[table.name]:
                connection.execute(table.insert(), rows[table.name])


@dataclass(frozen=True)
class Sender:
    """Whose rows an example's sender may legitimately change."""

    slack_id: str
    user_ids: frozenset[int]
    mentor_ids: frozenset[int]
    booking_ids: frozenset[int]
    coordinator: bool

    @classmethod
    def of(cls, slack_id: str, *states: Rows, coordinator: bool) -> Sender:
        users = {k[0] for s in states for k, u in s["users"].items() if u["slack_id"] == slack_id}
        mentors = {
            k[0] for s in states for k, m in s["mentor_profiles"].items() if m["user_id"] in users
        }
        bookings = {
            k[0]
            for s in states
            for k, b in s["bookings"].items()
            if b["mentee_id"] in users or b["mentor_id"] in mentors
        }
        return cls(slack_id, frozenset(users), frozenset(mentors), frozenset(bookings),
                   coordinator)  # fmt: skip

    def owns(self, table: str, row: dict[str, Any]) -> bool:
        me, mine = self.user_ids, self.mentor_ids
        rules: dict[str, Callable[[], bool]] = {
            "users": lambda: row["id"] in me,
            "mentor_profiles": lambda: row["user_id"] in me or self.coordinator,
            "mentor_skills": lambda: row["mentor_id"] in mine,
            "availability_windows": lambda: row["mentor_id"] in mine,
            "slots": lambda: row["mentor_id"] in mine,
            "bookings": lambda: row["id"] in self.booking_ids,
            "attendance": lambda: row["user_id"] in me and row["booking_id"] in self.booking_ids,
            "reviews": lambda: row["reviewer_id"] in me and row["booking_id"] in self.booking_ids,
            "due_work": lambda: (
                row["booking_id"] in self.booking_ids
                or row["recipient_id"] in me
                or (row["payload"] or {}).get("asker") == self.slack_id
            ),
        }
        rule = rules.get(table)
        if rule is not None:
            return rule()
        return "user_id" in row and row["user_id"] in me


def forbidden_changes(before: Rows, after: Rows, sender: Sender | None) -> list[str]:
    """Changed rows the sender may not change; with no sender (an event) only `users` may."""
    found = []
    for table, old_rows in before.items():
        if table in IGNORED_TABLES:
            continue
        new_rows = after[table]
        for key in old_rows.keys() | new_rows.keys():
            old, new = old_rows.get(key), new_rows.get(key)
            if old == new:
                continue
            if table == "skills" and old is None:
                continue  # anyone's profile may add to the catalogue
            if sender is None:
                allowed = table == "users"
            else:
                allowed = all(sender.owns(table, row) for row in (old, new) if row is not None)
            if not allowed:
                found.append(f"{table} {key}: {old} -> {new}")
    return found


# --- the harness ----------------------------------------------------------------------------


class ErrorLog(logging.Handler):
    """Collects every ERROR the app (or Bolt, or waitress) logs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take(self) -> list[str]:
        taken = [self.format(r) for r in self.records]
        self.records.clear()
        return taken


@dataclass
class Fuzz:
    box: Sandbox
    world: World
    seeded: Rows
    seeded_rows: dict[str, list[dict[str, Any]]]
    errors: ErrorLog
    coordinators: frozenset[str]
    modals: dict[str, int]  # how many modals each person had open when seeded

    def check(self, send: Callable[[], Reply], sender: str | None, what: Any) -> None:
        """Send one example and check every promise; reset the data if it changed."""
        problems_before = len(self.box.fake.problems)
        reply = send()
        after = snapshot(self.box)
        failures = []
        if reply.status >= 500:
            failures.append(f"HTTP {reply.status}: {reply.body[:300]}")
        failures += [f"Slack would refuse: {p}" for p in self.box.fake.problems[problems_before:]]
        failures += [f"logged: {e[-1500:]}" for e in self.errors.take()]
        who = None if sender is None else Sender.of(
            sender, self.seeded, after, coordinator=sender in self.coordinators
        )  # fmt: skip
        failures += forbidden_changes(self.seeded, after, who)
        if after != self.seeded:
            restore(self.box, self.seeded_rows)
        for user, depth in self.modals.items():  # close what the example opened
            while len(self.box.fake.modal_stack(user)) > depth:
                self.box.fake.close_top_modal(user)
        assert not failures, f"{what!r}\n" + "\n".join(failures)

    def interact(self, payload: dict[str, Any]) -> None:
        """A block_actions or view_submission payload, with fresh trigger and response_url."""
        user = payload["user"]["id"]
        if payload.get("trigger_id") == TRIGGER:
            payload["trigger_id"] = self.box.fake.new_trigger_id(user)
        if payload.get("response_url") == RESPONSE_URL:
            channel = payload.get("channel", {}).get("id") or f"D{user[1:]}"
            payload["response_url"] = self.box.fake.new_response_url(user, channel)
        self.check(lambda: self.box.driver.interact(payload), user, payload)


@contextmanager
def fuzzing(path: Path) -> Iterator[Fuzz]:
    """The seeded sandbox, its world of ids, and a log watcher, for a run of examples."""
    fake = make_fake_slack()
    fake.add_user(GRACE, "Grace Hopper", "Europe/London")
    fake.add_user(OLIVE, "Olive Stone", "Australia/Sydney")
    fake.add_user(COORD, "Cora Ordin", "UTC")
    env = {"MENTOR_APPROVAL": "coordinator", "COORDINATOR_CHANNEL": CHANNEL,
           "COORDINATOR_USER_IDS": COORD}  # fmt: skip
    with sandbox(f"sqlite:///{path / 'fuzz.db'}", now=START, env=env, fake=fake) as box:
        seed(box)
        assert fake.problems == []
        errors = ErrorLog()
        logging.getLogger().addHandler(errors)
        try:
            world = world_of(box)
            modals = {user: len(fake.modal_stack(user)) for user in USERS}
            yield Fuzz(box, world, snapshot(box), dump(box), errors, frozenset({COORD}), modals)
        finally:
            logging.getLogger().removeHandler(errors)


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzz]:
    with fuzzing(tmp_path_factory.mktemp("fuzz")) as running:
        yield running


# --- the properties -------------------------------------------------------------------------


def test_slash_commands(fuzz: Fuzz) -> None:
    """Whatever anyone types after /mentor: an answer, never an error or someone else's data."""

    @fuzz_settings(200)
    @given(user=st.sampled_from(USERS), text=slash_texts(fuzz.world))
    def typed(user: str, text: str) -> None:
        fuzz.check(lambda: fuzz.box.user(user).command(text), user, (user, text))

    typed()


def test_block_actions(fuzz: Fuzz) -> None:
    """Clicks on every action id with any value, from anywhere, by anyone."""

    @fuzz_settings(150)
    @given(payload=block_actions(fuzz.world))
    def clicked(payload: dict[str, Any]) -> None:
        fuzz.interact(payload)

    clicked()


def test_view_submissions(fuzz: Fuzz) -> None:
    """Submitting every modal with any state and private_metadata, by anyone."""

    @fuzz_settings(200)
    @given(payload=view_submissions(fuzz.world))
    def submitted(payload: dict[str, Any]) -> None:
        fuzz.interact(payload)

    submitted()


def test_events(fuzz: Fuzz) -> None:
    """app_home_opened and user_change with junk: only the directory cache may change."""
    profiles = {u: fuzz.box.fake.user_info(u) for u in USERS}

    @fuzz_settings(200)
    @given(event=events(fuzz.world, profiles))
    def happened(event: dict[str, Any]) -> None:
        fuzz.check(lambda: fuzz.box.driver.send_event(event), None, event)

    happened()


# --- regressions: each payload the fuzzing found, on both engines -----------------------------


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def click(box: Sandbox, user: str, action_id: str, value: Any, **where: Any) -> Reply:
    """A click as Slack sends it from the user's DM, with any value (and optional view)."""
    channel = box.fake.dm_channel(user)
    payload = {
        "type": "block_actions",
        "user": {"id": user, "team_id": "T0SIM"},
        "team": {"id": "T0SIM"},
        "api_app_id": "A0SIM",
        "trigger_id": box.fake.new_trigger_id(user),
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value}],
        "container": {"type": "message", "channel_id": channel, "is_ephemeral": True},
        "channel": {"id": channel},
        "response_url": box.fake.new_response_url(user, channel),
        **where,
    }
    return box.driver.interact(payload)


def submit(box: Sandbox, user: str, callback: str, metadata: str, **typed: str) -> Reply:
    """A view_submission of `callback` with plain text inputs `typed` (by block id)."""
    values = {b: {"value": {"type": "plain_text_input", "value": v}} for b, v in typed.items()}
    view = {"id": "V0GONE", "type": "modal", "callback_id": callback,
            "private_metadata": metadata, "state": {"values": values}}  # fmt: skip
    payload = {"type": "view_submission", "user": {"id": user, "team_id": "T0SIM"},
               "team": {"id": "T0SIM"}, "api_app_id": "A0SIM", "view": view,
               "trigger_id": box.fake.new_trigger_id(user)}  # fmt: skip
    return box.driver.interact(payload)


def test_garbled_private_metadata_is_a_modal_error_not_a_500(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """`int(private_metadata)` used to raise before the ack: Slack showed its own error."""
    for callback in (Callback.DECLINE, Callback.CANCEL, Callback.PROPOSE):
        for metadata in ("{}", "V0SIM000057", "²", "9" * 5000, "[1]"):
            reply = submit(box, BEN, callback, metadata, reason="Something came up, sorry.")
            assert reply.status == 200 and reply.json, (callback, metadata)
            assert reply.json["response_action"] == "errors"
    assert errors_logged(caplog) == []


def test_garbled_reject_metadata_is_a_modal_error_not_a_500(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """The mentor-reject modal's JSON metadata was read with json.loads and set() unguarded."""
    for metadata in ("1:2", "null", "1", '{"mentor_id": []}', "{"):
        reply = submit(box, CHITRA, Callback.REJECT_MENTOR, metadata, reason="Not a fit.")
        assert reply.status == 200 and reply.json, metadata
        assert reply.json["response_action"] == "errors"
    assert errors_logged(caplog) == []


def test_odd_digits_in_a_typed_number_are_refused(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """ "²".isdigit() is True but int() refuses it; 20 digits overflow an id column."""
    for typed in ("²", "9" * 5000, "99999999999999999999"):
        reply = submit(box, BEN, Callback.BOOK, "", slot=typed, message="I want to learn to lead.")
        assert reply.status == 200 and reply.json and reply.json["response_action"] == "errors"
        reply = submit(box, ADA, Callback.PROFILE, "", capacity=typed)
        assert reply.status == 200 and reply.json and reply.json["response_action"] == "errors"
    assert errors_logged(caplog) == []


def test_button_values_of_any_type_are_refused_quietly(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """A value that is not a short string of ASCII digits names nothing; nothing breaks."""
    actions = (Action.CHECKIN_NO, Action.FIND_AGAIN, Action.DECLINE_BOOKING, Action.MORE_TIMES,
               Action.APPROVE_MENTOR, f"{Action.WHAT_HAPPENED}:other")  # fmt: skip
    for action in actions:
        for value in (143862, -1.5, {"a": 1}, None, "²", "99999999999999999999"):
            assert click(box, ADA, action, value).status == 200
    assert errors_logged(caplog) == []


def test_roster_values_with_odd_digits_change_nothing(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Roster buttons and the reject modal parsed ids with isdigit() and int(), unbounded."""
    env = {"COORDINATOR_USER_IDS": CHITRA}
    with sandbox(database_url, now=START, env=env, fake=make_fake_slack()) as box:
        for value in ("²:1:all:0", "1:1:all:²", "1:1:all:99999999999999999999"):
            assert click(box, CHITRA, Action.ROSTER_PAUSE, value).status == 200
        assert click(box, CHITRA, Action.ROSTER_PAGE, "all:²").status == 200
        metadata = json.dumps({"mentor_id": 2**70, "version": 1, "filter": "all", "offset": 0})
        reply = submit(box, CHITRA, Callback.ROSTER_REJECT, metadata, reason="Not a fit for us.")
        assert reply.status == 200 and reply.json and reply.json["response_action"] == "errors"
        assert box.fake.problems == []
    assert errors_logged(caplog) == []


def test_availability_buttons_outside_their_modal(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """Add a window / clear a day clicked without a `view` (and a far date): no KeyError."""
    sign_up(box, ADA)
    assert add_once(box, ADA, "2026-11-24", "10:00", "11:00") == {}
    box.fake.clear_modals(ADA)
    click(box, ADA, Action.ADD_ONCE, None)
    click(box, ADA, Action.CLEAR_DAY, "9999-12-31")
    click(box, ADA, Action.CLEAR_DAY, "2026-11-24")
    assert "Cleared Tue 24 Nov: 2 free slots removed" in box.fake.seen_by(ADA)[-2].text
    assert errors_logged(caplog) == []


def test_availability_added_after_its_modal_closed(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """The list modal (private_metadata) is gone when the form is submitted: said by DM."""
    sign_up(box, ADA)
    typed = {"date": "2026-11-24", "start": "10:00", "end": "11:00"}
    values = {"date": {"d": {"type": "datepicker", "selected_date": typed["date"]}},
              "start": {"t": {"type": "timepicker", "selected_time": typed["start"]}},
              "end": {"t": {"type": "timepicker", "selected_time": typed["end"]}}}  # fmt: skip
    view = {"id": "V0FORM", "type": "modal", "callback_id": Callback.ADD_ONCE,
            "private_metadata": "V0GONE", "state": {"values": values}}  # fmt: skip
    box.driver.interact({"type": "view_submission", "user": {"id": ADA}, "view": view,
                         "team": {"id": "T0SIM"}, "api_app_id": "A0SIM"})  # fmt: skip
    assert "Added 2 slots" in box.fake.seen_by(ADA)[-2].text
    assert errors_logged(caplog) == []


@pytest.mark.parametrize("typed", ["find " + "x" * 50, "find python, " + "é" * 41])
def test_find_with_a_word_too_long_for_a_skill(
    box: Sandbox, caplog: pytest.LogCaptureFixture, typed: str
) -> None:
    """SkillTooLong escaped the search: the user got "something went wrong", not the reason."""
    box.user(BEN).command(typed)
    assert "too long for a skill" in box.fake.seen_by(BEN)[-1].text
    assert errors_logged(caplog) == []


def test_junk_events_change_nothing_and_log_nothing(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """app_home_opened without a user; user_change with odd tz, profile and a huge name."""
    box.user(ADA).open_home()
    assert box.driver.send_event({"type": "app_home_opened", "tab": "home"}).status == 200
    user = box.fake.user_info(ADA)
    for junk in ({"tz": 2}, {"profile": "x"}, {"profile": {"display_name": "A" * 10_000}}):
        assert (
            box.driver.send_event({"type": "user_change", "user": {**user, **junk}}).status == 200
        )
    assert errors_logged(caplog) == []
    with box.deps.sessions.begin() as session:
        name = session.scalar(select(User.real_name).where(User.slack_id == ADA))
    assert name == "A" * 200


@pytest.mark.parametrize("signed", [True, False])
def test_a_payload_bolt_cannot_read_is_400_not_500(
    box: Sandbox, caplog: pytest.LogCaptureFixture, signed: bool
) -> None:
    """Bolt reads `event.user` before it checks the signature; a scalar there raised (500)."""
    envelope = json.dumps(
        {"type": "event_callback", "event": {"type": "user_change", "user": True}}
    )
    reply = box.driver.post(envelope, "application/json", secret=None if signed else "forged")
    assert reply.status == 400
    assert errors_logged(caplog) == []
