"""`/mentor privacy` and `privacy delete` through Slack: what is kept, and forgetting on request.

The deletion tests build a program through the real flows (a session held and reviewed, a
second one booked, a search miss, saved interests), delete one person, then read every text
column of every table: none of that person's words or identifiers may remain, and the
program's counts must not change.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.sandbox import Sandbox
from bot.services.digest import build_digest
from bot.simulator.render import render_blocks
from store.models import (
    Attendance,
    Base,
    Booking,
    MentorProfile,
    Review,
    SearchMiss,
    Slot,
    User,
)
from tests.conftest import ADA, BEN, CHITRA, START
from tests.test_availability_flows import add_once
from tests.test_booking_flows import NAMES, request
from tests.test_followup_flows import CONNECTING, PROGRAM, STAR, approved_session, check_in
from tests.test_mentor_flows import sign_up

BEN_SECRETS = (
    "Ben Martin",
    "I lead my first team",  # his booking message
    "We ran out of time",  # his review comment
    "Longer sessions",
    "Draft my one-to-one template",  # his action items
)
ADA_SECRETS = ("Ada Lovelace", "Staff engineer", "meet.example.com/ada")
NEXT_WEEK = "2026-12-01"


def text_everywhere(box: Sandbox) -> str:
    """Every string value in every table, the audit log and the replay guard's delivery keys
    (signatures and event ids, no one's data) excepted, as one searchable text."""
    found: list[str] = []
    with box.deps.sessions.begin() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in ("audit_log", "slack_deliveries"):
                continue
            for row in session.execute(select(table)).mappings():
                found.extend(str(value) for value in row.values() if value is not None)
    return "\n".join(found)


def counts(box: Sandbox) -> dict[str, int]:
    with box.deps.sessions.begin() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (User, Booking, Review, Attendance, MentorProfile)
        }


def shown(box: Sandbox, user_id: str) -> str:
    seen = box.fake.visible_messages(user_id)[0]
    return render_blocks(seen.blocks, "UTC", NAMES) or seen.text


def program_with_history(box: Sandbox) -> None:
    """Ben met Ada and reviewed it; he booked her again next week; he searched for origami."""
    approved_session(box)
    check_in(box)
    ben = box.user(BEN)
    ben.click("Yes")
    ben.fill(CONNECTING, STAR[2])
    ben.fill(PROGRAM, STAR[3])
    ben.fill("Comment on connecting", "We ran out of time before my main question.")
    ben.fill("Comment on the program", "Longer sessions would help.")
    ben.fill("Action items for your next session", "Draft my one-to-one template")
    assert ben.submit().errors == {}
    ben.command("find origami")
    assert add_once(box, ADA, NEXT_WEEK, "10:00", "11:00") == {}
    box.fake.clear_modals(ADA)
    assert request(box, BEN) == {}
    box.user(ADA).click("Approve")


def digest_figures(box: Sandbox) -> tuple:
    with box.deps.sessions.begin() as session:
        digest = build_digest(
            session, start=START - timedelta(days=30), end=box.clock.now(), now=box.clock.now()
        )
    return (digest.requests, digest.approvals, digest.sessions_held, digest.avg_connection,
            digest.avg_program, len(digest.low_reviews))  # fmt: skip


def test_privacy_says_what_is_kept_and_who_sees_it(box: Sandbox) -> None:
    box.user(BEN).command("privacy")
    notice = shown(box, BEN)
    assert "What Mentor Bot keeps, and why" in notice
    assert "Coordinators only: review stars and comments" in notice
    assert "The two participants only: a booking's message" in notice
    assert "[Delete my data…]" in notice


def test_delete_asks_first_and_keep_changes_nothing(box: Sandbox) -> None:
    approved_session(box)
    before = text_everywhere(box)
    box.user(BEN).command("privacy")
    box.user(BEN).click("Delete my data…")
    confirmation = shown(box, BEN)
    assert "Delete your data?" in confirmation
    assert "Your 1 upcoming session(s) and request(s) are cancelled" in confirmation
    box.user(BEN).click("Keep my data")
    assert shown(box, BEN) == "Nothing was deleted."
    assert text_everywhere(box) == before


def test_a_mentee_is_forgotten_and_the_counts_stay(box: Sandbox) -> None:
    program_with_history(box)
    for secret in BEN_SECRETS:
        assert secret in text_everywhere(box), f"the test data lacks {secret!r}"
    before, figures = counts(box), digest_figures(box)
    box.user(BEN).command("privacy delete")
    box.user(BEN).click("Yes, delete my data")
    assert "no longer holds your personal data" in shown(box, BEN)
    everything = text_everywhere(box)
    for secret in (*BEN_SECRETS, BEN):
        assert secret not in everything, f"{secret!r} survived the deletion"
    assert counts(box) == before
    assert digest_figures(box) == figures
    with box.deps.sessions.begin() as session:
        # Unmet demand still counts his search, but no longer says who searched.
        assert session.execute(select(SearchMiss.skill_key, SearchMiss.user_id)).all() == [
            ("origami", None)
        ]
    with box.deps.sessions.begin() as session:
        statuses = list(session.scalars(select(Booking.status).order_by(Booking.id)))
    assert statuses == ["approved", "cancelled"]
    # Ada hears that next week's session is off, and her Home no longer lists it.
    told = [s for s in box.fake.seen_by(ADA) if s.kind == "dm" and "left the" in str(s.blocks)]
    assert len(told) == 1
    card = [s for s in box.fake.seen_by(ADA) if s.kind == "update"][-1]
    assert "Cancelled: They left the mentorship program." in str(card.blocks)
    assert box.fake.home(BEN) is not None and "was deleted" in str(box.fake.home(BEN))


def test_a_mentor_is_forgotten_and_leaves_search(box: Sandbox) -> None:
    program_with_history(box)
    box.user(ADA).command("privacy delete")
    assert "Your mentor profile, skills, meeting link and availability" in shown(box, ADA)
    box.user(ADA).click("Yes, delete my data")
    everything = text_everywhere(box)
    for secret in (*ADA_SECRETS, ADA):
        assert secret not in everything, f"{secret!r} survived the deletion"
    with box.deps.sessions.begin() as session:
        mentor = session.scalars(select(MentorProfile)).one()
        assert (mentor.status, mentor.skills) == ("left", [])
        assert session.scalar(select(func.count()).select_from(Slot).where(
            Slot.starts_at > box.clock.now())) == 0  # fmt: skip
    assert any("left the mentorship program" in str(s.blocks) for s in box.fake.seen_by(BEN))
    box.user(BEN).command("find python")
    assert "Ada" not in str(box.fake.seen_by(BEN)[-1].blocks)


def test_deleting_twice_and_coming_back(box: Sandbox) -> None:
    """A second confirmation says there is nothing left; using the bot again starts afresh."""
    approved_session(box)
    ben = box.user(BEN)
    ben.command("privacy delete")
    ben.click("Yes, delete my data")
    ben.command("privacy delete")
    assert "nothing to delete" in shown(box, BEN)
    ben.open_home()
    with box.deps.sessions.begin() as session:
        names = sorted(session.scalars(select(User.real_name)))
    assert names == ["Ada Lovelace", "Ben Martin", "Former member"]


def test_user_change_does_not_record_strangers(box: Sandbox) -> None:
    """Slack announces profile changes of everyone; the bot keeps only people it knows."""
    box.user(BEN).user_change(tz="Europe/Berlin")
    with box.deps.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


def test_a_queued_nudge_no_longer_names_the_asker(box: Sandbox) -> None:
    """Ben asked Chitra for availability, then deletes his data before the nudge goes out."""
    sign_up(box, CHITRA, skills="python")
    ben = box.user(BEN)
    ben.command("find python")
    ben.click("Ask for availability")
    ben.command("privacy delete")
    ben.click("Yes, delete my data")
    assert BEN not in text_everywhere(box)
    assert box.run_due().sent == 0
    assert not [s for s in box.fake.seen_by(CHITRA) if "would like to book" in s.text]
