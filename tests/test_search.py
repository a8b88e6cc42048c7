"""Finding a mentor: match by skills, rank fairly, respect capacity in the mentor's own week."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bot.blocks.find import gap_line
from bot.services import search
from bot.services.errors import DomainError, FieldErrors
from bot.services.free_slots import SlotChoice, free_slots
from bot.services.interests import (
    BadLevel,
    Gap,
    Interests,
    Preferences,
    draft_interests,
    interests_of,
    save_interests,
)
from bot.services.search import (
    BIO_LINE_MAX,
    NoSkillsGiven,
    SearchResult,
    find_mentors,
    first_line,
)
from store.db import SessionFactory
from store.models import Booking, SearchMiss, User
from store.statuses import HelpKind
from tests.seed import add_booking, add_mentor, add_slot, add_user

# Monday 23 November 2026, 09:00 UTC: ISO week 48 runs to Sunday 29th, week 49 from the 30th.
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
BEN = "U0BEN"  # the mentee searching
NEW_YORK = "America/New_York"


def utc(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def find(session: Session, *words: str, asker: str = BEN, **options: Any) -> SearchResult:
    return find_mentors(session, asker_slack_id=asker, query=list(words), now=NOW, **options)


def names(matches: tuple[Any, ...]) -> list[str]:
    return [match.name for match in matches]


def misses(session: Session) -> list[tuple[int | None, str]]:
    rows = session.execute(
        select(SearchMiss.user_id, SearchMiss.skill_key, SearchMiss.searched_at).order_by(
            SearchMiss.id
        )
    ).all()
    assert all(row.searched_at == NOW for row in rows)
    return [(row.user_id, row.skill_key) for row in rows]


@contextmanager
def counting_statements(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


# --- matching and ranking ---------------------------------------------------------------------


def test_covering_more_asked_skills_ranks_higher(sessions: SessionFactory) -> None:
    """Asked python and leadership, the mentor with both (100%) ranks above one with one (50%)."""
    with sessions.begin() as session:
        add_user(session, BEN)
        half = add_mentor(session, "U1", ["Python"], name="Aaron").id
        full = add_mentor(session, "U2", ["Leadership", "python", "Go"], name="Zora").id
        add_slot(session, half, utc(11, 24))
        add_slot(session, full, utc(11, 30))
        result = find(session, "python", "leadership")
    assert result.asked == ("Python", "Leadership")
    assert [(m.name, m.percent, m.matched) for m in result.available] == [
        ("Zora", 100, ("Python", "Leadership")),
        ("Aaron", 50, ("Python",)),
    ]
    assert not result.used_interests and result.more == 0 and result.suggestions == ()


def test_a_synonym_earns_full_credit(sessions: SessionFactory) -> None:
    """ "js" is JavaScript, so a JavaScript mentor matches at 100%."""
    with sessions.begin() as session:
        mentor = add_mentor(session, "U1", ["JavaScript"], name="Jo").id
        add_slot(session, mentor, utc(11, 24))
        result = find(session, "JS")
    assert result.asked == ("JavaScript",)
    assert [(m.name, m.percent, m.matched) for m in result.available] == [
        ("Jo", 100, ("JavaScript",))
    ]


@pytest.mark.parametrize(
    ("typed", "offered", "shown"),
    [("pyhton", "Python", "Python"), ("kubernets", "k8s", "Kubernetes")],
)
def test_a_typo_earns_half_credit(
    sessions: SessionFactory, typed: str, offered: str, shown: str
) -> None:
    """A near miss ("pyhton", "kubernets") still finds the mentor at 50%: no unmet demand."""
    with sessions.begin() as session:
        add_user(session, BEN)
        mentor = add_mentor(session, "U1", [offered], name="Pat").id
        add_slot(session, mentor, utc(11, 24))
        result = find(session, typed)
        assert misses(session) == []
    assert [(m.name, m.percent, m.matched) for m in result.available] == [("Pat", 50, (shown,))]


@pytest.mark.parametrize(
    ("words", "percent"),
    [
        (["kubernets", "rust", "cobol"], 17),  # half of one of three
        (["python", "rust", "cobol"], 33),
        (["python", "kubernets", "cobol"], 50),
        (["python", "kubernetes", "kubernets", "cobol"], 63),  # 2.5 of 4 rounds half up
    ],
)
def test_percent_is_the_rounded_share_of_credit(
    sessions: SessionFactory, words: list[str], percent: int
) -> None:
    """Exact skills count one, near misses one half, out of every skill asked."""
    with sessions.begin() as session:
        mentor = add_mentor(session, "U1", ["Python", "Kubernetes"], name="Pat").id
        add_slot(session, mentor, utc(11, 24))
        assert find(session, *words).available[0].percent == percent


def test_ties_go_to_the_soonest_slot_then_the_lighter_load(sessions: SessionFactory) -> None:
    """Equal matches: soonest free slot first, then fewer recent sessions, whatever the names."""
    with sessions.begin() as session:
        mentee = add_user(session, BEN)
        soon = add_mentor(session, "U1", ["Python"], name="Zoe").id
        light = add_mentor(session, "U2", ["Python"], name="Yan").id
        heavy = add_mentor(session, "U3", ["Python"], name="Abe").id
        add_slot(session, soon, utc(11, 24))
        for mentor in (light, heavy):
            add_slot(session, mentor, utc(11, 25))
        # Abe met two people in the last month; Yan one, but that one was cancelled.
        for day in (10, 12):
            add_booking(session, add_slot(session, heavy, utc(11, day)).id, mentee.id, "approved")
        add_booking(
            session,
            add_slot(session, light, utc(11, 11)).id,
            mentee.id,
            "cancelled",
            keep_slot=False,
        )
        result = find(session, "python")
    assert names(result.available) == ["Zoe", "Yan", "Abe"]
    assert [m.recent_load for m in result.available] == [0, 0, 2]


def test_next_slots_are_the_three_soonest_free_ones(sessions: SessionFactory) -> None:
    """Past, held and beyond-the-horizon slots are not offered; three soonest free ones are."""
    with sessions.begin() as session:
        other = add_user(session, "U0OTHER")
        mentor = add_mentor(session, "U1", ["Python"], name="Pat").id
        add_slot(session, mentor, NOW)  # starts now: too late to book
        held = add_slot(session, mentor, utc(11, 24, 9)).id
        add_booking(session, held, other.id, "pending")
        wanted = [add_slot(session, mentor, utc(11, day)).id for day in (27, 24, 25, 26)]
        add_slot(session, mentor, NOW + timedelta(days=14))  # just past the horizon
        result = find(session, "python")
    slots = result.available[0].next_slots
    assert [s.id for s in slots] == [wanted[1], wanted[2], wanted[3]]
    assert slots[0] == SlotChoice(wanted[1], utc(11, 24), utc(11, 24, 10, 30))


def test_bio_first_line(sessions: SessionFactory) -> None:
    """A mentor shows the first non-empty line of their bio, cut to 150 characters."""
    assert first_line("\n  \n  Staff engineer.  \nLoves Go.") == "Staff engineer."
    assert first_line("") == ""
    long = first_line("x" * 400)
    assert len(long) == BIO_LINE_MAX and long.endswith("…")
    with sessions.begin() as session:
        mentor = add_mentor(session, "U1", ["Python"], bio="\nStaff engineer.\nLoves Go.").id
        add_slot(session, mentor, utc(11, 24))
        assert find(session, "python").available[0].bio_first_line == "Staff engineer."


def test_limit_cuts_the_list_and_counts_the_rest(sessions: SessionFactory) -> None:
    """Seven mentors with slots, three without: a full page of five counts the five others
    (free or not) and leaves out the no-free-time list; a page of eight lists those three."""
    with sessions.begin() as session:
        for number in range(7):
            mentor = add_mentor(session, f"U{number}", ["Python"], name=f"Mentor {number}").id
            add_slot(session, mentor, utc(11, 24, 10 + number))
        for number in range(7, 10):
            add_mentor(session, f"U{number}", ["Python"], name=f"Busy {number}")
        page = find(session, "python", limit=5)
        roomy = find(session, "python", limit=8)
    assert names(page.available) == [f"Mentor {n}" for n in range(5)]
    assert (page.more, page.without_slots) == (5, ())
    assert names(roomy.available) == [f"Mentor {n}" for n in range(7)]
    assert names(roomy.without_slots) == ["Busy 7", "Busy 8", "Busy 9"]
    assert roomy.more == 0


# --- reading free slots only until the page is full -------------------------------------------


def test_the_walk_reads_more_than_one_batch_of_slots(
    sessions: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read two slots at a time, a mentor with many early slots does not hide the next ones;
    a Go mentor's earlier slots are read past (then the Python mentors' are read by id)."""
    monkeypatch.setattr(search, "SLOT_BATCH", 2)
    with sessions.begin() as session:
        gopher = add_mentor(session, "U0GO", ["Go"], name="Gopher").id
        for hour in (6, 7, 8):
            add_slot(session, gopher, utc(11, 24, hour))
        busy = add_mentor(session, "U1", ["Python"], name="Early bird").id
        for hour in range(9, 17):
            add_slot(session, busy, utc(11, 24, hour))
        for number, day in enumerate((25, 26, 27)):
            add_slot(session, add_mentor(session, f"U{number + 2}", ["Python"]).id, utc(11, day))
        add_mentor(session, "U9", ["Python"], name="Nobody free")
        result = find(session, "python", limit=3)
        everyone = find(session, "python", limit=5)
    assert names(result.available) == ["Early bird", "U2", "U3"]
    assert [s.starts_at.hour for s in result.available[0].next_slots] == [9, 10, 11]
    assert (result.more, result.without_slots) == (2, ())
    assert names(everyone.available) == ["Early bird", "U2", "U3", "U4"]
    assert names(everyone.without_slots) == ["Nobody free"]


def test_ties_at_the_page_edge_are_read_through(sessions: SessionFactory) -> None:
    """Three mentors share the last place's time: the lightest load takes it, then the day's
    rotation (for Ben today it puts Cy before Dee; names no longer decide)."""
    with sessions.begin() as session:
        mentee = add_user(session, BEN)
        add_slot(session, add_mentor(session, "U1", ["Python"], name="First").id, utc(11, 24))
        tied = {
            name: add_mentor(session, f"U{number}", ["Python"], name=name).id
            for number, name in enumerate(("Abe", "Bea", "Cy", "Dee"), start=2)
        }
        for mentor in tied.values():
            add_slot(session, mentor, utc(11, 25))
        for day in (10, 12):  # Abe met two people in the last month, Bea one
            add_booking(
                session, add_slot(session, tied["Abe"], utc(11, day)).id, mentee.id, "approved"
            )
        add_booking(session, add_slot(session, tied["Bea"], utc(11, 11)).id, mentee.id, "approved")
        later = add_mentor(session, "U9", ["Python"], name="Aaron").id  # lighter, but later
        add_slot(session, later, utc(11, 25, 11))
        two = find(session, "python", limit=2)
        three = find(session, "python", limit=3)
    assert names(two.available) == ["First", "Cy"]
    assert names(three.available) == ["First", "Cy", "Dee"]
    assert two.more == 4


def test_mentors_at_capacity_in_their_own_week_give_way(sessions: SessionFactory) -> None:
    """Ny's Sunday-evening session (Monday in UTC) fills her New York week: her free time
    that Sunday night does not count, so Utc takes the first place and Ny follows with her
    Monday morning."""
    with sessions.begin() as session:
        mentee = add_user(session, BEN)
        ny = add_mentor(session, "U1", ["Python"], capacity=1, tz=NEW_YORK, name="Ny").id
        sunday = add_slot(session, ny, utc(11, 30, 1)).id  # Sunday 20:00 in NY
        add_booking(session, sunday, mentee.id, "approved")
        add_slot(session, ny, utc(11, 30, 4))  # Sunday 23:00 in New York: full week
        monday = add_slot(session, ny, utc(11, 30, 6)).id  # Monday 01:00 in New York
        add_slot(session, add_mentor(session, "U2", ["Python"], name="Utc").id, utc(11, 30, 5))
        add_slot(session, add_mentor(session, "U3", ["Python"], name="Late").id, utc(12, 1))
        one = find(session, "python", limit=1)
        two = find(session, "python", limit=2)
    assert names(one.available) == ["Utc"]
    assert names(two.available) == ["Utc", "Ny"]
    assert [s.id for s in two.available[1].next_slots] == [monday]


def test_a_mentor_whose_free_slots_are_all_requested_is_not_offered(
    sessions: SessionFactory,
) -> None:
    """Someone else's pending requests hold Held's only slots: Open takes the page; with room
    left, Held is listed as having no free time."""
    with sessions.begin() as session:
        held = add_mentor(session, "U1", ["Python"], name="Held").id
        for day in (24, 25):
            other = add_user(session, f"U0OTHER{day}")
            add_booking(session, add_slot(session, held, utc(11, day)).id, other.id, "pending")
        add_slot(session, add_mentor(session, "U2", ["Python"], name="Open").id, utc(11, 26))
        one = find(session, "python", limit=1)
        five = find(session, "python")
    assert names(one.available) == ["Open"] and one.more == 1
    assert names(five.available) == ["Open"]
    assert names(five.without_slots) == ["Held"]


# --- who is left out ------------------------------------------------------------------------


def test_self_and_inactive_mentors_are_left_out(sessions: SessionFactory) -> None:
    """The asker, and paused, pending, rejected or departed mentors never show up."""
    with sessions.begin() as session:
        add_mentor(session, BEN, ["Python"], name="Ben himself")
        for status in ("paused", "pending", "rejected", "left", "active"):
            mentor = add_mentor(session, f"U{status}", ["Python"], status=status, name=status).id
            add_slot(session, mentor, utc(11, 24))
        result = find(session, "python")
        assert misses(session) == []
    assert names(result.available) == ["active"]
    assert result.without_slots == ()


def test_a_mentor_at_capacity_is_listed_as_full_this_week(sessions: SessionFactory) -> None:
    """Capacity 1, one approved session this week and free time only this week: not bookable,
    so listed as full this week, below the mentor with free time (issue 15; it used to be left
    out), and never among those without free time."""
    with sessions.begin() as session:
        mentee = add_user(session, BEN)
        full = add_mentor(session, "U1", ["Python"], capacity=1, name="Full").id
        add_booking(session, add_slot(session, full, utc(11, 24)).id, mentee.id, "approved")
        add_slot(session, full, utc(11, 26))
        later = add_mentor(session, "U2", ["Python"], name="Later").id
        add_slot(session, later, utc(12, 4))
        result = find(session, "python")
        assert free_slots(session, mentor_id=full, now=NOW) == []
        one = find(session, "python", limit=1)
    assert names(result.available) == ["Later"] and result.without_slots == ()
    assert [(m.name, m.full, m.next_slots) for m in result.full] == [("Full", True, ())]
    assert (names(one.available), one.full, one.more) == (["Later"], (), 1)


def test_a_full_week_hides_its_slots_but_not_next_weeks(sessions: SessionFactory) -> None:
    """With this week full (a past session counts too), only next week's times are offered."""
    with sessions.begin() as session:
        mentee = add_user(session, BEN)
        mentor = add_mentor(session, "U1", ["Python"], capacity=2, name="Pat").id
        add_booking(
            session, add_slot(session, mentor, NOW - timedelta(hours=2)).id, mentee.id, "approved"
        )
        other = add_user(session, "U0OTHER")
        add_booking(session, add_slot(session, mentor, utc(11, 28)).id, other.id, "pending")
        for day in (24, 25, 26, 27):
            add_slot(session, mentor, utc(11, day))
        next_week = [add_slot(session, mentor, utc(12, day)).id for day in (1, 2)]
        result = find(session, "python")
        slots = free_slots(session, mentor_id=mentor, now=NOW)
    assert [s.id for s in result.available[0].next_slots] == next_week
    assert [s.id for s in slots] == next_week


def test_free_slots_can_ignore_the_request_being_moved(sessions: SessionFactory) -> None:
    """A mentor at capacity proposing another time for a request sees that week's times."""
    with sessions.begin() as session:
        mentee = add_user(session, BEN)
        mentor = add_mentor(session, "U1", ["Python"], capacity=1).id
        held = add_slot(session, mentor, utc(11, 24)).id
        add_booking(session, held, mentee.id, "pending")
        other = add_slot(session, mentor, utc(11, 25)).id
        booking_id = session.scalar(select(Booking.id))
        assert free_slots(session, mentor_id=mentor, now=NOW) == []
        moved = free_slots(session, mentor_id=mentor, now=NOW, ignoring_booking_id=booking_id)
        assert [s.id for s in moved] == [other]
        assert free_slots(session, mentor_id=mentor + 100, now=NOW) == []


def test_mentors_without_free_time_are_listed_apart(sessions: SessionFactory) -> None:
    """No slot, all slots held, or only slots beyond the horizon: offered "Ask for availability"."""
    with sessions.begin() as session:
        other = add_user(session, "U0OTHER")
        open_ = add_mentor(session, "U1", ["Python", "SQL"], name="Open").id
        add_slot(session, open_, utc(11, 24))
        add_mentor(session, "U2", ["Python"], name="No slots")
        held = add_mentor(session, "U3", ["Python"], name="All held").id
        add_booking(session, add_slot(session, held, utc(11, 24)).id, other.id, "pending")
        later = add_mentor(session, "U4", ["Python", "SQL"], name="Later").id
        add_slot(session, later, utc(12, 20))
        result = find(session, "python", "sql")
    assert names(result.available) == ["Open"]
    assert [(m.name, m.percent, m.next_slots) for m in result.without_slots] == [
        ("Later", 100, ()),
        ("All held", 50, ()),
        ("No slots", 50, ()),
    ]


def test_a_requested_mentor_stays_listed_as_requested(sessions: SessionFactory) -> None:
    """Ben's pending request holds the mentor's only slot; they stay listed, marked requested."""
    with sessions.begin() as session:
        ben = add_user(session, BEN)
        asked = add_mentor(session, "U1", ["Python"], capacity=1, name="Asked").id
        add_booking(session, add_slot(session, asked, utc(11, 24)).id, ben.id, "pending")
        fresh = add_mentor(session, "U2", ["Python"], name="Fresh").id
        add_slot(session, fresh, utc(11, 25))
        result = find(session, "python")
        for_others = find(session, "python", asker="U0SOMEONE")
    assert [(m.name, m.requested, len(m.next_slots)) for m in result.available] == [
        ("Fresh", False, 1),
        ("Asked", True, 0),
    ]
    assert names(for_others.available) == ["Fresh"]
    assert names(for_others.without_slots) == ["Asked"]


# --- what was asked ---------------------------------------------------------------------------


def test_a_multi_word_skill_is_read_as_one(sessions: SessionFactory) -> None:
    """ "machine learning python" is two skills when machine learning is a known skill."""
    with sessions.begin() as session:
        mentor = add_mentor(session, "U1", ["Machine learning", "Python"], name="Mia").id
        add_slot(session, mentor, utc(11, 24))
        add_mentor(session, "U2", ["System design"], name="Sid")
        result = find(session, "machine", "learning", "python")
        assert result.asked == ("Machine learning", "Python")
        assert [(m.name, m.percent) for m in result.available] == [("Mia", 100)]
        assert find(session, "ML").asked == ("Machine learning",)
        assert find(session, "public", "speaking", "system", "design").asked == (
            "Public speaking",
            "System design",
        )
        assert find(session, "deep", "work").asked == ("Deep", "Work")
        # A caller that split on commas passes whole phrases, and duplicates collapse.
        assert find(session, "machine learning", "python,", "py").asked == (
            "Machine learning",
            "Python",
        )


def test_saved_interests_are_used_when_nothing_is_asked(sessions: SessionFactory) -> None:
    """`/mentor find` alone searches Ben's saved interests, and says so."""
    with sessions.begin() as session:
        ben = add_user(session, BEN)
        save_interests(session, person_id=ben.id, skills=["py", "leadership"])
        mentor = add_mentor(session, "U1", ["Leadership"], name="Lea").id
        add_slot(session, mentor, utc(11, 24))
        result = find(session)
    assert result.used_interests
    assert result.asked == ("Leadership", "Python")
    assert [(m.name, m.percent) for m in result.available] == [("Lea", 50)]


@pytest.mark.parametrize("known_asker", [True, False])
def test_no_skills_and_no_interests_asks_for_skills(
    sessions: SessionFactory, known_asker: bool
) -> None:
    """Nothing asked and nothing saved (or an unknown asker): ask which skills, with an example."""
    with sessions.begin() as session:
        if known_asker:
            add_user(session, BEN)
        with pytest.raises(NoSkillsGiven) as asked:
            find(session, " ", "")
    assert isinstance(asked.value, DomainError)
    assert "/mentor find python" in str(asked.value)


def test_no_match_suggests_offered_skills_and_records_demand(sessions: SessionFactory) -> None:
    """Nobody offers "pyt": close skills mentors offer are suggested and the miss is recorded."""
    with sessions.begin() as session:
        ben = add_user(session, BEN)
        add_mentor(session, "U1", ["Python"])
        add_mentor(session, "U2", ["PyTorch"])
        add_mentor(session, "U3", ["Pytest"], status="paused")  # offered by nobody active
        result = find(session, "pyt")
        assert result.suggestions == ("Python", "PyTorch")
        assert result.available == result.without_slots == ()
        assert misses(session) == [(ben.id, "pyt")]
        stranger = find(session, "cobol", asker="U0STRANGER")
        assert stranger.suggestions == ()
        assert misses(session)[-1] == (None, "cobol")


def test_unmet_skills_are_recorded_even_when_others_match(sessions: SessionFactory) -> None:
    """ "python cobol": the Python mentor is found, and cobol is noted as unmet demand."""
    with sessions.begin() as session:
        ben = add_user(session, BEN)
        mentor = add_mentor(session, "U1", ["Python"]).id
        add_mentor(session, "U2", ["COBOL"], status="paused")
        add_slot(session, mentor, utc(11, 24))
        result = find(session, "python", "cobol")
        assert result.available[0].percent == 50
        assert result.suggestions == ()
        assert misses(session) == [(ben.id, "cobol")]


# --- time zones -------------------------------------------------------------------------------


def test_capacity_weeks_are_counted_in_the_mentors_zone(sessions: SessionFactory) -> None:
    """Sunday 22:00 in New York is Monday in UTC, yet it fills the mentor's week, not the next."""
    with sessions.begin() as session:
        mentee = add_user(session, BEN)
        mentor = add_mentor(session, "U1", ["Python"], capacity=1, tz=NEW_YORK, name="Ny").id
        sunday_evening = utc(11, 30, 3)  # 22:00 on Sunday 29 November in New York
        add_booking(session, add_slot(session, mentor, sunday_evening).id, mentee.id, "approved")
        add_slot(session, mentor, utc(11, 25, 15))  # Wednesday: same New York week, full
        for hour in (0, 1, 2):  # 19:00-21:00 that Sunday in New York, Monday in UTC: full too
            add_slot(session, mentor, utc(11, 30, hour))
        tuesday = add_slot(session, mentor, utc(12, 1, 15)).id  # next New York week: free
        result = find(session, "python")
        assert [s.id for s in free_slots(session, mentor_id=mentor, now=NOW)] == [tuesday]
    assert [s.id for s in result.available[0].next_slots] == [tuesday]


# --- cost -------------------------------------------------------------------------------------


def seed_mentors(session: Session, first: int, count: int, mentee_id: int) -> None:
    """Mentors with slots, live and past sessions and some full weeks, as search meets them."""
    for number in range(first, first + count):
        mentor = add_mentor(
            session, f"U{number:04}", ["Python", "Leadership"], capacity=1 + number % 2
        ).id
        slots = [
            add_slot(session, mentor, utc(11, 24 + day, 10 + number % 5)).id for day in range(6)
        ]
        add_booking(session, slots[0], mentee_id, "approved" if number % 3 else "pending")
        add_booking(session, add_slot(session, mentor, utc(11, 10, 10)).id, mentee_id, "approved")
        if number % 4 == 0:
            add_mentor(session, f"U{number:04}P", ["Python"], status="paused")


def test_the_work_does_not_grow_with_matching_mentors(sessions: SessionFactory) -> None:
    """A page among 150 matching mentors takes no more statements than among 20: free slots are
    read soonest first only until the page is full, capacity looked up only for those placed, and
    the placed mentors' open group mentorships and how quickly they answer read in one statement
    each."""
    with sessions.begin() as session:
        ben = add_user(session, BEN)
        seed_mentors(session, 0, 20, ben.id)
    counts = []
    for more in (0, 130):
        with sessions.begin() as session:
            seed_mentors(session, 20, more, ben.id)
        with sessions.begin() as session, counting_statements(session) as statements:
            result = find(session, "python", "leadrship")
        assert len(result.available) == 5 and result.more == 15 + more
        counts.append(len(statements))
    assert counts[1] <= counts[0] <= 14, counts


# --- interests --------------------------------------------------------------------------------


def test_interests_replace_and_goals_are_kept_or_cleared(sessions: SessionFactory) -> None:
    """Saving interests replaces the skills; goals stay unless new ones are given or cleared."""
    with sessions.begin() as session:
        ben = add_user(session, BEN)
        assert interests_of(session, person_id=ben.id) == Interests((), None)
        saved = save_interests(
            session, person_id=ben.id, skills=["k8s", "Python", "py"], goals="Lead a team"
        )
        assert (saved.skills, saved.goals) == (("Kubernetes", "Python"), "Lead a team")
        assert saved.gaps == (Gap("Kubernetes"), Gap("Python"))
        save_interests(session, person_id=ben.id, skills=["Leadership"])
        kept = interests_of(session, person_id=ben.id)
        assert (kept.skills, kept.goals) == (("Leadership",), "Lead a team")
        cleared = save_interests(session, person_id=ben.id, skills=[], keep_goals=False)
        assert cleared == Interests((), None)
        save_interests(session, person_id=ben.id, skills=["Go"], goals="Ship it")
        assert save_interests(session, person_id=ben.id, skills=["Go"], goals="  ").goals is None
        assert [s.name for s in session.get_one(User, ben.id).interests] == ["Go"]


def test_goals_longer_than_1000_characters_are_refused(sessions: SessionFactory) -> None:
    """Goals are a few sentences; a 1001-character essay is refused with a reason."""
    with sessions.begin() as session:
        ben = add_user(session, BEN)
        with pytest.raises(DomainError, match="1000"):
            save_interests(session, person_id=ben.id, skills=["Go"], goals="x" * 1001)
        assert save_interests(session, person_id=ben.id, skills=[], goals="x" * 1000).goals


# --- gaps, levels and the explained score (issue 15) -------------------------------------------


def levelled(session: Session, slack_id: str, name: str, levels: dict[str, int]) -> int:
    """A mentor with these skills at these SFIA levels, free on Tuesday."""
    mentor = add_mentor(session, slack_id, list(levels), levels=levels, name=name).id
    add_slot(session, mentor, utc(11, 24))
    return mentor


def explained(result: SearchResult) -> list[tuple[str, int, list[str]]]:
    return [
        (m.name, m.percent, [gap_line(gap) for gap in m.gaps])
        for m in (*result.available, *result.full, *result.without_slots)
    ]


def test_a_target_credits_at_or_above_in_full_and_one_below_by_half(
    sessions: SessionFactory,
) -> None:
    """Python to 4 and leadership (no target): Python 5 covers it, Python 3 half, Python 2
    nothing; a gap with no target counts any level; a mentor covering nothing is no match."""
    with sessions.begin() as session:
        add_user(session, BEN)
        levelled(session, "U1", "Ann", {"Python": 5, "Leadership": 1})
        levelled(session, "U2", "Bob", {"Python": 3, "Leadership": 6})
        levelled(session, "U3", "Cat", {"Python": 2, "Leadership": 4})
        levelled(session, "U4", "Dov", {"Python": 2})
        result = find(session, "python:4", "leadership")
        assert misses(session) == []
    assert result.asked == ("Python", "Leadership") and result.targets == (4, None)
    assert explained(result) == [
        ("Ann", 100, ["Python 5 ≥ 4 ✓", "Leadership 1 ✓"]),
        ("Bob", 75, ["Python 3 < 4 ½", "Leadership 6 ✓"]),
        ("Cat", 50, ["Python 2 < 4 ✗", "Leadership 4 ✓"]),
    ]
    assert result.available[2].matched == ("Leadership",)
    assert result.more == 0


def test_both_spellings_of_a_target_and_a_near_miss(sessions: SessionFactory) -> None:
    """`python>=4` is `python:4`; a near miss halves whatever the level earns; a multi-word
    skill takes its target from its last word."""
    with sessions.begin() as session:
        add_user(session, BEN)
        levelled(session, "U1", "Ann", {"Python": 3, "Machine learning": 6})
        assert explained(find(session, "python>=4")) == [("Ann", 50, ["Python 3 < 4 ½"])]
        assert explained(find(session, "pyhton:3")) == [
            ("Ann", 50, ["Python 3 ≥ 3 ½ (for “Pyhton”)"])
        ]
        assert explained(find(session, "pyhton≥4")) == [
            ("Ann", 25, ["Python 3 < 4 ¼ (for “Pyhton”)"])
        ]
        ml = find(session, "machine", "learning:7", "python")
        assert (ml.asked, ml.targets) == (("Machine learning", "Python"), (7, None))
        assert find(session, "machine learning>=5, python:2").targets == (5, 2)


@pytest.mark.parametrize("typed", ["python:9", "python:0", "python>=high", "python:"])
def test_a_level_out_of_range_is_refused_and_nothing_recorded(
    sessions: SessionFactory, typed: str
) -> None:
    """`find python:9` answers with the levels; no unmet demand is recorded."""
    with sessions.begin() as session:
        add_user(session, BEN)
        levelled(session, "U1", "Ann", {"Python": 5})
        with pytest.raises(BadLevel) as refused:
            find(session, typed, "cobol")
        assert refused.value.typed == typed
        assert misses(session) == []


def test_a_bare_find_matches_the_saved_gaps(sessions: SessionFactory) -> None:
    """Ben aims for Python 5 from 3: only the mentor at 4 or above is a match."""
    with sessions.begin() as session:
        ben = add_user(session, BEN)
        save_interests(session, person_id=ben.id, skills=[Gap("py", 3, 5), Gap("Go")])
        levelled(session, "U1", "Ann", {"Python": 4})
        levelled(session, "U2", "Bob", {"Python": 3, "Go": 1})
        result = find(session)
    assert result.used_interests and result.targets == (None, 5)
    assert explained(result) == [
        ("Bob", 50, ["Go 1 ✓", "Python 3 < 5 ✗"]),
        ("Ann", 25, ["Python 4 < 5 ½"]),
    ]


def test_gaps_are_checked_and_typed_targets_read(sessions: SessionFactory) -> None:
    """A target must lie above the current level, levels are 1-7; "python:4" saves target 4;
    the form's first step keeps levels saved before."""
    with sessions.begin() as session:
        ben = add_user(session, BEN)
        with pytest.raises(FieldErrors) as refused:
            save_interests(session, person_id=ben.id, skills=[Gap("Go"), Gap("Python", 4, 4)])
        assert refused.value.errors == {"gap_1": "Aim above where you are now."}
        with pytest.raises(FieldErrors):
            save_interests(session, person_id=ben.id, skills=[Gap("Python", 0, 8)])
        with pytest.raises(BadLevel):
            save_interests(session, person_id=ben.id, skills=["python:8"])
        assert interests_of(session, person_id=ben.id).gaps == ()
        saved = save_interests(session, person_id=ben.id, skills=["python:4", "Go"])
        assert saved.gaps == (Gap("Go"), Gap("Python", None, 4))
        save_interests(session, person_id=ben.id, skills=[Gap("Python", 2, 4)])
        draft = draft_interests(
            session, person_id=ben.id, skills=["python", "sql:3"], goals="", language="DE"
        )
        assert draft.gaps == (Gap("Python", 2, 4), Gap("SQL", target=3))
        assert draft.preferences == Preferences(language="de") and not draft.saved
        with pytest.raises(FieldErrors, match="Pick a language from the list"):
            draft_interests(session, person_id=ben.id, skills=[], goals="", language="german!")
        with pytest.raises(FieldErrors, match="kinds of help"):
            draft_interests(session, person_id=ben.id, skills=[], goals="", wanted_help="money")


# --- fair ranking -----------------------------------------------------------------------------


def test_load_counts_relative_to_capacity(sessions: SessionFactory) -> None:
    """Same match and time: two sessions of four a week weigh less than one of one."""
    with sessions.begin() as session:
        mentee = add_user(session, BEN)
        roomy = add_mentor(session, "U1", ["Python"], capacity=4, name="Roomy").id
        tight = add_mentor(session, "U2", ["Python"], capacity=1, name="Tight").id
        for mentor, days in ((roomy, (10, 12)), (tight, (11,))):
            for day in days:
                slot = add_slot(session, mentor, utc(11, day)).id
                add_booking(session, slot, mentee.id, "approved")
            add_slot(session, mentor, utc(12, 1))
        result = find(session, "python")
    assert [(m.name, m.recent_load) for m in result.available] == [("Roomy", 2), ("Tight", 1)]


def test_ties_rotate_per_asker_and_day(sessions: SessionFactory) -> None:
    """Six mentors alike in match, time and load: each asker sees them in an order of their
    own, the same all day, another the next day; none is always first."""
    with sessions.begin() as session:
        for number in range(6):
            mentor = add_mentor(session, f"U{number}", ["Python"], name=f"M{number}").id
            add_slot(session, mentor, utc(12, 2))
        askers = [f"U0ASK{n}" for n in range(8)]
        today = {a: names(find(session, "python", asker=a, limit=6).available) for a in askers}
        again = {a: names(find(session, "python", asker=a, limit=6).available) for a in askers}
        tomorrow = {
            a: names(
                find_mentors(
                    session, asker_slack_id=a, query=["python"], now=NOW + timedelta(days=1),
                    limit=6,
                ).available
            )
            for a in askers
        }  # fmt: skip
    assert today == again
    assert all(sorted(order) == [f"M{n}" for n in range(6)] for order in today.values())
    assert len({order[0] for order in today.values()}) > 2
    assert today != tomorrow


# --- mentee preferences -----------------------------------------------------------------------


def prefer(session: Session, slack_id: str, tz: str = "Europe/Paris", **wanted: Any) -> None:
    user = add_user(session, slack_id, tz=tz)
    save_interests(session, person_id=user.id, skills=[], preferences=Preferences(**wanted))


def test_a_language_filters_mentors_who_list_languages(sessions: SessionFactory) -> None:
    """Ben mentors in German: a mentor listing only English is left out, one listing none or
    German stays; what they list is on the result."""
    with sessions.begin() as session:
        prefer(session, BEN, language="de")
        for slack_id, name, languages in (
            ("U1", "English", ["en"]),
            ("U2", "Unsaid", []),
            ("U3", "German", ["en", "de"]),
        ):
            mentor = add_mentor(session, slack_id, ["Python"], name=name)
            mentor.languages = languages
            add_slot(session, mentor.id, utc(11, 24, 10 + len(languages)))
        result = find(session, "python")
        everyone = find(session, "python", asker="U0OTHER")
    assert [(m.name, m.languages) for m in result.available] == [
        ("Unsaid", ()),
        ("German", ("en", "de")),
    ]
    assert names(everyone.available) == ["Unsaid", "English", "German"]
    assert result.preferences.language == "de"


def test_help_kind_and_overlapping_hours_boost_within_equal_match(
    sessions: SessionFactory,
) -> None:
    """Ben (Paris) wants career help from someone in hours like his: among 100% matches the
    London career mentor ranks first, then the Berlin one, then the earliest; a 50% match
    stays below however well it fits."""
    with sessions.begin() as session:
        prefer(session, BEN, wanted_help=HelpKind.CAREER, overlap_hours=True)
        for slack_id, name, tz, kinds, skills, day in (
            ("U1", "Early", "America/Los_Angeles", [], ["Python", "Go"], 24),
            ("U2", "Berlin", "Europe/Berlin", ["technical"], ["Python", "Go"], 26),
            ("U3", "London", "Europe/London", ["career"], ["Python", "Go"], 27),
            ("U4", "Half", "Europe/London", ["career"], ["Python"], 24),
        ):
            mentor = add_mentor(session, slack_id, skills, name=name, tz=tz)
            mentor.help_kinds = kinds
            add_slot(session, mentor.id, utc(11, day))
        result = find(session, "python", "go")
        plain = find(session, "python", "go", asker="U0OTHER")
    assert [(m.name, m.overlap) for m in result.available] == [
        ("London", True),
        ("Berlin", True),
        ("Early", False),
        ("Half", True),
    ]
    assert names(plain.available) == ["Early", "Berlin", "London", "Half"]
    assert all(m.overlap is None for m in plain.available)
