"""The rules of meeting in a mentorship and of its diary, at the service level: who may plan,
on whose slots, what a mentor's plan counts toward, one entry per session, whose comment, and
which homework a reminder brings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, event

from bot.services import diary, mentorship_sessions
from bot.services.bookings import BookingOutcome, SlotGone, WeekFull
from bot.services.diary import AlreadyCommented, AlreadyWritten, NotOverYet, NotYourEntry
from bot.services.mentorship_view import NotInMentorship
from store.db import SessionFactory
from store.models import Booking, MentorProfile, User
from store.statuses import BookingStatus, MemberStatus, PlannedBy
from tests import seed
from tests.conftest import ADA, BEN, CHITRA
from tests.seed import DAY, HOUR, NOW, World, build_world

OFFSETS = (timedelta(hours=24),)


def pair(sessions: SessionFactory, status: MemberStatus = MemberStatus.ACTIVE) -> tuple[World, int]:
    world = build_world(sessions)
    with sessions.begin() as session:
        ada = session.get_one(MentorProfile, world.ada)
        ben = session.get_one(User, world.ben)
        return world, seed.add_mentorship(session, ada, [ben], status).id


def plan(
    sessions: SessionFactory, mentorship_id: int, actor: str, slot_id: int, **kw: object
) -> BookingOutcome:
    with sessions.begin() as session:
        return mentorship_sessions.plan_session(
            session,
            mentorship_id=mentorship_id,
            actor_slack_id=actor,
            slot_id=slot_id,
            agenda="Talk outline",
            now=kw.get("now", NOW),  # type: ignore[arg-type]
            max_open=int(kw.get("max_open", 3)),  # type: ignore[call-overload]
            ttl=timedelta(hours=72),
        )


def held_session(sessions: SessionFactory, world: World, mentorship_id: int) -> int:
    """Ada planned tomorrow 09:00 UTC and Ben accepted it; its booking id."""
    planned = plan(sessions, mentorship_id, ADA, world.slots[0]).booking
    with sessions.begin() as session:
        mentorship_sessions.accept_planned(
            session, booking_id=planned.id, actor_slack_id=BEN, now=NOW, offsets=OFFSETS
        )
    return planned.id


def write(sessions: SessionFactory, booking_id: int, homework: str, *, at: timedelta) -> int:
    with sessions.begin() as session:
        return diary.write_entry(
            session,
            booking_id=booking_id,
            actor_slack_id=BEN,
            discussed="Openings.",
            progress="",
            homework=homework,
            now=NOW + at,
        ).id


def test_a_mentors_plan_waits_for_the_mentee_and_skips_the_open_request_cap(
    sessions: SessionFactory,
) -> None:
    """Ada plans with Ben already at his cap of open requests: it is made, and waits for Ben."""
    world, mentorship = pair(sessions)
    seed.requested(sessions, world.ben, world.dan_slot)
    outcome = plan(sessions, mentorship, ADA, world.slots[0], max_open=1)
    assert outcome.tell == BEN
    assert (outcome.booking.status, outcome.booking.planned_by) == ("pending", PlannedBy.MENTOR)
    assert outcome.booking.mentorship_id == mentorship


def test_only_the_mentors_own_slots_can_be_planned(sessions: SessionFactory) -> None:
    world, mentorship = pair(sessions)
    with pytest.raises(SlotGone):
        plan(sessions, mentorship, BEN, world.dan_slot)


def test_a_paused_mentor_keeps_meeting_their_mentorship(sessions: SessionFactory) -> None:
    world, mentorship = pair(sessions)
    with sessions.begin() as session:
        session.get_one(MentorProfile, world.ada).status = "paused"
    assert plan(sessions, mentorship, BEN, world.slots[0]).tell == ADA


def test_capacity_holds_for_a_planned_session(sessions: SessionFactory) -> None:
    world, mentorship = pair(sessions)
    with sessions.begin() as session:
        session.get_one(MentorProfile, world.ada).weekly_capacity = 1
    seed.requested(sessions, world.chitra, world.slots[1])
    with pytest.raises(WeekFull):
        plan(sessions, mentorship, ADA, world.slots[0])


def test_an_outsider_and_an_agreeing_pair_cannot_plan(sessions: SessionFactory) -> None:
    world, mentorship = pair(sessions)
    with pytest.raises(NotInMentorship):
        plan(sessions, mentorship, CHITRA, world.slots[0])
    _, agreeing = pair_again(sessions, world)
    with pytest.raises(mentorship_sessions.NotActiveYet):
        plan(sessions, agreeing, BEN, world.slots[1])


def pair_again(sessions: SessionFactory, world: World) -> tuple[World, int]:
    """A second mentorship of Ada's, with Chitra and Ben agreeing."""
    with sessions.begin() as session:
        ada = session.get_one(MentorProfile, world.ada)
        people = [session.get_one(User, world.ben), session.get_one(User, world.chitra)]
        frame = seed.add_mentorship(
            session, ada, people, MemberStatus.AGREEING, group_name="Speakers"
        )
        return world, frame.id


def test_the_mentor_cannot_accept_their_own_plan(sessions: SessionFactory) -> None:
    world, mentorship = pair(sessions)
    planned = plan(sessions, mentorship, ADA, world.slots[0]).booking
    with sessions.begin() as session, pytest.raises(mentorship_sessions.NotAPlannedSession):
        mentorship_sessions.accept_planned(
            session, booking_id=planned.id, actor_slack_id=ADA, now=NOW, offsets=OFFSETS
        )
    with sessions.begin() as session:
        assert session.get_one(Booking, planned.id).status == BookingStatus.PENDING


def test_one_entry_per_session_by_the_mentee_after_it(sessions: SessionFactory) -> None:
    world, mentorship = pair(sessions)
    booking = held_session(sessions, world, mentorship)
    with pytest.raises(NotOverYet):
        write(sessions, booking, "", at=timedelta(0))
    write(sessions, booking, "Rehearse", at=2 * DAY)
    with pytest.raises(AlreadyWritten):
        write(sessions, booking, "Again", at=2 * DAY)


def test_only_the_mentor_comments_and_only_once(sessions: SessionFactory) -> None:
    world, mentorship = pair(sessions)
    entry = write(sessions, held_session(sessions, world, mentorship), "", at=2 * DAY)
    with sessions.begin() as session, pytest.raises(NotYourEntry):
        diary.comment(session, entry_id=entry, actor_slack_id=BEN, text="Me", now=NOW)
    with sessions.begin() as session:
        diary.comment(session, entry_id=entry, actor_slack_id=ADA, text="Nice", now=NOW)
    with sessions.begin() as session, pytest.raises(AlreadyCommented):
        diary.comment(session, entry_id=entry, actor_slack_id=ADA, text="Again", now=NOW)
    with sessions.begin() as session:
        (shown,) = diary.diary_of(session, mentorship_id=mentorship, actor_slack_id=BEN).entries
    assert shown.mentor_comment == "Nice"


def test_a_reminder_gets_the_latest_homework_in_one_query(
    sessions: SessionFactory, engine: Engine
) -> None:
    """Each session shows the homework of the latest entry before it (not its own); a one-off
    none; one query for them all."""
    world, mentorship = pair(sessions)
    first = held_session(sessions, world, mentorship)
    write(sessions, first, "Old homework", at=2 * DAY)
    with sessions.begin() as session:
        slot = seed.add_slot(session, world.ada, NOW + 3 * DAY)
        second = seed.add_booking(session, slot.id, world.ben, "approved")
        second.mentorship_id = mentorship
        later = seed.add_slot(session, world.ada, NOW + 5 * DAY)
        third = seed.add_booking(session, later.id, world.ben, "approved")
        third.mentorship_id = mentorship
        one_off = seed.add_session(session, world.ada, world.chitra, NOW + 6 * DAY)
        ids = (second.id, third.id, one_off.id)
    write(sessions, ids[0], "New homework", at=4 * DAY)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        with sessions.begin() as session:
            homework = diary.homework_for(session, booking_ids=ids)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert homework == {ids[0]: "Old homework", ids[1]: "New homework"}
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def test_the_cadence_nudge_rechecks_what_is_planned(sessions: SessionFactory) -> None:
    world, mentorship = pair(sessions)

    def nudge(to: str, at: timedelta = 15 * DAY) -> mentorship_sessions.CadenceNudge | None:
        with sessions.begin() as session:
            return mentorship_sessions.cadence_nudge(
                session, mentorship_id=mentorship, recipient_slack_id=to, now=NOW + at
            )

    assert nudge(BEN) is not None and nudge(ADA) is not None
    assert nudge(CHITRA) is None
    planned = plan(sessions, mentorship, ADA, world.slots[0]).booking
    assert nudge(BEN, at=HOUR) is None  # waiting for Ben's answer counts as planned
    with sessions.begin() as session:
        mentorship_sessions.accept_planned(
            session, booking_id=planned.id, actor_slack_id=BEN, now=NOW, offsets=OFFSETS
        )
    assert nudge(BEN) is None  # the session ended less than a fortnight before
    assert nudge(BEN, at=16 * DAY) is not None
