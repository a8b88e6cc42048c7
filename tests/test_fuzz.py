"""Hypothesis fuzzing of every Slack entry point, over real signed HTTP to the real app.

Slash command texts, clicks on every action id, submissions of every modal and the events the
app subscribes to, with missing fields, wrong types, huge strings, unknown ids and other people's
objects; and envelopes Slack itself would never send (its own fields missing, empty or of the
wrong type, at every level). For each example: no 5xx, nothing Slack would refuse, no unhandled
exception logged, no change the sender's role does not allow, and no surface shown to anyone
carrying another person's booking message or review. One seeded sandbox per database engine
serves the whole module; after an example that changed anything, the data goes back to the
seeded rows. The payloads each run found are kept in tests/test_odd_input_flows.py.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import count
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_bolt import App
from sqlalchemy import Table, select

from bot.ids import BlockId
from bot.sandbox import Sandbox, sandbox
from bot.services.roster import FILTERS
from bot.simulator import forms
from bot.simulator.driver import FORM, Reply
from bot.simulator.records import Seen
from bot.simulator.surfaces import input_blocks
from handlers import register_listeners
from store.models import Base
from tests.conftest import ADA, BEN, CHITRA, POSTGRES_URL, START, _reset_postgres, make_fake_slack
from tests.fuzz_payloads import (
    EVENT_ID,
    RESPONSE_URL,
    TRIGGER,
    World,
    block_actions,
    events,
    malformed_commands,
    malformed_event_callbacks,
    malformed_interactions,
    slash_texts,
    view_submissions,
)
from tests.steps import GOALS, SESSION_START, add_once, pause_from_roster, request, sign_up

GRACE = "U0GRACE"  # a mentor waiting for a coordinator's approval
HEDY = "U0HEDY"  # a mentor the coordinator paused: only a coordinator may lift it
OLIVE = "U0OLIVE"  # in the workspace, never used the bot: a pure outsider
COORD = "U0COORD"  # the coordinator
CHANNEL = "C0COORD"
USERS = (ADA, BEN, CHITRA, GRACE, HEDY, OLIVE, COORD)
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))  # more examples for a long local run
Rows = dict[str, dict[tuple[Any, ...], dict[str, Any]]]

# Distinctive words seeded into what people wrote, to find them on any surface shown.
BEN_FIRST = "kestrel-ben-first-goals"  # Ben's approved (past) session with Ada
CHITRA_ASKS = "heron-chitra-goals"  # Chitra's pending request to Ada
BEN_AGAIN = "osprey-ben-second-goals"  # Ben's second, pending request to Ada
ADA_REVIEW = ("plover-ada-connecting", "avocet-ada-program", "dunlin-ada-feedback")


def fuzz_settings(examples: int) -> settings:
    """Reproducible in CI (derandomized, no example database); about 60-90 s per engine."""
    return settings(
        max_examples=int(examples * SCALE),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- the seeded program ----------------------------------------------------------------------


def fill_block(box: Sandbox, user: str, block_id: str, value: str) -> None:
    """Set an input of the person's top modal by its block id (labels are worded for people
    and may change; block ids are the app's)."""
    view = box.fake.modal(user)
    assert view is not None
    (block,) = [b for b in input_blocks(view["blocks"]) if b.get("block_id") == block_id]
    element = block["element"]
    key = (block_id, str(element["action_id"]))
    box.driver.values.setdefault(view["id"], {})[key] = forms.entry_for(element, value)


def seed(box: Sandbox) -> None:
    """A program mid-flight, built through Slack as people would build it.

    Ada (approved mentor) has free slots, a past session with Ben that she has reviewed (low
    stars, with comments) and he has not, Ben's and Chitra's pending requests, and an open
    availability modal; Ben's review modal is open; Grace waits for approval; Hedy was approved,
    then paused by the coordinator; Olive has never used the bot. Every message and comment
    carries a marker word.
    """
    sign_up(box, HEDY, skills="go", bio="Go services and on-call for a decade.")
    box.user(COORD).click("Approve", where="message")
    box.user(COORD).command("admin mentors")
    pause_from_roster(box, COORD, HEDY, "Back after the reorganisation settles.")
    box.fake.clear_modals(COORD)
    sign_up(box, ADA)
    box.user(COORD).click("Approve", where="message")
    sign_up(box, GRACE, skills="rust, python", bio="Rust and systems programming for years.")
    assert add_once(box, ADA, "2026-11-24", "10:00", "12:00") == {}
    assert add_once(box, ADA, "2026-11-26", "09:00", "11:00") == {}
    box.fake.clear_modals(ADA)
    assert request(box, BEN, message=f"{GOALS} {BEN_FIRST}") == {}
    box.user(ADA).click("Approve")
    box.clock.set(SESSION_START + timedelta(minutes=30))
    box.run_due()
    box.user(BEN).click("Yes")  # leaves his review modal open
    box.user(ADA).click("Yes")
    connecting, program, feedback = ADA_REVIEW
    for block, value in ((BlockId.CONNECTION_STARS, "2"), (BlockId.PROGRAM_STARS, "2"),
                         (BlockId.CONNECTION_COMMENT, f"Too short. {connecting}"),
                         (BlockId.PROGRAM_COMMENT, f"More structure. {program}"),
                         (BlockId.FEEDBACK, f"Thanks. {feedback}")):  # fmt: skip
        fill_block(box, ADA, block, value)
    assert box.user(ADA).submit().errors == {}
    assert request(box, CHITRA, message=f"{GOALS} {CHITRA_ASKS}") == {}
    assert request(box, BEN, message=f"{GOALS} {BEN_AGAIN}") == {}
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
EDGE_TABLES = {"slack_deliveries"}  # every delivery adds a row there; not the program's data


def program_tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in EDGE_TABLES]


def snapshot(box: Sandbox) -> Rows:
    """Every row of every table of the program, by primary key."""
    rows: Rows = {}
    with box.engine.connect() as connection:
        for table in program_tables():
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
            for table in program_tables()
        }


def restore(box: Sandbox, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Put the seeded rows back (children deleted first, parents inserted first)."""
    tables = program_tables()
    with box.engine.begin() as connection:
        for table in reversed(tables):
            connection.execute(table.delete())
        for table in tables:
            if rows[table.name]:
                connection.execute(table.insert(), rows[table.name])


@dataclass(frozen=True)
class Sender:
    """Whose rows an example's sender may legitimately change, and in which role."""

    slack_id: str
    user_ids: frozenset[int]
    mentor_ids: frozenset[int]
    booking_ids: frozenset[int]
    coordinator: bool
    # Pending requests the sender made, with no time on the table from the other side: only
    # the mentor may propose another time for them.
    own_requests: frozenset[int] = frozenset()

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
        offered = {
            p["booking_id"]
            for p in states[0].get("time_proposals", {}).values()
            if p["status"] == "open" and p["proposed_by"] not in users
        }
        own_requests = {
            k[0]
            for k, b in states[0]["bookings"].items()
            if b["mentee_id"] in users and b["planned_by"] == "mentee" and b["status"] == "pending"
        } - offered
        return cls(slack_id, frozenset(users), frozenset(mentors), frozenset(bookings),
                   coordinator, frozenset(own_requests))  # fmt: skip

    def owns(self, table: str, row: dict[str, Any]) -> bool:
        me, mine = self.user_ids, self.mentor_ids
        rules: dict[str, Callable[[], bool]] = {
            "users": lambda: row["id"] in me,
            "mentor_profiles": lambda: row["user_id"] in me or self.coordinator,
            "mentor_skills": lambda: row["mentor_id"] in mine,
            "availability_windows": lambda: row["mentor_id"] in mine,
            "slots": lambda: row["mentor_id"] in mine,
            "bookings": lambda: row["id"] in self.booking_ids,
            "time_proposals": lambda: row["booking_id"] in self.booking_ids,
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

    def may_change(self, table: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> str:
        """ "" if the change fits the sender's role, else what their role does not allow."""
        if not all(self.owns(table, row) for row in (old, new) if row is not None):
            return "not theirs"
        if table == "bookings":
            return self._booking_change(old, new)
        if table == "time_proposals" and old is None and new is not None:
            if new["proposed_by"] not in self.user_ids:
                return "a time proposed in someone else's name"
            if new["booking_id"] in self.own_requests:
                return "a time proposed by the mentee for their own request"
        if table == "time_proposals" and old is not None and new is not None:
            accepted = new["status"] == "accepted" != old["status"]
            if accepted and old["proposed_by"] in self.user_ids:
                return "a proposal accepted by its own proposer"
        if table == "mentor_profiles" and old is not None and new is not None:
            own = old["user_id"] in self.user_ids
            approved = old["status"] in ("pending", "rejected") and new["status"] == "active"
            if approved and not self.coordinator:
                return "a mentor approved by someone who is not a coordinator"
            lifted = old["status"] == "paused" and new["status"] == "active"
            if lifted and old["paused_by_role"] == "coordinator" and not self.coordinator:
                return "a coordinator's pause lifted by someone who is not a coordinator"
            if not own and not self.coordinator:
                return "another person's profile"
        return ""

    def _booking_change(self, old: dict[str, Any] | None, new: dict[str, Any] | None) -> str:
        """Only the mentor approves and declines (the mentee, a session the mentor planned);
        the mentee approves only by accepting another time; proposals are checked on their own
        rows."""
        if old is None:
            return "" if new is not None and new["mentee_id"] in self.user_ids else "booked by?"
        if new is None or old["mentor_id"] in self.mentor_ids:
            return ""
        if new["status"] == "declined" != old["status"]:
            return "declined by the mentee"
        moved = new["slot_id"] != old["slot_id"]
        approved = new["status"] == "approved" != old["status"]
        if approved and old["planned_by"] != "mentor" and not moved:
            return "approved by the mentee without a proposed time"
        return ""


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
                why = "" if table == "users" else "changed by an event"
            else:
                why = sender.may_change(table, old, new)
            if why:
                found.append(f"{table} {key} ({why}): {old} -> {new}")
    return found


# --- what may be read -----------------------------------------------------------------------


@dataclass(frozen=True)
class Secret:
    """A marker word and who may read it: what a person wrote, and whom it is for."""

    marker: str
    what: str
    readers: frozenset[str]  # Slack user ids and channel ids


def secrets_of(rows: Rows, coordinators: frozenset[str]) -> list[Secret]:
    """Booking messages are for the two participants; reviews for the coordinators (and
    whoever wrote them)."""
    slack_of = {key[0]: user["slack_id"] for key, user in rows["users"].items()}
    mentor_user = {key[0]: m["user_id"] for key, m in rows["mentor_profiles"].items()}
    secrets = []
    for booking in rows["bookings"].values():
        for marker in (BEN_FIRST, CHITRA_ASKS, BEN_AGAIN):
            if marker in booking["message"]:
                people = {slack_of[booking["mentee_id"]],
                          slack_of[mentor_user[booking["mentor_id"]]]}  # fmt: skip
                secrets.append(Secret(marker, "a booking message", frozenset(people)))
    for review in rows["reviews"].values():
        written = " ".join(
            str(review[c] or "") for c in ("connection_comment", "program_comment", "feedback")
        )
        for marker in ADA_REVIEW:
            if marker in written:
                readers = coordinators | {CHANNEL, slack_of[review["reviewer_id"]]}
                secrets.append(Secret(marker, "a review", frozenset(readers)))
    return secrets


def shown_on(seen: Seen) -> str:
    """Everything a surface carries to the person's Slack client, as one text."""
    parts = [seen.text, json.dumps(seen.blocks, default=str)]
    if seen.view is not None:
        parts.append(json.dumps(seen.view, default=str))
    if seen.file is not None:
        parts.append(json.dumps(seen.file, default=str))
    return "\n".join(parts)


@dataclass
class LeakWatch:
    """Told of every surface the simulated Slack shows; notes secrets shown to others."""

    secrets: list[Secret] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, seen: Seen) -> None:
        if not self.secrets:
            return
        shown = shown_on(seen)
        for secret in self.secrets:
            if secret.marker in shown and seen.audience not in secret.readers:
                with self.lock:
                    self.leaks.append(
                        f"{secret.what} ({secret.marker}) shown to {seen.audience} "
                        f"as {seen.kind}: {seen.text[:120]!r}"
                    )

    def take(self) -> list[str]:
        with self.lock:
            taken, self.leaks = self.leaks, []
        return taken


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


def _sender_of(payload: dict[str, Any]) -> str | None:
    user = payload.get("user")
    user_id = user.get("id") if isinstance(user, dict) else payload.get("user_id")
    return user_id if isinstance(user_id, str) and user_id in USERS else None


@dataclass
class Fuzz:
    box: Sandbox
    world: World
    seeded: Rows
    seeded_rows: dict[str, list[dict[str, Any]]]
    errors: ErrorLog
    leaks: LeakWatch
    coordinators: frozenset[str]
    modals: dict[str, int]  # how many modals each person had open when seeded
    event_ids: Iterator[int] = field(default_factory=lambda: count(1))

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
        failures += [f"leaked: {leak}" for leak in self.leaks.take()]
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

    def fresh(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Real single-use trigger_id, response_url and event_id where the payload has the
        placeholders (a malformed one may have lost or replaced them)."""
        user = _sender_of(payload) or BEN
        if payload.get("trigger_id") == TRIGGER:
            payload["trigger_id"] = self.box.fake.new_trigger_id(user)
        if payload.get("response_url") == RESPONSE_URL:
            channel = payload.get("channel")
            channel_id = channel.get("id") if isinstance(channel, dict) else None
            if not isinstance(channel_id, str) or not channel_id:
                channel_id = payload.get("channel_id")
            if not isinstance(channel_id, str) or not channel_id:
                channel_id = f"D{user[1:]}"  # Slack's response_url always knows a channel
            payload["response_url"] = self.box.fake.new_response_url(user, channel_id)
        if payload.get("event_id") == EVENT_ID:
            payload["event_id"] = f"Ev0FUZZ{next(self.event_ids):06d}"
        return payload

    def interact(self, payload: dict[str, Any]) -> None:
        """A block_actions or view_submission payload, with fresh trigger and response_url."""
        payload = self.fresh(payload)
        self.check(lambda: self.box.driver.interact(payload), _sender_of(payload), payload)


@contextmanager
def fuzzing(database_url: str) -> Iterator[Fuzz]:
    """The seeded sandbox, its world of ids, and watchers of the log and of what is shown."""
    fake = make_fake_slack()
    fake.add_user(GRACE, "Grace Hopper", "Europe/London")
    fake.add_user(HEDY, "Hedy Lamarr", "Europe/Vienna")
    fake.add_user(OLIVE, "Olive Stone", "Australia/Sydney")
    fake.add_user(COORD, "Cora Ordin", "UTC")
    leaks = LeakWatch()
    fake.subscribe(leaks)
    coordinators = frozenset({COORD})
    env = {"MENTOR_APPROVAL": "coordinator", "COORDINATOR_CHANNEL": CHANNEL,
           "COORDINATOR_USER_IDS": COORD}  # fmt: skip
    with sandbox(database_url, now=START, env=env, fake=fake) as box:
        seed(box)
        assert fake.problems == []
        seeded = snapshot(box)
        leaks.secrets = secrets_of(seeded, coordinators)
        assert len(leaks.secrets) == 6, leaks.secrets
        for seen in fake.seen_all():  # what the seeding itself showed
            leaks(seen)
        assert leaks.take() == []
        errors = ErrorLog()
        logging.getLogger().addHandler(errors)
        try:
            world = world_of(box)
            modals = {user: len(fake.modal_stack(user)) for user in USERS}
            yield Fuzz(box, world, seeded, dump(box), errors, leaks, coordinators, modals)
        finally:
            logging.getLogger().removeHandler(errors)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def fuzz(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Fuzz]:
    """One seeded sandbox per engine, as the `database_url` fixture offers them."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    elif not POSTGRES_URL:
        pytest.skip("PostgreSQL not configured: set TEST_DATABASE_URL to run these")
    else:
        _reset_postgres(POSTGRES_URL)
        url = POSTGRES_URL
    with fuzzing(url) as running:
        yield running


# --- the properties -------------------------------------------------------------------------


def test_slash_commands(fuzz: Fuzz) -> None:
    """Whatever anyone types after /mentor: an answer, never an error or someone else's data."""

    @fuzz_settings(300)
    @given(user=st.sampled_from(USERS), text=slash_texts(fuzz.world))
    def typed(user: str, text: str) -> None:
        fuzz.check(lambda: fuzz.box.user(user).command(text), user, (user, text))

    typed()


def test_block_actions(fuzz: Fuzz) -> None:
    """Clicks on every action id with any value, from anywhere, by anyone."""

    @fuzz_settings(300)
    @given(payload=block_actions(fuzz.world))
    def clicked(payload: dict[str, Any]) -> None:
        fuzz.interact(payload)

    clicked()


def test_view_submissions(fuzz: Fuzz) -> None:
    """Submitting every modal with any state and private_metadata, by anyone."""

    @fuzz_settings(300)
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


def test_malformed_interactions(fuzz: Fuzz) -> None:
    """Clicks and submissions with Slack's own fields (trigger_id, user, view, state, actions
    and everything inside them) missing, empty or of the wrong type: a 200 or a 4xx, no trace."""

    @fuzz_settings(300)
    @given(payload=malformed_interactions(fuzz.world))
    def sent(payload: dict[str, Any]) -> None:
        fuzz.interact(payload)

    sent()


def test_malformed_slash_commands(fuzz: Fuzz) -> None:
    """A slash command without user_id, trigger_id, command or text, or with junk in them."""

    @fuzz_settings(150)
    @given(fields=malformed_commands(fuzz.world))
    def typed(fields: dict[str, str]) -> None:
        body = urlencode(fuzz.fresh(fields))
        fuzz.check(lambda: fuzz.box.driver.post(body, FORM), _sender_of(fields), fields)

    typed()


def test_malformed_event_callbacks(fuzz: Fuzz) -> None:
    """Events API envelopes whose event is missing, not an object, or untyped: no trace, and
    only the directory cache may change."""
    profiles = {u: fuzz.box.fake.user_info(u) for u in USERS}

    @fuzz_settings(150)
    @given(envelope=malformed_event_callbacks(fuzz.world, profiles))
    def happened(envelope: dict[str, Any]) -> None:
        body = json.dumps(fuzz.fresh(envelope))
        fuzz.check(lambda: fuzz.box.driver.post(body, "application/json"), None, envelope)

    happened()


def test_the_role_check_knows_who_may_do_what(fuzz: Fuzz) -> None:
    """The authorization check would notice: Ben approving, declining or proposing a time on
    his own pending request is refused; Ada doing it is her right; a mentor approving herself,
    lifting a coordinator's pause, or anyone but a coordinator changing another person's
    profile, is refused."""
    rows = fuzz.seeded
    pending = next(k for k, b in rows["bookings"].items() if BEN_AGAIN in b["message"])
    held = rows["bookings"][pending]["slot_id"]
    other = next(key[0] for key in rows["slots"] if key[0] != held)
    changes = {"approve": {"status": "approved"}, "decline": {"status": "declined"}}
    ben, ada, coord = (Sender.of(who, rows, coordinator=who == COORD) for who in (BEN, ADA, COORD))
    for what, change in changes.items():
        after = {**rows, "bookings": {**rows["bookings"]}}
        after["bookings"][pending] = {**rows["bookings"][pending], **change}
        assert forbidden_changes(rows, after, ben), what
        assert forbidden_changes(rows, after, ada) == [], what
    for proposer in (BEN, ADA):
        who = next(k[0] for k, u in rows["users"].items() if u["slack_id"] == proposer)
        offer = {"id": 999, "booking_id": pending[0], "slot_id": other, "proposed_by": who,
                 "status": "open", "note": None, "created_at": None, "closed_at": None}  # fmt: skip
        after = {**rows, "time_proposals": {**rows.get("time_proposals", {}), (999,): offer}}
        sender = ben if proposer == BEN else ada
        assert bool(forbidden_changes(rows, after, sender)) == (proposer == BEN), proposer
    grace = next(k for k, m in rows["mentor_profiles"].items() if m["status"] == "pending")
    after = {**rows, "mentor_profiles": {**rows["mentor_profiles"]}}
    after["mentor_profiles"][grace] = {**rows["mentor_profiles"][grace], "status": "active"}
    assert forbidden_changes(rows, after, Sender.of(GRACE, rows, coordinator=False))
    assert forbidden_changes(rows, after, ada)
    assert forbidden_changes(rows, after, coord) == []
    hedy = next(k for k, m in rows["mentor_profiles"].items() if m["status"] == "paused")
    assert rows["mentor_profiles"][hedy]["paused_by_role"] == "coordinator"
    after = {**rows, "mentor_profiles": {**rows["mentor_profiles"]}}
    after["mentor_profiles"][hedy] = {**rows["mentor_profiles"][hedy], "status": "active"}
    assert forbidden_changes(rows, after, Sender.of(HEDY, rows, coordinator=False))
    assert forbidden_changes(rows, after, coord) == []


def test_the_read_check_sees_a_leak(fuzz: Fuzz) -> None:
    """The watcher would notice: a review shown to the mentee it is about is reported; the
    markers are on the surfaces of those allowed to read them."""
    assert any(BEN_AGAIN in shown_on(seen) for seen in fuzz.box.fake.seen_by(ADA))
    fuzz.leaks(Seen("dm", BEN, text=f"Ada said: {ADA_REVIEW[0]}"))
    fuzz.leaks(Seen("channel", CHANNEL, text=f"Low rating: {ADA_REVIEW[0]}"))
    fuzz.leaks(Seen("dm", CHITRA, blocks=[{"type": "section", "text": BEN_AGAIN}]))
    leaks = fuzz.leaks.take()
    assert len(leaks) == 2
    assert "a review" in leaks[0] and BEN in leaks[0]
    assert "a booking message" in leaks[1] and CHITRA in leaks[1]
