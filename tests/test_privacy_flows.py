"""`/mentor privacy` and `privacy delete` through Slack: what is kept, and forgetting on request.

The deletion tests build a program through the real flows (a session held and reviewed, a
second one booked, a search miss, saved interests, a coordinator approving and pausing the
mentor), delete one person, then read every text column of every table, the audit log included:
none of that person's words or identifiers may remain, and the program's counts must not change.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.blocks.followup import CONNECTION_COMMENT_LABEL, PROGRAM_COMMENT_LABEL
from bot.sandbox import Sandbox, sandbox
from bot.services import mentorship_plans
from bot.services.digest import build_digest
from bot.services.people import PersonForgotten
from bot.services.privacy import forget_person
from bot.simulator.render import render_blocks
from store.models import (
    Attendance,
    AuditEntry,
    Base,
    Booking,
    ChangeRequest,
    DiaryEntry,
    DueWork,
    Evaluation,
    Goal,
    GoalComment,
    GoalStep,
    MentorProfile,
    Mentorship,
    MentorshipMember,
    Pulse,
    Review,
    SearchMiss,
    Slot,
    User,
)
from store.statuses import ChangeRequestStatus, MemberStatus, MentorshipStatus, Role
from tests.conftest import ADA, BEN, CHITRA, START, make_fake_slack
from tests.races import saw_a_lock_wait
from tests.seed import add_mentorship, add_user
from tests.steps import (
    CHANNEL,
    CONNECTING,
    NAMES,
    PROGRAM,
    QUESTION,
    STAR,
    ada_with_a_morning,
    add_once,
    approved_session,
    check_in,
    pause_from_roster,
    request,
    sign_up,
)

BEN_SECRETS = (
    "Ben Martin",
    "I lead my first team",  # his booking message
    "We ran out of time",  # his review comment
    "Longer sessions",
    "Draft my one-to-one template",  # his action items
)
ADA_SECRETS = ("Ada Lovelace", "Staff engineer", "meet.example.com/ada")
NEXT_WEEK = "2026-12-01"


@pytest.fixture
def box(database_url: str) -> Iterator[Sandbox]:
    """The usual sandbox, with Chitra as the program's coordinator."""
    env = {"COORDINATOR_USER_IDS": CHITRA}
    with sandbox(database_url, now=START, env=env, fake=make_fake_slack()) as running:
        yield running
        assert running.fake.problems == []


@pytest.fixture
def approving(database_url: str) -> Iterator[Sandbox]:
    """Chitra coordinates and approves each new mentor."""
    env = {
        "COORDINATOR_CHANNEL": CHANNEL,
        "COORDINATOR_USER_IDS": CHITRA,
        "MENTOR_APPROVAL": "coordinator",
    }
    with sandbox(database_url, now=START, env=env, fake=make_fake_slack()) as running:
        yield running
        assert running.fake.problems == []


def text_everywhere(box: Sandbox) -> str:
    """Every string value in every table, the audit log too (the replay guard's delivery keys,
    signatures and event ids, are no one's data), as one searchable text."""
    found: list[str] = []
    with box.deps.sessions.begin() as session:
        for table in Base.metadata.sorted_tables:
            if table.name == "slack_deliveries":
                continue
            for row in session.execute(select(table)).mappings():
                found.extend(str(value) for value in row.values() if value is not None)
    return "\n".join(found)


def audit_log(box: Sandbox) -> list[tuple[str, str | None, str]]:
    """Each entry's actor, subject and detail, oldest first."""
    with box.deps.sessions.begin() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.actor_slack_id, e.subject_slack_id, e.detail) for e in entries]


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
    """Ben met Ada and reviewed it; he booked her again next week; he searched for origami.

    Chitra paused Ada from the roster and reactivated her, so the audit log names Ada too.
    """
    approved_session(box)
    chitra = box.user(CHITRA)
    chitra.command("admin mentors")
    pause_from_roster(box, CHITRA, ADA, "Taking a short break from mentoring.")
    chitra.click("Reactivate", near=ADA)
    check_in(box)
    ben = box.user(BEN)
    ben.click("Yes")
    ben.fill(CONNECTING, STAR[2])
    ben.fill(PROGRAM, STAR[3])
    ben.fill(CONNECTION_COMMENT_LABEL, "We ran out of time before my main question.")
    ben.fill(PROGRAM_COMMENT_LABEL, "Longer sessions would help.")
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
    assert "with who acted and about whom, in an audit log" in notice
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
    assert BEN in text_everywhere(box)
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
    assert ADA in str(audit_log(box)), "no audit entry names Ada"
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


def approved_and_paused_by_chitra(box: Sandbox) -> None:
    """Ada signs up; Chitra approves her from the roster, then pauses her."""
    sign_up(box, ADA)
    chitra = box.user(CHITRA)
    chitra.command("admin mentors")
    chitra.click("Approve", near=ADA)
    pause_from_roster(box, CHITRA, ADA, "Back after the reorganisation settles.")


def pseudonym_of(box: Sandbox, user_id: int) -> str:
    with box.deps.sessions.begin() as session:
        user = session.get_one(User, user_id)
        assert user.deleted_at is not None
        return user.slack_id


def user_id_of(box: Sandbox, slack_id: str) -> int:
    with box.deps.sessions.begin() as session:
        return session.scalars(select(User.id).where(User.slack_id == slack_id)).one()


def test_the_audit_log_forgets_the_mentor_it_was_about(approving: Sandbox) -> None:
    """Chitra's approval and pause of Ada stay on record as hers, about Ada's pseudonym."""
    approved_and_paused_by_chitra(approving)
    ada = user_id_of(approving, ADA)
    about_ada = [n for n, entry in enumerate(audit_log(approving)) if ADA in str(entry)]
    assert len(about_ada) >= 2, "the approval and the pause name Ada"
    approving.user(ADA).command("privacy delete")
    approving.user(ADA).click("Yes, delete my data")
    assert ADA not in text_everywhere(approving)
    pseudonym = pseudonym_of(approving, ada)
    entries = audit_log(approving)
    assert {actor for actor, _, _ in entries[:-1]} == {CHITRA}
    assert all(pseudonym in str(entries[n]) for n in about_ada)
    assert entries[-1] == (pseudonym, pseudonym, "")  # the proof the deletion was asked for


def test_a_coordinator_is_forgotten_and_their_decisions_stand(approving: Sandbox) -> None:
    """Chitra approved and paused Ada, then deletes her own data: what she decided stays, under
    her pseudonym, and Ada's profile is untouched."""
    approved_and_paused_by_chitra(approving)
    chitra = approving.user(CHITRA)
    chitra.open_home()
    coordinator = user_id_of(approving, CHITRA)
    chitra.command("privacy delete")
    chitra.click("Yes, delete my data")
    assert "no longer holds your personal data" in shown(approving, CHITRA)
    assert CHITRA not in text_everywhere(approving)
    pseudonym = pseudonym_of(approving, coordinator)
    with approving.deps.sessions.begin() as session:
        mentor = session.scalars(select(MentorProfile)).one()
        assert (mentor.status, mentor.decided_by) == ("paused", pseudonym)
        assert mentor.bio.startswith("Staff engineer")
    assert {actor for actor, _, _ in audit_log(approving)} == {pseudonym}


def test_a_coordinator_who_never_used_the_bot_can_still_be_forgotten(approving: Sandbox) -> None:
    """Chitra only ever used the roster, so no user row names her, but the audit log and Ada's
    approval do: deleting her data replaces those with a pseudonym, not "nothing to delete"."""
    approved_and_paused_by_chitra(approving)
    with approving.deps.sessions.begin() as session:
        assert session.scalar(select(User.id).where(User.slack_id == CHITRA)) is None
    chitra = approving.user(CHITRA)
    chitra.command("privacy delete")
    confirmation = shown(approving, CHITRA)
    assert "Delete your data?" in confirmation
    assert "an anonymous label takes the place of your Slack account" in confirmation
    chitra.click("Yes, delete my data")
    assert "no longer holds your personal data" in shown(approving, CHITRA)
    assert CHITRA not in text_everywhere(approving)
    with approving.deps.sessions.begin() as session:
        assert session.scalars(select(MentorProfile.decided_by)).one().startswith("deleted:")
    chitra.command("privacy delete")
    assert "nothing to delete" in shown(approving, CHITRA)


def test_a_request_submitted_while_the_mentee_is_being_forgotten(box: Sandbox) -> None:
    """Ben's deletion (from his phone) is under way when he submits a booking from his laptop.

    On PostgreSQL the handler has already read who Ben is; its request waits for the deletion's
    lock and is refused in the modal, nothing sent to Ada. On SQLite the deletion holds the
    write lock, so the submission is handled after it and Ben comes back as a new member, as
    when he uses the bot again. Either way the deleted identity keeps no booking.
    """
    ada_with_a_morning(box)
    ben = box.user(BEN)
    ben.command("find python leadership")
    ben.click("Book")
    ben.fill(QUESTION, "Help me plan my first quarter as a lead, please.")
    engine = box.deps.sessions.kw["bind"]
    replies: list[dict] = []
    submitting = threading.Thread(target=lambda: replies.append(ben.submit().errors))
    with box.deps.sessions.begin() as session:
        forget_person(session, slack_id=BEN, now=box.clock.now())
        former = session.scalars(select(User.id).where(User.slack_id.like("deleted:%"))).one()
        submitting.start()
        waited = saw_a_lock_wait(engine, lambda: not submitting.is_alive())
    submitting.join(15)
    with box.deps.sessions.begin() as session:
        held = session.scalars(select(Booking.mentee_id).where(Booking.status == "pending"))
        assert former not in list(held)
    if engine.dialect.name == "postgresql":
        assert waited, "the request never waited for the deletion"
        assert replies == [{"Time": str(PersonForgotten())}]
        assert not [s for s in box.fake.seen_by(ADA) if "asks for a session" in s.text]
    else:
        assert replies == [{}]
        card = [s for s in box.fake.seen_by(ADA) if "asks for a session" in s.text]
        assert len(card) == 1 and f"<@{BEN}>" in str(card[0].blocks)
        assert "deleted:" not in str(card[0].blocks)


# --- mentorships ------------------------------------------------------------------------------

BEN_MENTORSHIP_SECRETS = (
    "Chair the architecture guild",  # his goal
    "Shadow the current chair",  # a step of it
    "Ask Priya about the charter",  # Ada's comment on it
    "My manager and I keep clashing",  # his diary
    "Read Crucial Conversations",  # his homework
    "Good reflection, Ben",  # Ada's comment on his diary
    "Not sure this is working",  # his pulse comment
    "Ben seems distracted lately",  # Ada's pulse comment about their mentorship
    "I could not speak up in meetings",  # his evaluation
    "I'd rather have someone from my own team",  # his change request
    "Confidence on stage.",  # his hopes
    "Happy to help.",  # Ada's note accepting him
)
MENTORSHIP_TABLES = (Mentorship, MentorshipMember, Goal, GoalStep, DiaryEntry, Pulse, Evaluation)


def ben_mentored_by_ada(box: Sandbox, *, with_chitra: bool = False) -> int:
    """Ada (signed up through Slack) mentors Ben, a month in: a goal with a step and her
    comment, a diary entry with her comment, both their pulses, his evaluation draft and a change
    request, with the mentorship's pulses and closing planned. With Chitra, it is Ada's group."""
    sign_up(box, ADA)
    now = box.clock.now()
    with box.deps.sessions.begin() as s:
        ada = s.scalars(select(MentorProfile)).one()
        ben = add_user(s, BEN, name="Ben Martin", at=now)
        mentees = [ben, add_user(s, CHITRA, name="Chitra Rao", at=now)] if with_chitra else [ben]
        frame = add_mentorship(
            s,
            ada,
            mentees,
            goals=(BEN_MENTORSHIP_SECRETS[0],),
            group_name="Architecture circle" if with_chitra else None,
            at=now - timedelta(days=30),
        )
        member = next(m for m in frame.members if m.mentee_id == ben.id)
        goal = member.goals[0]
        s.add(GoalStep(goal_id=goal.id, position=1, text=BEN_MENTORSHIP_SECRETS[1]))
        s.add(
            GoalComment(
                goal_id=goal.id,
                author_id=ada.user_id,
                text=BEN_MENTORSHIP_SECRETS[2],
                created_at=now,
            )
        )
        s.add(
            DiaryEntry(
                member_id=member.id,
                discussed=BEN_MENTORSHIP_SECRETS[3],
                homework=BEN_MENTORSHIP_SECRETS[4],
                mentor_comment=BEN_MENTORSHIP_SECRETS[5],
                created_at=now,
            )
        )
        for by, stars, comment in ((ben.id, 2, 6), (ada.user_id, 3, 7)):
            s.add(
                Pulse(
                    member_id=member.id,
                    respondent_id=by,
                    round=1,
                    stars=stars,
                    comment=BEN_MENTORSHIP_SECRETS[comment],
                    created_at=now,
                )
            )
        s.add(
            Evaluation(
                member_id=member.id,
                respondent_id=ben.id,
                role=Role.MENTEE,
                stars=2,
                started_where=BEN_MENTORSHIP_SECRETS[8],
                created_at=now,
            )
        )
        s.add(
            ChangeRequest(
                member_id=member.id,
                requester_id=ben.id,
                reason=BEN_MENTORSHIP_SECRETS[9],
                created_at=now,
            )
        )
        assert frame.starts_on is not None and frame.ends_on is not None
        for each in frame.members:
            mentorship_plans.plan_active(
                s,
                mentorship_id=frame.id,
                member_id=each.id,
                people=(each.mentee_id, ada.user_id),
                starts_on=frame.starts_on,
                ends_on=frame.ends_on,
                now=now,
            )
        return frame.id


def mentorship_counts(box: Sandbox) -> dict[str, int]:
    with box.deps.sessions.begin() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in MENTORSHIP_TABLES
        }


def pending_work(box: Sandbox, mentorship_id: int) -> list[tuple[str, int | None]]:
    with box.deps.sessions.begin() as session:
        rows = session.execute(
            select(DueWork.kind, DueWork.recipient_id).where(
                DueWork.mentorship_id == mentorship_id, DueWork.status == "pending"
            )
        )
        return [tuple(row) for row in rows]


def test_privacy_explains_what_a_mentorship_keeps(box: Sandbox) -> None:
    box.user(BEN).command("privacy")
    notice = shown(box, BEN)
    assert "Your goals and their steps" in notice
    assert "Coordinators see that entries exist (a count), never what they say" in notice
    assert '"How is your mentorship going?"' in notice
    assert "your mentor is not told why" in notice


def test_a_mentee_is_forgotten_with_his_mentorship(box: Sandbox) -> None:
    """Ben deletes his data a month into his mentorship with Ada: every mentorship text about
    him goes, the mentorship ends, nothing more is planned for it, Ada is told; the rows,
    counts and stars stay for the programme's figures."""
    mentorship = ben_mentored_by_ada(box)
    everything = text_everywhere(box)
    for secret in BEN_MENTORSHIP_SECRETS:
        assert secret in everything, f"the test data lacks {secret!r}"
    assert pending_work(box, mentorship), "pulses and closing are planned"
    before = mentorship_counts(box)

    ben = box.user(BEN)
    ben.command("privacy delete")
    confirmation = shown(box, BEN)
    assert "diary entries, pulse and evaluation answers and requests in your 1 mentorship(s)" in (
        confirmation
    )
    assert "Your 1 ongoing mentorship(s) end now, and the others in them are told." in confirmation
    ben.click("Yes, delete my data")
    assert "1 mentorship(s) ended" in shown(box, BEN)

    everything = text_everywhere(box)
    for secret in (*BEN_MENTORSHIP_SECRETS, BEN):
        assert secret not in everything, f"{secret!r} survived the deletion"
    assert mentorship_counts(box) == before
    assert pending_work(box, mentorship) == []
    with box.deps.sessions.begin() as session:
        frame = session.get_one(Mentorship, mentorship)
        assert frame.status == MentorshipStatus.ENDED and frame.ended_at == box.clock.now()
        assert [m.status for m in frame.members] == [MemberStatus.ENDED]
        assert sorted(session.scalars(select(Pulse.stars))) == [2, 3]
        assert session.scalars(select(ChangeRequest.status)).one() == ChangeRequestStatus.HANDLED
    told = [
        s
        for s in box.fake.seen_by(ADA)
        if "your mentorship with them has ended" in s.text
        or "your mentorship with them has ended" in str(s.blocks)
    ]
    assert len(told) == 1
    with box.deps.sessions.begin() as session:
        figures = build_digest(
            session,
            start=box.clock.now() - timedelta(days=7),
            end=box.clock.now(),
            now=box.clock.now(),
        ).mentorships
    assert (figures.active, figures.at_risk, figures.open_change_requests) == (0, (), 0)


def test_a_mentor_is_forgotten_and_her_group_ends(box: Sandbox) -> None:
    """Ada deletes her data while mentoring Ben and Chitra as a group: the group ends, both are
    told, her words (the group's name, her notes and comments) go; Ben's own words stay his."""
    mentorship = ben_mentored_by_ada(box, with_chitra=True)
    ada = box.user(ADA)
    ada.command("privacy delete")
    assert "Your 1 ongoing mentorship(s) end now" in shown(box, ADA)
    ada.click("Yes, delete my data")

    everything = text_everywhere(box)
    for secret in (
        "Architecture circle",
        "Ask Priya about the charter",
        "Good reflection, Ben",
        "Ben seems distracted lately",
        "Happy to help.",
        ADA,
    ):
        assert secret not in everything, f"{secret!r} survived the deletion"
    for his in ("Chair the architecture guild", "My manager and I keep clashing"):
        assert his in everything, f"Ben's own {his!r} went with Ada's data"
    assert pending_work(box, mentorship) == []
    with box.deps.sessions.begin() as session:
        frame = session.get_one(Mentorship, mentorship)
        assert (frame.status, frame.name) == (MentorshipStatus.ENDED, "Former group")
        assert {m.status for m in frame.members} == {MemberStatus.ENDED}
    for mentee in (BEN, CHITRA):
        assert any(
            "your mentorship with them has ended" in str(s.blocks) for s in box.fake.seen_by(mentee)
        ), mentee
