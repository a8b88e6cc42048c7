"""The calendar feed's service on its own: whose sessions a token opens, and in how few queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

from bot.services.calendar_feed import feed_sessions, open_feed, reset_feed
from store.db import SessionFactory
from tests.conftest import ADA, BEN, CHITRA
from tests.seed import DAY, HOUR, NOW, add_mentor, add_session, add_user


def test_a_token_opens_its_owners_upcoming_sessions_only(sessions: SessionFactory) -> None:
    """Ada's feed: her approved sessions as mentor and as mentee, from now on, earliest first;
    not her past, pending, declined or cancelled ones, and not Dan's sessions."""
    with sessions.begin() as session:
        ada = add_mentor(session, ADA)
        dan = add_mentor(session, "U0DAN")
        ben = add_user(session, BEN)
        later = add_session(session, ada.id, ben.id, NOW + 2 * DAY).id
        sooner = add_session(session, dan.id, ada.user_id, NOW + DAY).id
        add_session(session, ada.id, ben.id, NOW - DAY)
        add_session(session, ada.id, ben.id, NOW + 3 * DAY, status="pending")
        add_session(session, ada.id, ben.id, NOW + 4 * DAY, status="cancelled")
        add_session(session, dan.id, ben.id, NOW + 5 * DAY)
        ongoing = add_session(session, ada.id, ben.id, NOW - HOUR / 6).id  # ends in 20 min
        token = open_feed(session, slack_id=ADA, now=NOW).token
    assert token is not None
    with sessions.begin() as session:
        found = feed_sessions(session, token=token, now=NOW)
    assert found is not None
    assert [b.id for b in found] == [ongoing, sooner, later]


def test_reset_and_unknown_tokens_open_nothing(sessions: SessionFactory) -> None:
    with sessions.begin() as session:
        add_user(session, CHITRA)
        first = open_feed(session, slack_id=CHITRA, now=NOW).token
        assert first is not None
        assert open_feed(session, slack_id=CHITRA, now=NOW).token is None  # not shown twice
        second = reset_feed(session, slack_id=CHITRA, now=NOW)
    with sessions.begin() as session:
        assert feed_sessions(session, token=first, now=NOW) is None
        assert feed_sessions(session, token=second, now=NOW) == ()
        assert feed_sessions(session, token="x" * 43, now=NOW) is None
        assert feed_sessions(session, token="", now=NOW) is None


def test_a_busy_feed_takes_no_more_queries(engine: Engine, sessions: SessionFactory) -> None:
    """One look-up of the token, one query for the sessions (and the loader's one for the
    mentees' interests), however many sessions there are."""
    with sessions.begin() as session:
        ada = add_mentor(session, ADA)
        mentees = [add_user(session, f"U0M{n}").id for n in range(12)]
        token = open_feed(session, slack_id=ADA, now=NOW).token
        add_session(session, ada.id, mentees[0], NOW + DAY)
    assert token is not None

    def selects() -> int:
        """How many SELECTs one read of the feed sends to the database."""
        seen: list[str] = []

        def note(_connection: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", note)
        with sessions.begin() as session:
            feed_sessions(session, token=token, now=NOW)
        event.remove(engine, "before_cursor_execute", note)
        return sum(s.lstrip().upper().startswith("SELECT") for s in seen)

    few = selects()
    assert 0 < few <= 3
    with sessions.begin() as session:
        for n, mentee in enumerate(mentees):
            add_session(session, ada.id, mentee, NOW + (30 + n) * HOUR)
    assert selects() == few
