"""The goals rules at the service level: one save for the whole form, only the mentee changes
goals, comments stay with their goal whatever the mentee reorders, and every refusal changes
nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.services import goals
from bot.services.goals import (
    FORM,
    GoalDraft,
    GoalsInvalid,
    OnlyMenteeChanges,
    OnlyMentorComments,
    StaleGoalsForm,
    StepDraft,
)
from bot.services.mentorship_view import MentorshipOver, NotInMentorship, view_of
from store.db import SessionFactory
from store.models import Goal, GoalComment, Mentorship, MentorshipMember
from store.statuses import GoalStatus, MemberStatus
from tests import seed
from tests.conftest import ADA, BEN, CHITRA
from tests.seed import NOW

FIVE = ("Talk", "Meeting", "Review", "Hiring", "Budget")
LATER = NOW + timedelta(days=3)


def pair(sessions: SessionFactory, goal_texts: tuple[str, ...] = FIVE) -> int:
    with sessions.begin() as session:
        ada = seed.add_mentor(session, ADA)
        ben = seed.add_user(session, BEN)
        return seed.add_mentorship(session, ada, [ben], goals=goal_texts).id


def drafts_of(sessions: SessionFactory, mentorship_id: int) -> list[GoalDraft]:
    """The form as it opens: every goal unchanged, in its slot."""
    with sessions.begin() as session:
        member = view_of(session, mentorship_id).members[0]
    return [
        GoalDraft(
            g.position, g.id, g.text, g.status, tuple(StepDraft(s.text, s.done) for s in g.steps)
        )
        for g in member.goals
    ]


def save(sessions: SessionFactory, mentorship_id: int, drafts: list[GoalDraft], *,
         actor: str = BEN, version: int | None = None, now=NOW) -> goals.GoalsOutcome:  # fmt: skip
    with sessions.begin() as session:
        current = session.get_one(Mentorship, mentorship_id).version
        return goals.save_goals(
            session,
            mentorship_id=mentorship_id,
            actor_slack_id=actor,
            version=current if version is None else version,
            drafts=drafts,
            now=now,
        )


def comment(sessions: SessionFactory, goal_id: int, text: str, actor: str = ADA) -> None:
    with sessions.begin() as session:
        goals.comment_on_goal(session, goal_id=goal_id, actor_slack_id=actor, text=text, now=NOW)


def rows(sessions: SessionFactory) -> list[tuple[str, str, list[str]]]:
    """Each goal's text, status and the comments on it, in the mentee's order."""
    with sessions.begin() as session:
        found = []
        for goal in session.scalars(select(Goal).order_by(Goal.member_id, Goal.position)):
            said = session.scalars(select(GoalComment.text).where(GoalComment.goal_id == goal.id))
            found.append((goal.text, goal.status, list(said)))
        return found


def test_a_full_reorder_keeps_each_comment_with_its_goal(sessions: SessionFactory) -> None:
    """Five goals rotated by one (no free place to move through): each comment follows its goal,
    and a reached goal keeps the day it was reached."""
    mentorship_id = pair(sessions)
    drafts = drafts_of(sessions, mentorship_id)
    comment(sessions, drafts[0].goal_id or 0, "Start small.")
    comment(sessions, drafts[4].goal_id or 0, "Ask finance.")
    reached = [*drafts[:4], GoalDraft(5, drafts[4].goal_id, "Budget", GoalStatus.REACHED)]
    save(sessions, mentorship_id, reached)
    rotated = drafts_of(sessions, mentorship_id)
    outcome = save(sessions, mentorship_id, [rotated[4], *rotated[:4]], now=LATER)
    assert rows(sessions) == [
        ("Budget", GoalStatus.REACHED, ["Ask finance."]),
        ("Talk", GoalStatus.NOT_STARTED, ["Start small."]),
        ("Meeting", GoalStatus.NOT_STARTED, []),
        ("Review", GoalStatus.NOT_STARTED, []),
        ("Hiring", GoalStatus.NOT_STARTED, []),
    ]
    with sessions.begin() as session:
        assert session.scalars(select(Goal.reached_at).where(Goal.text == "Budget")).one() == NOW
    assert outcome.mentorship.version == 3 and outcome.refresh == (ADA, BEN)
    assert [g.text for g in outcome.mentorship.members[0].goals][:2] == ["Budget", "Talk"]


def test_reached_is_dated_and_undated(sessions: SessionFactory) -> None:
    mentorship_id = pair(sessions, ("Talk",))
    [talk] = drafts_of(sessions, mentorship_id)
    save(sessions, mentorship_id, [GoalDraft(1, talk.goal_id, "Talk", GoalStatus.REACHED)])
    with sessions.begin() as session:
        assert session.scalars(select(Goal.reached_at)).one() == NOW
    save(sessions, mentorship_id, [GoalDraft(1, talk.goal_id, "Talk", GoalStatus.IN_PROGRESS)])
    with sessions.begin() as session:
        assert session.scalars(select(Goal.reached_at)).one() is None


def test_removing_and_adding_in_one_save(sessions: SessionFactory) -> None:
    mentorship_id = pair(sessions, ("Talk", "Meeting"))
    _, meeting = drafts_of(sessions, mentorship_id)
    comment(sessions, meeting.goal_id or 0, "Good one.")
    steps = (StepDraft("Book a room", True), StepDraft("Send the agenda", False))
    save(sessions, mentorship_id, [
        GoalDraft(2, meeting.goal_id, "Meeting", GoalStatus.IN_PROGRESS, steps),
        GoalDraft(3, None, "  Mentor an intern  ", GoalStatus.NOT_STARTED),
    ])  # fmt: skip
    assert rows(sessions) == [
        ("Meeting", GoalStatus.IN_PROGRESS, ["Good one."]),
        ("Mentor an intern", GoalStatus.NOT_STARTED, []),
    ]
    [first, _] = drafts_of(sessions, mentorship_id)
    assert first.steps == steps


@pytest.mark.parametrize(
    ("drafts", "field", "words"),
    [
        ([], FORM, "at least one goal"),
        ([GoalDraft(1, None, "   ", GoalStatus.NOT_STARTED)], FORM, "at least one goal"),
        ([GoalDraft(n, None, f"Goal {n}", GoalStatus.NOT_STARTED) for n in range(1, 7)], FORM,
         "Up to 5 goals"),
        ([GoalDraft(2, None, "x" * 201, GoalStatus.NOT_STARTED)], "text:2", "200 characters"),
        ([GoalDraft(1, None, "Talk", GoalStatus.NOT_STARTED,
                    tuple(StepDraft(f"s{n}", False) for n in range(9)))], "steps:1", "8 steps"),
        ([GoalDraft(1, None, "Talk", GoalStatus.NOT_STARTED, (StepDraft("s" * 201, False),))],
         "steps:1", "200 characters"),
        ([GoalDraft(1, None, "", GoalStatus.NOT_STARTED, (StepDraft("A step", False),))],
         "text:1", "goal these steps lead to"),
        ([GoalDraft(1, None, "Talk", None)], "status:1", "Pick one"),
    ],
)  # fmt: skip
def test_bad_forms_change_nothing(
    sessions: SessionFactory, drafts: list[GoalDraft], field: str, words: str
) -> None:
    mentorship_id = pair(sessions, ("Talk", "Meeting"))
    with pytest.raises(GoalsInvalid) as refused:
        save(sessions, mentorship_id, drafts)
    assert words in refused.value.errors[field]
    assert [text for text, _, _ in rows(sessions)] == ["Talk", "Meeting"]


def test_who_may_save_and_when(sessions: SessionFactory) -> None:
    """The mentor, an outsider, a stale form, another mentee's goal id, an ended mentorship."""
    mentorship_id = pair(sessions, ("Talk",))
    drafts = drafts_of(sessions, mentorship_id)
    with sessions.begin() as session:
        dan = seed.add_mentor(session, "U0DAN")
        chitra = seed.add_user(session, CHITRA)
        other = seed.add_mentorship(session, dan, [chitra], goals=("Hers",))
        hers = other.members[0].goals[0].id
    with pytest.raises(OnlyMenteeChanges):
        save(sessions, mentorship_id, drafts, actor=ADA)
    with pytest.raises(NotInMentorship):
        save(sessions, mentorship_id, drafts, actor=CHITRA)
    with pytest.raises(StaleGoalsForm):
        save(sessions, mentorship_id, drafts, version=0)
    with pytest.raises(StaleGoalsForm):
        save(sessions, mentorship_id, [GoalDraft(1, hers, "Mine now", GoalStatus.REACHED)])
    with sessions.begin() as session:
        member = session.scalars(
            select(MentorshipMember).where(MentorshipMember.mentorship_id == mentorship_id)
        ).one()
        member.status = MemberStatus.ENDED
    with pytest.raises(MentorshipOver):
        save(sessions, mentorship_id, drafts)
    assert [text for text, _, _ in rows(sessions)] == ["Talk", "Hers"]


def test_in_a_group_each_mentee_edits_only_their_own_goals(sessions: SessionFactory) -> None:
    with sessions.begin() as session:
        ada = seed.add_mentor(session, ADA)
        ben, chitra = seed.add_user(session, BEN), seed.add_user(session, CHITRA)
        group = seed.add_mentorship(
            session, ada, [ben, chitra], group_name="Leads", goals=("Lead",)
        )
        mentorship_id, bens = group.id, group.members[0].goals[0].id
        chitras = group.members[1].goals[0].id
    outcome = save(sessions, mentorship_id, [GoalDraft(1, bens, "Lead well", GoalStatus.REACHED)])
    assert [(m.mentee_slack_id, m.goals_reached) for m in outcome.mentorship.members] == [
        (BEN, 1), (CHITRA, 0),
    ]  # fmt: skip
    assert outcome.refresh == (ADA, BEN, CHITRA)
    with pytest.raises(StaleGoalsForm):
        save(sessions, mentorship_id, [GoalDraft(1, chitras, "Hers", GoalStatus.DROPPED)])
    with sessions.begin() as session:
        form = goals.goals_form(session, mentorship_id=mentorship_id, actor_slack_id=ADA)
    assert len([g for m in form.mentorship.members for g in m.goals]) == 2


def test_comments_come_from_the_mentor_only(sessions: SessionFactory) -> None:
    mentorship_id = pair(sessions, ("Talk",))
    [talk] = drafts_of(sessions, mentorship_id)
    goal_id = talk.goal_id or 0
    with pytest.raises(OnlyMentorComments):
        comment(sessions, goal_id, "Talking to myself", actor=BEN)
    with pytest.raises(NotInMentorship):
        comment(sessions, goal_id, "Hello", actor=CHITRA)
    with pytest.raises(goals.CommentInvalid):
        comment(sessions, goal_id, "   ")
    with pytest.raises(goals.CommentInvalid):
        comment(sessions, goal_id, "x" * 1001)
    with pytest.raises(NotInMentorship):
        comment(sessions, 999_999, "Hello")
    assert rows(sessions) == [("Talk", GoalStatus.NOT_STARTED, [])]
    with sessions.begin() as session:
        outcome = goals.comment_on_goal(
            session, goal_id=goal_id, actor_slack_id=ADA, text=" Go! ", now=NOW
        )
        form = goals.goals_form(session, mentorship_id=mentorship_id, actor_slack_id=BEN)
    assert (outcome.mentee_slack_id, outcome.goal_text, outcome.comment) == (BEN, "Talk", "Go!")
    assert [c.text for c in form.comments[goal_id]] == ["Go!"]
