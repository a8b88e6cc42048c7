"""The rules under issue 15's answering flows, on the database: phrases, pauses, backups."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services import backups, handover, pauses
from bot.services.responsiveness import answer_phrases, phrase_for
from store.db import SessionFactory
from store.models import Booking, MentorProfile, TimeProposal
from tests.seed import HOUR, NOW, add_booking, add_mentor, add_session, add_slot, add_user


def test_phrases_bucket_the_median() -> None:
    assert phrase_for(6 * HOUR) == "Usually answers within a few hours"
    assert phrase_for(7 * HOUR) == "Usually answers within a day"
    assert phrase_for(25 * HOUR) == "Usually answers within a few days"


def test_expired_requests_count_with_their_wait_and_only_the_last_ten(
    sessions: SessionFactory,
) -> None:
    """Three quick answers, then two 72-hour silences: the median is a silence's wait. Older
    requests than the last ten do not count."""
    with sessions.begin() as session:
        mentor = add_mentor(session, "U0M")
        mentee = add_user(session, "U0E")
        for n in range(12):  # old, quick answers beyond the last ten
            asked = NOW - timedelta(days=100 + n)
            add_session(session, mentor.id, mentee.id, asked + 48 * HOUR, requested_at=asked,
                        decided_at=asked + HOUR)  # fmt: skip
        assert answer_phrases(session, [mentor.id]) == {
            mentor.id: "Usually answers within a few hours"
        }
        for n in range(10):
            asked = NOW - timedelta(days=20 - n)
            status = "approved" if n < 3 else "expired"
            add_session(session, mentor.id, mentee.id, asked + 96 * HOUR, status,
                        requested_at=asked, decided_at=asked + 72 * HOUR)  # fmt: skip
        assert answer_phrases(session, [mentor.id]) == {
            mentor.id: "Usually answers within a few days"
        }
        assert answer_phrases(session, []) == {}


def test_a_break_of_three_weeks_is_refused_and_nothing_changes(sessions: SessionFactory) -> None:
    with sessions.begin() as session:
        mentor = add_mentor(session, "U0M")
        mentee = add_user(session, "U0E")
        slot = add_slot(session, mentor.id, NOW + 48 * HOUR)
        booking_id = add_booking(session, slot.id, mentee.id).id
    for weeks in ("3", "-1", "²", "1" * 40):
        with pytest.raises(pauses.InvalidPause), sessions.begin() as session:
            handover.decline_booking(
                session, booking_id=booking_id, actor_slack_id="U0M", reason="Away.",
                pause_weeks=weeks, now=NOW, ttl=72 * HOUR,
            )  # fmt: skip
    with sessions.begin() as session:
        assert session.get_one(Booking, booking_id).status == "pending"
        assert session.get_one(MentorProfile, mentor.id).status == "active"


def test_more_than_two_backups_or_unknown_people_are_refused(sessions: SessionFactory) -> None:
    with sessions.begin() as session:
        first = add_mentor(session, "U0M")
        mentee = add_user(session, "U0E")
        for n in range(3):
            add_mentor(session, f"U0B{n}")
        add_mentor(session, "U0GONE", status="paused")

        def check(*slack_ids: str) -> list[int]:
            return backups.check(
                session, slack_ids=slack_ids, first_mentor_id=first.id, mentee_id=mentee.id
            )

        with pytest.raises(backups.InvalidBackups, match="at most 2"):
            check("U0B0", "U0B1", "U0B2")
        with pytest.raises(backups.InvalidBackups, match="isn't an active mentor"):
            check("U0NOBODY")
        with pytest.raises(backups.InvalidBackups, match="isn't an active mentor"):
            check("U0GONE")
        chosen = check("U0B1", "U0B0", "U0B1")
        assert len(chosen) == 2


def test_an_expiry_after_the_mentor_offered_another_time_is_no_silence(
    sessions: SessionFactory,
) -> None:
    """Two requests expire; on one the mentor had offered another time: only the other counts."""
    with sessions.begin() as session:
        mentor = add_mentor(session, "U0M")
        ids = []
        for n in range(2):  # two mentees: one pending request per pair
            mentee = add_user(session, f"U0E{n}")
            slot = add_slot(session, mentor.id, NOW + (48 + n) * HOUR)
            ids.append(add_booking(session, slot.id, mentee.id).id)
        other = add_slot(session, mentor.id, NOW + 60 * HOUR)
        session.add(
            TimeProposal(
                booking_id=ids[0], slot_id=other.id, proposed_by=mentor.user_id, created_at=NOW
            )
        )
    for booking_id in ids:
        with sessions.begin() as session:
            assert handover.expire_booking(session, booking_id=booking_id, now=NOW, ttl=HOUR)
    with sessions.begin() as session:
        profile = session.get_one(MentorProfile, mentor.id)
        assert (profile.status, profile.expired_in_row) == ("active", 1)
