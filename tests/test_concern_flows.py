"""Raising a concern through signed HTTP: from a past session's button and from `/mentor report`,
told to coordinators only (a card without the text, the text in a modal for coordinators), the
other person told nothing, handled once, counted in the digest and stripped by privacy deletion."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.ids import Action, BlockId
from bot.sandbox import Sandbox, sandbox
from bot.services.coordinators import COORDINATORS_ONLY
from bot.services.people import is_forgotten
from bot.simulator.driver import VERIFICATION_TOKEN
from bot.simulator.render import render_blocks, render_view
from store.models import AuditEntry, Concern
from store.statuses import ConcernKind, ConcernStatus
from tests.conftest import ADA, BEN, CHITRA, DAN, START, make_fake_slack
from tests.seed import add_mentor, add_session, add_user
from tests.steps import CHANNEL, NAMES, send_click

EVE = "U0EVE"
ENV = {"COORDINATOR_CHANNEL": CHANNEL, "COORDINATOR_USER_IDS": CHITRA}
EVERYONE = {**NAMES, DAN: "Dan Ruiz", EVE: "Eve Adams"}
WHAT_BEN_WROTE = "Ada did not come and did not answer my messages; I'd rather she didn't know."
KIND, TEXT, SESSION = "What happened?", "Tell us more", "Which session?"


@pytest.fixture
def program(database_url: str) -> Iterator[Sandbox]:
    """Chitra coordinates, with a private channel; Dan mentors Eve, nothing to do with Ben."""
    fake = make_fake_slack()
    for slack_id in (DAN, EVE):
        fake.add_user(slack_id, EVERYONE[slack_id], "UTC")
    members = (CHITRA, fake.bot_user_id)
    fake.add_channel(CHANNEL, "mentoring-coordinators", private=True, members=members)
    with sandbox(database_url, now=START, env=ENV, fake=fake) as running:
        yield running
        assert running.fake.problems == []


@dataclass(frozen=True)
class Sessions:
    ada_ben: int  # yesterday: Ada mentored Ben
    dan_eve: int  # yesterday too, but not Ben's


def yesterdays_sessions(box: Sandbox) -> Sessions:
    with box.deps.sessions.begin() as session:
        ada = add_mentor(session, ADA, tz="America/New_York", name=NAMES[ADA], at=START)
        ben = add_user(session, BEN, tz="Europe/Paris", name=NAMES[BEN], at=START)
        add_user(session, CHITRA, tz="Asia/Kolkata", name=NAMES[CHITRA], at=START)
        dan = add_mentor(session, DAN, name="Dan Ruiz", at=START)
        eve = add_user(session, EVE, name="Eve Adams", at=START)
        yesterday = START - timedelta(days=1)
        ada_ben = add_session(session, ada.id, ben.id, yesterday, decided_at=yesterday)
        dan_eve = add_session(session, dan.id, eve.id, yesterday, decided_at=yesterday)
        return Sessions(ada_ben.id, dan_eve.id)


def everything(box: Sandbox, user_id: str) -> str:
    return "\n".join(
        render_blocks(seen.blocks, "UTC", EVERYONE) or seen.text
        for seen in box.fake.seen_by(user_id)
    )


def the_card(box: Sandbox) -> str:
    (card,) = box.fake.channel_messages(CHANNEL)
    return render_blocks(card.blocks, "UTC", EVERYONE) + card.text


def the_concern(box: Sandbox) -> Concern:
    with box.deps.sessions.begin() as session:
        return session.scalars(select(Concern)).one()


def audit(box: Sandbox) -> list[tuple[str, str, str]]:
    with box.deps.sessions.begin() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.actor_slack_id, e.action, e.detail) for e in entries]


def forge(box: Sandbox, user_id: str, block_id: str, entry: dict) -> None:
    """Set an input of the open modal to what no real client would send."""
    view = box.fake.modal(user_id)
    assert view is not None
    box.driver.values.setdefault(view["id"], {})[(block_id, Action.INPUT.value)] = entry


def chosen(value: str) -> dict:
    return {"type": "static_select", "selected_option": {"value": value}}


def ben_reports_from_his_sessions(box: Sandbox, sessions: Sessions) -> None:
    """Ben types `/mentor sessions` and raises a no-show about yesterday's session with Ada."""
    ben = box.user(BEN)
    ben.command("sessions")
    ben.click("Raise a concern")
    modal = box.fake.modal(BEN)
    assert modal is not None
    (session_block,) = (b for b in modal["blocks"] if b.get("block_id") == BlockId.CONCERN_SESSION)
    assert session_block["element"]["initial_option"]["value"] == str(sessions.ada_ben)
    assert "Ada Lovelace" in session_block["element"]["initial_option"]["text"]["text"]
    ben.fill(KIND, "A no-show")
    ben.fill(TEXT, WHAT_BEN_WROTE)
    assert ben.submit().errors == {}


@pytest.fixture
def reported(program: Sandbox) -> Sandbox:
    """Ben has raised a no-show about yesterday's session with Ada."""
    ben_reports_from_his_sessions(program, yesterdays_sessions(program))
    return program


# --- raising ---------------------------------------------------------------------------------


def test_a_concern_from_a_session_reaches_coordinators_only(program: Sandbox) -> None:
    box = program
    sessions = yesterdays_sessions(box)
    box.user(ADA).open_home()
    ada_saw, ada_home = len(box.fake.seen_by(ADA)), box.fake.home(ADA)

    ben_reports_from_his_sessions(box, sessions)

    concern = the_concern(box)
    assert (concern.kind, concern.status) == (ConcernKind.NO_SHOW, ConcernStatus.OPEN)
    assert (concern.booking_id, concern.text) == (sessions.ada_ben, WHAT_BEN_WROTE)
    card = the_card(box)
    assert "A no-show" in card and "about a session" in card
    assert "did not come" not in card and "Ben Martin" not in card and "Ada" not in card
    assert "Thank you for telling us" in everything(box, BEN)
    # Ada learns nothing: not one message, and her Home is as it was.
    assert len(box.fake.seen_by(ADA)) == ada_saw and box.fake.home(ADA) == ada_home
    assert "A concern was raised" not in everything(box, ADA)
    (entry,) = audit(box)
    assert entry[:2] == (BEN, "concern raised") and "did not come" not in entry[2]


def test_a_concern_from_home_and_from_the_command(program: Sandbox) -> None:
    box = program
    sessions = yesterdays_sessions(box)
    ben = box.user(BEN)
    ben.open_home()
    assert "Raise a concern" in render_view(box.fake.home(BEN) or {}, "UTC")
    ben.click("Raise a concern", where="home")
    ben.fill(KIND, "Someone's conduct")
    ben.fill(TEXT, "Rude remarks about my accent.")
    assert ben.submit().errors == {}

    ben.command("report")  # no session this time: the choice is optional
    modal = box.fake.modal(BEN)
    assert modal is not None and SESSION in render_view(modal, "UTC")
    ben.fill(KIND, "Safety")
    ben.fill(TEXT, "Someone in the programme made me feel unsafe.")
    assert ben.submit().errors == {}

    with box.deps.sessions.begin() as session:
        raised = session.execute(select(Concern.kind, Concern.booking_id).order_by(Concern.id))
        assert list(raised) == [
            (ConcernKind.CONDUCT, sessions.ada_ben),
            (ConcernKind.SAFETY, None),
        ]
    cards = [render_blocks(c.blocks, "UTC", EVERYONE) for c in box.fake.channel_messages(CHANNEL)]
    assert "not tied to a session" in cards[1] and "accent" not in " ".join(cards)
    assert "A concern was raised" not in everything(box, ADA)
    box.user(EVE).command("help")
    assert "/mentor report" in everything(box, EVE)


# --- coordinators ----------------------------------------------------------------------------


def test_only_a_coordinator_reads_it_and_marks_it_handled_once(reported: Sandbox) -> None:
    box = reported

    dan = box.user(DAN)
    dan.click("Read")
    dan.click("Mark handled")
    assert everything(box, DAN).count(COORDINATORS_ONLY) == 2
    assert box.fake.modal(DAN) is None and "did not come" not in everything(box, DAN)
    assert the_concern(box).status == ConcernStatus.OPEN

    chitra = box.user(CHITRA)
    chitra.click("Read")
    modal = box.fake.modal(CHITRA)
    assert modal is not None
    shown = render_view(modal, "UTC", EVERYONE)
    assert "did not come" in shown and "raised by @Ben Martin" in shown
    assert "@Ada Lovelace mentoring @Ben Martin" in shown
    chitra.close()

    chitra.click("Mark handled")
    card = the_card(box)
    assert "Handled by @Chitra Rao" in card and "Mark handled" not in card
    concern = the_concern(box)
    assert (concern.status, concern.handled_by) == (ConcernStatus.HANDLED, CHITRA)
    send_click(box, CHITRA, Action.HANDLE_CONCERN, str(concern.id))  # a stale second click
    assert "had already marked this concern handled" in everything(box, CHITRA)
    assert the_concern(box).handled_at == concern.handled_at

    actions = [(actor, action) for actor, action, _ in audit(box)]
    assert actions == [
        (BEN, "concern raised"),
        (CHITRA, "concern read"),
        (CHITRA, "concern handled"),
        (CHITRA, "concern handled"),
    ]
    assert all("did not come" not in detail for _, _, detail in audit(box))


# --- bad input -------------------------------------------------------------------------------


def test_bad_input_gets_field_errors_and_changes_nothing(program: Sandbox) -> None:
    box = program
    sessions = yesterdays_sessions(box)
    send_click(box, BEN, Action.RAISE_CONCERN, str(sessions.dan_eve))  # not his session
    assert "isn't a session you took part in" in everything(box, BEN)
    assert box.fake.modal(BEN) is None

    ben = box.user(BEN)
    ben.command("report")
    ben.fill(KIND, "A no-show")
    errors = ben.submit().errors
    assert errors == {TEXT: "Tell coordinators what happened (only they will read it)."}

    ben.fill(TEXT, "x" * 2001)
    assert ben.submit().errors == {TEXT: "Keep this to 2000 characters (it has 2001)."}

    ben.fill(TEXT, WHAT_BEN_WROTE)
    forge(box, BEN, BlockId.CONCERN_KIND, chosen("harassment"))
    forge(box, BEN, BlockId.CONCERN_SESSION, chosen(str(sessions.dan_eve)))
    errors = ben.submit().errors
    assert errors == {
        KIND: "Choose what happened.",
        SESSION: "Pick one of your own sessions, or none.",
    }
    forge(box, BEN, BlockId.CONCERN_KIND, chosen("no_show"))
    forge(box, BEN, BlockId.CONCERN_SESSION, chosen("99999999999"))
    assert ben.submit().errors == {SESSION: "Pick one of your own sessions, or none."}

    # Chitra has no sessions, so her modal has no session choice; a forged one is still refused.
    box.user(CHITRA).command("report")
    view = box.fake.modal(CHITRA)
    assert view is not None and SESSION not in render_view(view, "UTC")
    state = {
        BlockId.CONCERN_KIND: {Action.INPUT: chosen("safety")},
        BlockId.CONCERN_TEXT: {Action.INPUT: {"type": "plain_text_input", "value": "Hm."}},
        BlockId.CONCERN_SESSION: {Action.INPUT: chosen(str(sessions.ada_ben))},
    }
    reply = box.driver.interact(
        {
            "type": "view_submission",
            "team": {"id": "T0SIM", "domain": "sim"},
            "user": {"id": CHITRA, "username": CHITRA, "team_id": "T0SIM"},
            "api_app_id": "A0SIM",
            "token": VERIFICATION_TOKEN,
            "trigger_id": box.fake.new_trigger_id(CHITRA),
            "view": {**view, "state": {"values": state}},
            "response_urls": [],
        }
    )
    reply.view = view
    assert reply.errors == {TEXT: "Pick one of your own sessions, or none."}

    with box.deps.sessions.begin() as session:
        assert session.scalars(select(Concern)).all() == []
    assert box.fake.channel_messages(CHANNEL) == [] and audit(box) == []
    assert "did not come" not in everything(box, DAN) + everything(box, EVE)


# --- digest and privacy ----------------------------------------------------------------------


def test_the_digest_counts_concerns_and_never_quotes_them(reported: Sandbox) -> None:
    box = reported
    ben = box.user(BEN)
    ben.command("report")
    ben.fill(KIND, "Something else")
    ben.fill(TEXT, "A second thing entirely.")
    assert ben.submit().errors == {}
    box.user(CHITRA).click("Mark handled", near="Something else")

    box.clock.set(START + timedelta(hours=1))
    assert "Concerns  raised: 2 · still open: 1" in stats_seen_by_chitra(box)
    box.clock.set(START + timedelta(days=8))  # raised before the period, and still open
    assert "Concerns  raised: 0 · still open: 1" in stats_seen_by_chitra(box)


def stats_seen_by_chitra(box: Sandbox) -> str:
    box.user(CHITRA).command("admin stats")
    stats = [s for s in box.fake.seen_by(CHITRA) if s.kind != "file"][-1]  # not the charts
    shown = render_blocks(stats.blocks, "UTC", EVERYONE)
    assert "did not come" not in shown and "second thing" not in shown
    return shown.replace("*", "")


def test_privacy_deletion_strips_the_text_and_the_reporter(reported: Sandbox) -> None:
    box = reported
    ben = box.user(BEN)
    ben.command("privacy delete")
    ben.click("Yes, delete my data")

    concern = the_concern(box)
    assert (concern.text, concern.reporter_id) == (None, None)
    assert concern.kind == ConcernKind.NO_SHOW and concern.status == ConcernStatus.OPEN
    with box.deps.sessions.begin() as session:
        raised = [e for e in session.scalars(select(AuditEntry)) if e.action == "concern raised"]
        assert [is_forgotten(e.actor_slack_id) for e in raised] == [True]

    box.user(CHITRA).click("Read")
    modal = box.fake.modal(CHITRA)
    assert modal is not None
    shown = render_view(modal, "UTC", EVERYONE)
    assert "did not come" not in shown and "Ben Martin" not in shown
    assert "The text was removed" in shown and "a former member" in shown


def test_without_a_channel_each_coordinator_gets_the_card_by_dm(database_url: str) -> None:
    env = {"COORDINATOR_USER_IDS": f"{CHITRA},{DAN}"}
    fake = make_fake_slack()
    fake.add_user(DAN, "Dan Ruiz", "UTC")
    fake.add_user(EVE, "Eve Adams", "UTC")
    with sandbox(database_url, now=START, env=env, fake=fake) as box:
        ben_reports_from_his_sessions(box, yesterdays_sessions(box))
        for coordinator in (CHITRA, DAN):
            (card,) = [s for s in box.fake.seen_by(coordinator) if "concern was raised" in s.text]
            shown = render_blocks(card.blocks, "UTC", EVERYONE)
            assert "A no-show" in shown and "did not come" not in shown
        box.user(DAN).click("Mark handled")
        assert the_concern(box).handled_by == DAN
        box.user(CHITRA).click("Mark handled")  # her copy was stale
        assert f"<@{DAN}> had already marked this concern handled" in everything(box, CHITRA)
        assert box.fake.problems == []


def test_the_other_persons_deletion_leaves_the_reporters_concern(reported: Sandbox) -> None:
    """A concern is the reporter's record for coordinators: Ada deleting her data does not
    erase what Ben told them about her session."""
    box = reported
    ada = box.user(ADA)
    ada.command("privacy delete")
    ada.click("Yes, delete my data")
    concern = the_concern(box)
    assert concern.text == WHAT_BEN_WROTE and concern.reporter_id is not None
    assert "A concern was raised" not in everything(box, ADA)
