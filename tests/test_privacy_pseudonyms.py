"""The pseudonym a forgotten person gets replaces their Slack id wherever the program keeps it as
a reference: the audit log (actor, subject, and the text of older entries) and the decisions and
pauses they made as a coordinator; only whole ids, never another person's longer id."""

from __future__ import annotations

from sqlalchemy import select

from bot.services.audit import record
from bot.services.privacy import forget_person
from store.db import SessionFactory
from store.models import AuditEntry, MentorProfile, User
from tests.conftest import ADA, CHITRA, DAN
from tests.seed import NOW, World, build_world

LONGER = f"{CHITRA}X"  # another person's id that happens to start with Chitra's


def paused_by_chitra(sessions: SessionFactory, world: World) -> None:
    """Chitra approved Dan, paused him with a reason, and an older entry names her in its text."""
    with sessions.begin() as session:
        dan = session.get_one(MentorProfile, world.dan)
        dan.status, dan.decided_by = "paused", CHITRA
        dan.paused_by_role, dan.paused_by, dan.paused_at = "coordinator", CHITRA, NOW
        dan.pause_reason = "On leave until January."
        record(session, actor=CHITRA, action="roster paused", detail=DAN, now=NOW, subject=DAN)
        mention = f"asked by {CHITRA}, <@{CHITRA}> and {LONGER}; x{CHITRA} is not her"
        record(session, actor=ADA, action="admin stats", detail=mention, now=NOW)


def audit(sessions: SessionFactory) -> list[tuple[str, str | None, str]]:
    with sessions.begin() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.actor_slack_id, e.subject_slack_id, e.detail) for e in entries]


def pseudonym(sessions: SessionFactory, user_id: int) -> str:
    with sessions.begin() as session:
        return session.get_one(User, user_id).slack_id


def test_a_coordinator_becomes_their_pseudonym_in_every_reference(
    sessions: SessionFactory,
) -> None:
    """Chitra's decisions and pauses stand, attributed to her pseudonym; other ids stay."""
    world = build_world(sessions)
    paused_by_chitra(sessions, world)
    with sessions.begin() as session:
        forget_person(session, slack_id=CHITRA, now=NOW)
    gone = pseudonym(sessions, world.chitra)
    with sessions.begin() as session:
        dan = session.get_one(MentorProfile, world.dan)
        assert (dan.decided_by, dan.paused_by, dan.paused_by_role) == (gone, gone, "coordinator")
        assert dan.pause_reason == "On leave until January."  # it is about Dan, not her
    assert audit(sessions) == [
        (gone, DAN, DAN),
        (ADA, None, f"asked by {gone}, <@{gone}> and {LONGER}; x{CHITRA} is not her"),
        (gone, gone, ""),
    ]


def test_a_paused_mentor_loses_the_pause_and_its_reason(sessions: SessionFactory) -> None:
    """Dan leaves: the reason Chitra gave for pausing him goes, and the log is about a pseudonym."""
    world = build_world(sessions)
    paused_by_chitra(sessions, world)
    with sessions.begin() as session:
        forget_person(session, slack_id=DAN, now=NOW)
    with sessions.begin() as session:
        dan = session.get_one(MentorProfile, world.dan)
        gone = dan.user.slack_id
        assert dan.status == "left" and dan.decided_by == CHITRA
        assert (dan.paused_by, dan.paused_by_role, dan.pause_reason) == (None, None, None)
    assert audit(sessions)[0] == (CHITRA, gone, gone)
    assert audit(sessions)[-1] == (gone, gone, "")
