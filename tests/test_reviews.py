"""After a session: "did it take place?", what happened, and the confidential star review."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.services import reviews
from bot.services.reviews import (
    COMMENT_MAX,
    AlreadyReviewed,
    InvalidReview,
    NotAParticipant,
    NotHeld,
    ReviewError,
    ReviewForm,
    SessionNotOver,
    check_review,
)
from store.db import SessionFactory
from store.models import Attendance, Booking, MentorProfile, Review
from tests.seed import add_mentor, add_session, add_user

# Monday 23 November 2026, 09:00 UTC.
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
ADA, BEN, CHITRA, DAN = "U0ADA", "U0BEN", "U0CHITRA", "U0DAN"

# Five stars on both questions, nothing else: always a valid review.
GLOWING = ReviewForm(
    connection_stars=5,
    connection_comment="",
    program_stars=5,
    program_comment="",
    feedback="",
    action_items="",
)


@dataclass(frozen=True)
class World:
    """Ada mentors Ben (a session that ended at NOW); Dan mentors Chitra; both Ada and Dan
    mentor from their own profiles."""

    ada: int  # Ada's mentor profile
    dan: int  # Dan's mentor profile
    ben: int  # user ids of the mentees
    chitra: int
    session_id: int  # Ada with Ben, 08:30-09:00 today


def build_world(sessions: SessionFactory) -> World:
    with sessions.begin() as session:
        ada, dan = add_mentor(session, ADA).id, add_mentor(session, DAN).id
        ben, chitra = add_user(session, BEN).id, add_user(session, CHITRA).id
        session_id = add_session(session, ada, ben, NOW - HOUR / 2).id
    return World(ada, dan, ben, chitra, session_id)


def attend(sessions: SessionFactory, booking_id: int, slack_id: str, took_place: bool) -> bool:
    with sessions.begin() as session:
        return reviews.record_attendance(
            session, booking_id=booking_id, actor_slack_id=slack_id, took_place=took_place, now=NOW
        )


def review(
    sessions: SessionFactory, booking_id: int, slack_id: str, form: ReviewForm = GLOWING
) -> int:
    with sessions.begin() as session:
        return reviews.save_review(
            session, booking_id=booking_id, actor_slack_id=slack_id, form=form, now=NOW
        ).review_id


def review_count(sessions: SessionFactory) -> int:
    with sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(Review)) or 0


# --- the rules of a review (pure) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"connection_stars": 2}, {"connection_comment"}),
        ({"connection_stars": 1}, {"connection_comment"}),
        ({"connection_stars": 1, "connection_comment": "   "}, {"connection_comment"}),
        ({"program_stars": 3}, {"program_comment"}),
        ({"program_stars": 2}, {"program_comment"}),
        ({"program_stars": 1, "program_comment": " \n "}, {"program_comment"}),
        ({"connection_stars": 2, "program_stars": 3}, {"connection_comment", "program_comment"}),
    ],
)
def test_low_stars_need_a_comment_on_their_field(changes: dict[str, Any], fields: set[str]) -> None:
    """Connecting below 3 stars and the program at 3 or fewer are refused without a comment."""
    assert set(check_review(replace(GLOWING, **changes))) == fields


@pytest.mark.parametrize(
    "changes",
    [
        {"connection_stars": 3},
        {"connection_stars": 4},
        {"program_stars": 4},
        {"connection_stars": 4, "program_stars": 4},
        {"connection_stars": 2, "connection_comment": "We ran out of time."},
        {"program_stars": 3, "program_comment": "Longer sessions would help."},
        {"program_stars": 1, "program_comment": "Too hard to find a slot."},
    ],
)
def test_good_stars_or_a_comment_are_accepted(changes: dict[str, Any]) -> None:
    """4 and 5 stars pass bare, 3 for connecting too; low stars pass with a comment."""
    assert check_review(GLOWING) == {}
    assert check_review(replace(GLOWING, **changes)) == {}


@pytest.mark.parametrize("field", ["connection_stars", "program_stars"])
@pytest.mark.parametrize("stars", [None, 0, -1, 6, 50])
def test_stars_are_required_from_one_to_five(field: str, stars: int | None) -> None:
    """Missing stars and stars outside 1..5 are refused on their own field, and only there."""
    changes: dict[str, Any] = {field: stars}
    errors = check_review(replace(GLOWING, **changes))
    assert set(errors) == {field}
    assert errors[field] == "Choose from 1 to 5 stars."


@pytest.mark.parametrize(
    "field", ["connection_comment", "program_comment", "feedback", "action_items"]
)
def test_every_text_is_capped(field: str) -> None:
    """Each text may hold COMMENT_MAX characters, but not one more; surrounding spaces are free."""

    def errors_with(text: str) -> dict[str, str]:
        changes: dict[str, Any] = {field: text}
        return check_review(replace(GLOWING, **changes))

    assert errors_with("x" * COMMENT_MAX) == {}
    assert errors_with("  " + "x" * COMMENT_MAX + "  ") == {}
    errors = errors_with("x" * (COMMENT_MAX + 1))
    assert errors == {field: f"Keep this to {COMMENT_MAX} characters (it has {COMMENT_MAX + 1})."}


def test_every_problem_is_reported_at_once() -> None:
    """A form with missing stars, a missing comment and an essay lists all three fields."""
    form = ReviewForm(
        connection_stars=None,
        connection_comment="",
        program_stars=2,
        program_comment="",
        feedback="f" * (COMMENT_MAX + 1),
        action_items="",
    )
    assert set(check_review(form)) == {"connection_stars", "program_comment", "feedback"}


# --- saving a review ---------------------------------------------------------------------------


def test_both_participants_review_confidentially(sessions: SessionFactory) -> None:
    """Ben and Ada each review; texts are trimmed, blanks are NULL, only Ben's action items stay."""
    w = build_world(sessions)
    attend(sessions, w.session_id, BEN, True)
    ben_form = ReviewForm(
        connection_stars=2,
        connection_comment="  We ran out of time.  ",
        program_stars=4,
        program_comment="",
        feedback=" Great idea overall. ",
        action_items=" Draft my talk outline ",
    )
    ada_form = replace(GLOWING, action_items="Ada's own notes")
    with sessions.begin() as session:
        assert not reviews.has_reviewed(session, booking_id=w.session_id, slack_id=BEN)
    ben_review = review(sessions, w.session_id, BEN, ben_form)
    ada_review = review(sessions, w.session_id, ADA, ada_form)  # Ada never answered: allowed
    with sessions.begin() as session:
        ben_row = session.get_one(Review, ben_review)
        assert (ben_row.reviewer_id, ben_row.connection_stars, ben_row.program_stars) == (
            w.ben,
            2,
            4,
        )
        assert ben_row.connection_comment == "We ran out of time."
        assert ben_row.program_comment is None
        assert ben_row.feedback == "Great idea overall."
        assert ben_row.action_items == "Draft my talk outline"
        assert ben_row.created_at == NOW
        ada_row = session.get_one(Review, ada_review)
        assert ada_row.reviewer_id == session.get_one(MentorProfile, w.ada).user_id
        assert ada_row.action_items is None and ada_row.feedback is None
        assert reviews.has_reviewed(session, booking_id=w.session_id, slack_id=BEN)
        assert reviews.has_reviewed(session, booking_id=w.session_id, slack_id=ADA)
        assert not reviews.has_reviewed(session, booking_id=w.session_id, slack_id=CHITRA)
        assert not reviews.has_reviewed(session, booking_id=999_999, slack_id=BEN)


def test_an_invalid_review_is_refused_by_field(sessions: SessionFactory) -> None:
    """Two stars for connecting without a comment: refused on that field, nothing stored."""
    w = build_world(sessions)
    with pytest.raises(InvalidReview) as refused:
        review(sessions, w.session_id, BEN, replace(GLOWING, connection_stars=2))
    assert refused.value.field == "connection_comment"
    assert set(refused.value.errors) == {"connection_comment"}
    assert str(refused.value) == refused.value.errors["connection_comment"]
    assert review_count(sessions) == 0


def test_a_second_review_is_refused_politely_and_the_transaction_goes_on(
    sessions: SessionFactory,
) -> None:
    """Ben's second review is thanked and refused; Ada's review in the same transaction holds."""
    w = build_world(sessions)
    first = review(sessions, w.session_id, BEN)
    with sessions.begin() as session:
        with pytest.raises(AlreadyReviewed) as refused:
            reviews.save_review(
                session,
                booking_id=w.session_id,
                actor_slack_id=BEN,
                form=replace(GLOWING, connection_stars=1, connection_comment="Changed my mind"),
                now=NOW + HOUR,
            )
        assert str(refused.value) == "You've already reviewed this session. Thank you!"
        assert isinstance(refused.value, ReviewError)
        reviews.save_review(
            session, booking_id=w.session_id, actor_slack_id=ADA, form=GLOWING, now=NOW
        )
    with sessions.begin() as session:
        rows = session.scalars(select(Review).order_by(Review.id)).all()
        assert len(rows) == 2
        assert (rows[0].id, rows[0].reviewer_id) == (first, w.ben)
        assert rows[0].connection_stars == 5  # Ben's first review is untouched


def test_only_participants_review(sessions: SessionFactory) -> None:
    """Chitra, an empty id and an unknown booking are refused; nothing is stored."""
    w = build_world(sessions)
    for booking_id, slack_id in ((w.session_id, CHITRA), (w.session_id, ""), (999_999, BEN)):
        with pytest.raises(NotAParticipant):
            review(sessions, booking_id, slack_id)
        with pytest.raises(NotAParticipant):
            attend(sessions, booking_id, slack_id, True)
    assert review_count(sessions) == 0


def test_no_review_before_the_end(sessions: SessionFactory) -> None:
    """A session still running, or one that never got approved, cannot be reviewed yet."""
    w = build_world(sessions)
    with sessions.begin() as session:
        running = add_session(session, w.ada, w.ben, NOW - HOUR / 4).id
        pending = add_session(session, w.ada, w.ben, NOW - 3 * HOUR, "pending").id
        cancelled = add_session(session, w.ada, w.ben, NOW - 4 * HOUR, "cancelled").id
    for booking_id in (running, pending, cancelled):
        with pytest.raises(SessionNotOver, match="once the session has ended"):
            review(sessions, booking_id, BEN)
        with pytest.raises(SessionNotOver):
            attend(sessions, booking_id, ADA, True)
    assert review_count(sessions) == 0
    # The session that ended exactly at NOW is over.
    assert review(sessions, w.session_id, BEN) > 0


def test_after_saying_no_there_is_nothing_to_review(sessions: SessionFactory) -> None:
    """Ben said it didn't take place, so his review is refused; Ada, who said Yes, reviews."""
    w = build_world(sessions)
    attend(sessions, w.session_id, BEN, False)
    attend(sessions, w.session_id, ADA, True)
    with pytest.raises(NotHeld, match="didn't take place"):
        review(sessions, w.session_id, BEN)
    review(sessions, w.session_id, ADA)
    assert review_count(sessions) == 1


# --- did it take place? ----------------------------------------------------------------------


def test_the_first_attendance_answer_is_kept(sessions: SessionFactory) -> None:
    """Ben says Yes, then No, then Yes again: only the first answer is recorded, once."""
    w = build_world(sessions)
    assert attend(sessions, w.session_id, BEN, True) is True
    assert attend(sessions, w.session_id, BEN, False) is False
    assert attend(sessions, w.session_id, BEN, True) is False
    assert attend(sessions, w.session_id, ADA, False) is True  # Ada's answer is her own
    with sessions.begin() as session:
        rows = {a.user_id: a for a in session.scalars(select(Attendance))}
        ada_user = session.get_one(MentorProfile, w.ada).user_id
    assert set(rows) == {w.ben, ada_user}
    assert rows[w.ben].took_place is True and rows[w.ben].answered_at == NOW
    assert rows[ada_user].took_place is False


def test_a_repeated_answer_leaves_the_transaction_usable(sessions: SessionFactory) -> None:
    """A double click inside one transaction: the second is ignored and the work goes on."""
    w = build_world(sessions)
    with sessions.begin() as session:
        first = reviews.record_attendance(
            session, booking_id=w.session_id, actor_slack_id=BEN, took_place=True, now=NOW
        )
        again = reviews.record_attendance(
            session, booking_id=w.session_id, actor_slack_id=BEN, took_place=True, now=NOW
        )
        review_id = reviews.save_review(
            session, booking_id=w.session_id, actor_slack_id=BEN, form=GLOWING, now=NOW
        ).review_id
    assert (first, again) == (True, False) and review_id > 0
    assert review_count(sessions) == 1


def test_what_happened_comes_only_after_a_no(sessions: SessionFactory) -> None:
    """Before answering, or after a Yes, Ben can't say what happened; after Ada's No she can."""
    w = build_world(sessions)

    def what(slack_id: str, answer: str) -> None:
        with sessions.begin() as session:
            reviews.record_what_happened(
                session, booking_id=w.session_id, actor_slack_id=slack_id, what=answer, now=NOW
            )

    with pytest.raises(ReviewError, match="whether the session took place"):
        what(BEN, "no_show")
    attend(sessions, w.session_id, BEN, True)
    with pytest.raises(ReviewError, match="took place"):
        what(BEN, "no_show")
    with pytest.raises(NotAParticipant):
        what(CHITRA, "no_show")
    attend(sessions, w.session_id, ADA, False)
    what(ADA, "no_show")
    what(ADA, "rescheduled")  # a second click changes nothing
    with sessions.begin() as session:
        answers = {a.took_place: a.what_happened for a in session.scalars(select(Attendance))}
    assert answers == {True: None, False: "no_show"}


@pytest.mark.parametrize("answer", ["", "No_Show", "cancelled", "no_show; drop table"])
def test_what_happened_takes_only_known_answers(sessions: SessionFactory, answer: str) -> None:
    """Anything but the offered answers is refused, and nothing is recorded."""
    w = build_world(sessions)
    attend(sessions, w.session_id, ADA, False)
    with sessions.begin() as session, pytest.raises(InvalidReview) as refused:
        reviews.record_what_happened(
            session, booking_id=w.session_id, actor_slack_id=ADA, what=answer, now=NOW
        )
    assert refused.value.field == "what_happened"
    with sessions.begin() as session:
        assert session.scalars(select(Attendance.what_happened)).one() is None
    assert set(reviews.WHAT_HAPPENED) == {"no_show", "rescheduled", "other"}


# --- action items carried to the next session ------------------------------------------------


def test_previous_action_items_come_from_the_pairs_latest_earlier_session(
    sessions: SessionFactory,
) -> None:
    """Ben's items from his latest earlier session with Ada are shown; other pairs, later
    sessions, cancelled ones and Ada's own notes are ignored."""
    w = build_world(sessions)  # Ada and Ben's session ends at NOW
    with sessions.begin() as session:
        older = add_session(session, w.ada, w.ben, NOW - 7 * 24 * HOUR).id
        back_to_back = add_session(session, w.ada, w.ben, NOW).id  # starts as the first one ends
        next_week = add_session(session, w.ada, w.ben, NOW + 7 * 24 * HOUR).id
        dan_with_ben = add_session(session, w.dan, w.ben, NOW - 24 * HOUR + HOUR).id
        ada_with_chitra = add_session(session, w.ada, w.chitra, NOW - 24 * HOUR).id
        cancelled = add_session(session, w.ada, w.ben, NOW + HOUR, "cancelled").id
    for booking_id, slack_id, items in (
        (older, BEN, "Read the speaker guide"),
        (w.session_id, BEN, "Draft my talk outline"),
        (w.session_id, ADA, "Ada's own notes"),
        (dan_with_ben, BEN, "Items for Dan"),
        (ada_with_chitra, CHITRA, "Chitra's items"),
    ):
        review(sessions, booking_id, slack_id, replace(GLOWING, action_items=items))
    with sessions.begin() as session:
        cancelled_row = session.get_one(Booking, cancelled)
        cancelled_row.ends_at = NOW + 2 * HOUR  # over, but it never took place
        session.add(
            Review(
                booking_id=cancelled,
                reviewer_id=w.ben,
                connection_stars=5,
                program_stars=5,
                action_items="From a cancelled session",
                created_at=NOW,
            )
        )

    def previous(booking_id: int) -> str | None:
        with sessions.begin() as session:
            return reviews.previous_action_items(session, booking_id=booking_id)

    assert previous(next_week) == "Draft my talk outline"
    assert previous(back_to_back) == "Draft my talk outline"
    assert previous(w.session_id) == "Read the speaker guide"
    assert previous(older) is None
    assert previous(ada_with_chitra) is None
    assert previous(dan_with_ben) is None
    assert previous(999_999) is None


def test_a_review_without_items_means_none_to_carry(sessions: SessionFactory) -> None:
    """Ben's latest review lists no action items: nothing older is dug up; an unreviewed
    session in between does not hide the items."""
    w = build_world(sessions)
    with sessions.begin() as session:
        older = add_session(session, w.ada, w.ben, NOW - 7 * 24 * HOUR).id
        unreviewed = add_session(session, w.ada, w.ben, NOW + HOUR).id
        later = add_session(session, w.ada, w.ben, NOW + 7 * 24 * HOUR).id
    review(sessions, older, BEN, replace(GLOWING, action_items="Read the speaker guide"))
    with sessions.begin() as session:
        assert reviews.previous_action_items(session, booking_id=w.session_id) == (
            "Read the speaker guide"
        )
    review(sessions, w.session_id, BEN)  # no action items this time
    with sessions.begin() as session:
        assert reviews.previous_action_items(session, booking_id=unreviewed) is None
        assert reviews.previous_action_items(session, booking_id=later) is None
