"""Coordinator-made matching for a cohort: propose once enrolment closes, review, publish once.

The proposal is the optimal assignment of the enrolled mentees to the enrolled active mentors
(bot/services/cohort_matching.py) within each mentor's free places; coordinators remove pairs
they do not want or swap two pairs' mentors, then publish: each pair starts at the agreement
step of the mentorship flow (mentorships.start_cohort_pair). A published proposal cannot be
published or changed again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.services import due
from bot.services.cohort_matching import gap_credit, optimal_pairs, pair_score
from bot.services.coordinators import authorize, require_coordinator
from bot.services.errors import DomainError
from bot.services.mentorship_view import MentorshipError
from bot.services.mentorships import HOLDING_PLACE, MemberOutcome, start_cohort_pair
from store.models import (
    CohortPairing,
    Enrolment,
    MentorProfile,
    MentorshipMember,
    MentorSkill,
    Programme,
    ProposedPair,
    Skill,
    User,
    UserInterest,
)
from store.statuses import Matching, MentorStatus, PairingStatus, Role

CLOSE_ENROLMENT = "programme_close"  # due work: a cohort's enrolment closes on its first day
NO_SKILL = "no enrolled mentor offers the skills they want"
ALL_FULL = "every mentor who could help is full"
NO_GAPS = "saved no skill gaps to match on (`/mentor interests`)"


class PairingRefused(DomainError):
    """A review, removal or publication the pairing's state refuses; nothing changed."""


@dataclass(frozen=True)
class PairView:
    id: int
    mentor_slack_id: str
    mentee_slack_id: str
    score: float
    why: str
    mentor_name: str = ""
    mentee_name: str = ""


@dataclass(frozen=True)
class PairingReview:
    programme_id: int
    programme_name: str
    published: bool
    pairs: tuple[PairView, ...]
    unmatched: tuple[tuple[str, str], ...]  # (mentee's Slack id, why)


@dataclass(frozen=True)
class Published:
    """Each published pair's start (whom to ask to agree) and why it was proposed."""

    programme_name: str
    outcomes: tuple[MemberOutcome, ...]
    whys: tuple[str, ...]
    skipped: tuple[str, ...] = ()  # "mentee's Slack id: why", pairs that could not start


def _why(gaps: dict[int, int | None], skills: dict[int, int], names: dict[int, str]) -> str:
    parts = []
    for skill, target in sorted(gaps.items(), key=lambda g: names.get(g[0], "")):
        credit = gap_credit(target, skills.get(skill))
        if credit:
            half = " (one level below)" if credit < 1 else ""
            parts.append(f"{names.get(skill, '?')}{half}")
    return "covers " + ", ".join(parts)


def propose(session: Session, *, programme: Programme, now: datetime) -> CohortPairing | None:
    """The optimal pairs of a cohort whose coordinators form them, once; None otherwise."""
    if programme.matching != Matching.COORDINATORS or programme.is_default:
        return None
    if session.scalar(select(CohortPairing.id).where(CohortPairing.programme_id == programme.id)):
        return None
    enrolled = (
        select(Enrolment.user_id)
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.programme_id == programme.id, User.deleted_at.is_(None))
    )
    mentees = list(
        session.scalars(enrolled.where(Enrolment.role == Role.MENTEE).order_by(Enrolment.user_id))
    )
    mentors = session.execute(
        select(MentorProfile.id, MentorProfile.mentee_limit)
        .where(
            MentorProfile.user_id.in_(enrolled.where(Enrolment.role == Role.MENTOR)),
            MentorProfile.status == MentorStatus.ACTIVE,
        )
        .order_by(MentorProfile.id)
    ).all()
    mentor_ids = [m.id for m in mentors]
    taken = dict(
        session.execute(
            select(MentorshipMember.mentor_id, func.count())
            .where(
                MentorshipMember.mentor_id.in_(mentor_ids),
                MentorshipMember.status.in_(HOLDING_PLACE),
            )
            .group_by(MentorshipMember.mentor_id)
        ).all()
    )
    gaps: dict[int, dict[int, int | None]] = defaultdict(dict)
    for user_id, skill_id, target in session.execute(
        select(UserInterest.user_id, UserInterest.skill_id, UserInterest.target_level).where(
            UserInterest.user_id.in_(mentees)
        )
    ):
        gaps[user_id][skill_id] = target
    skills: dict[int, dict[int, int]] = defaultdict(dict)
    for mentor_id, skill_id, level in session.execute(
        select(MentorSkill.mentor_id, MentorSkill.skill_id, MentorSkill.level).where(
            MentorSkill.mentor_id.in_(mentor_ids)
        )
    ):
        skills[mentor_id][skill_id] = level
    scores = [[pair_score(gaps[u], skills[m]) for m in mentor_ids] for u in mentees]
    free = [max(m.mentee_limit - taken.get(m.id, 0), 0) for m in mentors]
    chosen = optimal_pairs(scores, free) if mentees and mentors else []
    wanted = {s for g in gaps.values() for s in g}
    names = dict(session.execute(select(Skill.id, Skill.name).where(Skill.id.in_(wanted))).all())
    pairing = CohortPairing(programme_id=programme.id, status=PairingStatus.DRAFT, created_at=now)
    pairing.pairs = [
        ProposedPair(
            mentor_id=mentor_ids[j],
            mentee_id=mentees[i],
            score=scores[i][j],
            why=_why(gaps[mentees[i]], skills[mentor_ids[j]], names),
        )
        for i, j in chosen
    ]
    session.add(pairing)
    session.flush()
    return pairing


def _review(session: Session, programme: Programme) -> PairingReview:
    pairing = session.scalar(
        select(CohortPairing).where(CohortPairing.programme_id == programme.id)
    )
    if pairing is None:
        raise PairingRefused(
            f"No pairs are proposed for {programme.name}: they are proposed when a coordinator "
            "closes enrolment in a programme whose coordinators form the pairs."
        )
    rows = session.execute(
        select(ProposedPair, User.slack_id, User.real_name)
        .join(User, User.id == ProposedPair.mentee_id)
        .where(ProposedPair.pairing_id == pairing.id)
        .order_by(ProposedPair.score.desc(), ProposedPair.id)
    ).all()
    mentor_of = {
        mentor_id: (slack_id, name)
        for mentor_id, slack_id, name in session.execute(
            select(MentorProfile.id, User.slack_id, User.real_name)
            .join(User, User.id == MentorProfile.user_id)
            .where(MentorProfile.id.in_({pair.mentor_id for pair, *_ in rows}))
        )
    }
    pairs = tuple(
        PairView(
            pair.id,
            mentor_of[pair.mentor_id][0],
            mentee,
            pair.score,
            pair.why,
            mentor_name=mentor_of[pair.mentor_id][1],
            mentee_name=mentee_name,
        )
        for pair, mentee, mentee_name in rows
    )
    paired = {pair.mentee_id for pair, *_ in rows}
    lonely = session.execute(
        select(User.id, User.slack_id)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.programme_id == programme.id, Enrolment.role == Role.MENTEE)
        .order_by(User.real_name)
    ).all()
    left = [(user_id, slack_id) for user_id, slack_id in lonely if user_id not in paired]
    covered = _covered(session, programme, [user_id for user_id, _ in left])
    with_gaps = set(
        session.scalars(
            select(UserInterest.user_id).where(
                UserInterest.user_id.in_([user_id for user_id, _ in left])
            )
        )
    )
    unmatched = tuple(
        (
            slack_id,
            ALL_FULL if user_id in covered else NO_SKILL if user_id in with_gaps else NO_GAPS,
        )
        for user_id, slack_id in left
    )
    return PairingReview(
        programme.id,
        programme.name,
        pairing.status == PairingStatus.PUBLISHED,
        pairs,
        unmatched,
    )


def _covered(session: Session, programme: Programme, mentee_ids: list[int]) -> set[int]:
    """Those of these mentees whom some enrolled active mentor could help at all (two queries:
    their gaps, the mentors' skills)."""
    if not mentee_ids:
        return set()
    gaps: dict[int, dict[int, int | None]] = defaultdict(dict)
    for user_id, skill_id, target in session.execute(
        select(UserInterest.user_id, UserInterest.skill_id, UserInterest.target_level).where(
            UserInterest.user_id.in_(mentee_ids)
        )
    ):
        gaps[user_id][skill_id] = target
    offered: dict[int, dict[int, int]] = defaultdict(dict)
    for mentor_id, skill_id, level in session.execute(
        select(MentorSkill.mentor_id, MentorSkill.skill_id, MentorSkill.level)
        .join(MentorProfile, MentorProfile.id == MentorSkill.mentor_id)
        .where(
            MentorProfile.status == MentorStatus.ACTIVE,
            MentorProfile.user_id.in_(
                select(Enrolment.user_id).where(
                    Enrolment.programme_id == programme.id, Enrolment.role == Role.MENTOR
                )
            ),
        )
    ):
        offered[mentor_id][skill_id] = level
    return {
        user_id
        for user_id, wanted in gaps.items()
        if any(pair_score(wanted, skills) > 0 for skills in offered.values())
    }


def _slack_id(session: Session, user_id: int) -> str:
    return session.scalar(select(User.slack_id).where(User.id == user_id)) or ""


def _programme(session: Session, programme_id: int) -> Programme:
    programme = session.get(Programme, programme_id)
    if programme is None or programme.is_default:
        raise PairingRefused("That programme no longer exists. Nothing was changed.")
    return programme


def review(
    session: Session, *, actor: str, coordinators: Collection[str], programme_id: int
) -> PairingReview:
    """The proposal as coordinators review it: pairs best first, then who is left and why."""
    require_coordinator(actor, coordinators)
    return _review(session, _programme(session, programme_id))


def _draft(session: Session, programme_id: int) -> CohortPairing:
    pairing = session.scalar(
        select(CohortPairing).where(CohortPairing.programme_id == programme_id).with_for_update()
    )
    if pairing is None:
        raise PairingRefused("No pairs are proposed for this programme. Nothing was changed.")
    if pairing.status == PairingStatus.PUBLISHED:
        raise PairingRefused(
            "These pairs were already published, so nothing was changed: each pair has its "
            "agreement to complete."
        )
    return pairing


def remove_pair(
    session: Session,
    *,
    actor: str,
    coordinators: Collection[str],
    programme_id: int,
    pair_id: int,
    now: datetime,
) -> PairingReview:
    """Take one pair out of a draft proposal (its mentee is then listed as unmatched)."""
    require_coordinator(actor, coordinators)
    programme = _programme(session, programme_id)
    pairing = _draft(session, programme.id)
    pair = session.get(ProposedPair, pair_id)
    if pair is not None and pair.pairing_id == pairing.id:
        session.delete(pair)
        session.flush()
        authorize(
            session,
            actor=actor,
            coordinators=coordinators,
            action="pair removed",
            detail=programme.name,
            now=now,
            subject=f"programme:{programme.id}",
        )
    session.expire(pairing)
    return _review(session, programme)


def _score_of(session: Session, mentor_id: int, mentee_id: int) -> tuple[float, str]:
    """One pair's score and why, read afresh (a swap makes two new pairs)."""
    gaps: dict[int, int | None] = dict(
        session.execute(
            select(UserInterest.skill_id, UserInterest.target_level).where(
                UserInterest.user_id == mentee_id
            )
        ).all()
    )
    offered: dict[int, int] = dict(
        session.execute(
            select(MentorSkill.skill_id, MentorSkill.level).where(
                MentorSkill.mentor_id == mentor_id
            )
        ).all()
    )
    names = dict(session.execute(select(Skill.id, Skill.name).where(Skill.id.in_(gaps))).all())
    return pair_score(gaps, offered), _why(gaps, offered, names)


def swap_pairs(
    session: Session,
    *,
    actor: str,
    coordinators: Collection[str],
    programme_id: int,
    pair_ids: Collection[int],
    now: datetime,
) -> PairingReview:
    """Exchange the mentors of two pairs of a draft; refused when a new pair would score 0."""
    require_coordinator(actor, coordinators)
    programme = _programme(session, programme_id)
    pairing = _draft(session, programme.id)
    pairs = [p for p in pairing.pairs if p.id in set(pair_ids)]
    if len(set(pair_ids)) != 2 or len(pairs) != 2:
        raise PairingRefused("Choose exactly two pairs to swap their mentors. Nothing was changed.")
    first, second = pairs
    new_first = _score_of(session, second.mentor_id, first.mentee_id)
    new_second = _score_of(session, first.mentor_id, second.mentee_id)
    if new_first[0] <= 0 or new_second[0] <= 0:
        raise PairingRefused(
            "After that swap a mentor would cover none of their mentee's skill gaps, so "
            "nothing was changed."
        )
    first.mentor_id, second.mentor_id = second.mentor_id, first.mentor_id
    (first.score, first.why), (second.score, second.why) = new_first, new_second
    session.flush()
    authorize(
        session,
        actor=actor,
        coordinators=coordinators,
        action="pairs swapped",
        detail=programme.name,
        now=now,
        subject=f"programme:{programme.id}",
    )
    return _review(session, programme)


def publish(
    session: Session, *, actor: str, coordinators: Collection[str], programme_id: int, now: datetime
) -> Published:
    """Start every pair of the draft at the agreement step; refused the second time."""
    require_coordinator(actor, coordinators)
    programme = _programme(session, programme_id)
    pairing = _draft(session, programme.id)
    started: list[tuple[MemberOutcome, str]] = []
    skipped: list[str] = []
    for pair in pairing.pairs:
        try:
            with session.begin_nested():
                outcome = start_cohort_pair(
                    session,
                    programme_id=programme.id,
                    mentor_id=pair.mentor_id,
                    mentee_id=pair.mentee_id,
                    cadence=programme.default_cadence,
                    months=programme.default_months,
                    hopes=f"Paired by the coordinators of {programme.name}: {pair.why}.",
                    now=now,
                )
            started.append((outcome, pair.why))
        except MentorshipError as refused:  # changed since the proposal: full, paused, paired
            skipped.append(f"{_slack_id(session, pair.mentee_id)}: {refused}")
    outcomes = tuple(outcome for outcome, _ in started)
    pairing.status = PairingStatus.PUBLISHED
    pairing.published_at = now
    pairing.published_by = actor
    authorize(
        session,
        actor=actor,
        coordinators=coordinators,
        action="pairs published",
        detail=f"{programme.name}: {len(outcomes)} pairs",
        now=now,
        subject=f"programme:{programme.id}",
    )
    return Published(programme.name, outcomes, tuple(why for _, why in started), tuple(skipped))


def plan_closing(session: Session, *, programme: Programme, now: datetime) -> None:
    """A cohort whose coordinators pair closes enrolment by itself on its first day (00:00 UTC),
    unless a coordinator closed it before; a new start date plans a new closing."""
    if programme.matching != Matching.COORDINATORS or not programme.enrolment_open:
        return
    if programme.starts_on is None:
        return
    due.schedule(
        session,
        key=f"programme:close:{programme.id}:{programme.starts_on.isoformat()}",
        kind=CLOSE_ENROLMENT,
        due_at=datetime.combine(programme.starts_on, time(), tzinfo=UTC),
        now=now,
        payload={"programme_id": programme.id},
    )


@dataclass(frozen=True)
class ClosedByDate:
    programme_id: int
    programme_name: str
    pairs: int


def close_on_start(session: Session, *, programme_id: int, now: datetime) -> ClosedByDate | None:
    """The due closing: still open on or after its first day, enrolment closes and the pairs
    are proposed; None when a coordinator closed it, the date moved, or it is gone."""
    programme = session.get(Programme, programme_id, with_for_update=True)
    if programme is None or not programme.enrolment_open or programme.starts_on is None:
        return None
    if now.date() < programme.starts_on or programme.matching != Matching.COORDINATORS:
        return None
    programme.enrolment_open = False
    pairing = propose(session, programme=programme, now=now)
    return ClosedByDate(programme.id, programme.name, len(pairing.pairs) if pairing else 0)
