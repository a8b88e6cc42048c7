"""Finding a mentor: skills asked for, matched against active mentors, ranked with free times.

design.md §1 and §2. The words of `/mentor find python leadership` are skills, each normalised
(synonyms resolved); adjacent words that together name a known skill ("machine learning") count
as one. A mentor's match is the share of asked skills they offer: an exact skill counts 1, a
near miss (a typo such as "pyhton", difflib ratio >= 0.8) counts one half.

A slot is bookable when it starts within the horizon, nobody holds it (no pending or approved
booking) and its week, the ISO week in the mentor's own time zone, is not already full: live
bookings in a week are capped by the mentor's weekly capacity. Mentors whose free slots all lie
in full weeks are at capacity and left out; mentors with no free slot at all are listed apart,
so the asker can ask them for availability. Skills nobody offers are recorded as unmet demand.

The work is a fixed number of queries whatever the number of mentors: skills, candidates, live
bookings, the first free slots per mentor (one windowed query), recent load, the asker's
pending requests.
"""

from __future__ import annotations

import difflib
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, Select, and_, case, delete, func, literal, or_, select
from sqlalchemy.orm import Session

from bot.services.availability import LIVE_STATUSES
from bot.services.bookings import BOOKING_LEAD
from bot.services.errors import DomainError
from bot.services.mentors import SEARCHABLE
from bot.services.skills import (
    SYNONYMS,
    SkillTooLong,
    closest_skills,
    ensure_skills,
    normalise,
    split_skills,
)
from store.models import (
    Booking,
    MentorProfile,
    MentorSkill,
    SearchMiss,
    Skill,
    Slot,
    User,
    UserInterest,
)

NEXT_SLOTS = 3  # free times shown per mentor in the results
SUGGESTIONS = 3
NEAR_MISS = 0.8  # difflib ratio from which a differently spelt skill earns half credit
NEAR_CREDIT = 0.5
RECENT_DAYS = 30  # recent load: approved sessions from this many days back to the horizon
BIO_LINE_MAX = 150
GOALS_MAX = 1000
MAX_PHRASE_WORDS = 4  # longest run of words tried as one skill ("amazon web services")
# A local ISO week reaches at most 14 hours either side of the UTC week holding it; a week of
# margin on each side of the horizon covers every week a bookable slot can fall in.
WEEK_MARGIN = timedelta(days=8)

# Multi-word names the catalogue knows without a database row: synonyms and their skills.
_KNOWN_PHRASES = frozenset(SYNONYMS) | {name.casefold() for name in SYNONYMS.values()}

WeekKey = tuple[int, int]  # (ISO year, ISO week)


class NoSkillsGiven(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "Which skills would you like to learn? Name them after find, for example "
            "`/mentor find python leadership`, or save your interests once and just type "
            "`/mentor find`."
        )


class GoalsTooLong(DomainError):
    def __init__(self, length: int) -> None:
        super().__init__(f"Keep your goals under {GOALS_MAX} characters (they have {length}).")


class UnknownPerson(DomainError):
    def __init__(self) -> None:
        super().__init__("I don't know you yet. Say hello with `/mentor help` and try again.")


@dataclass(frozen=True)
class SlotChoice:
    id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class MentorMatch:
    mentor_id: int
    slack_id: str
    name: str
    bio_first_line: str
    matched: tuple[str, ...]
    percent: int
    next_slots: tuple[SlotChoice, ...]
    requested: bool
    recent_load: int


@dataclass(frozen=True)
class SearchResult:
    asked: tuple[str, ...]
    available: tuple[MentorMatch, ...]
    without_slots: tuple[MentorMatch, ...]
    suggestions: tuple[str, ...]
    used_interests: bool
    more: int


@dataclass(frozen=True)
class Interests:
    skills: tuple[str, ...]
    goals: str | None


@dataclass(frozen=True)
class _Catalogued:
    id: int
    key: str
    name: str


@dataclass
class _Candidate:
    mentor_id: int
    slack_id: str
    name: str
    bio: str
    tz: str
    capacity: int
    skill_ids: set[int]


# ---------------------------------------------------------------------------------------------
# Searching


def find_mentors(
    session: Session,
    *,
    asker_slack_id: str,
    query: Sequence[str],
    now: datetime,
    limit: int = 5,
    horizon_days: int = 14,
) -> SearchResult:
    """Active mentors for the asked skills (or the asker's saved interests), best first.

    Raises NoSkillsGiven when nothing was asked and no interests are saved, SkillTooLong when a
    word is longer than any skill can be.
    """
    limit = max(limit, 0)
    horizon_end = now + timedelta(days=horizon_days)
    asker_id = session.scalar(select(User.id).where(User.slack_id == asker_slack_id))
    skills = {
        row.key: _Catalogued(row.id, row.key, row.name)
        for row in session.execute(select(Skill.id, Skill.key, Skill.name))
    }

    asked = _parse_query(query, skills)
    used_interests = not asked
    if used_interests:
        saved = _saved_interests(session, asker_id) if asker_id is not None else []
        asked = [(skill.key, skill.name) for skill in saved]
        if not asked:
            raise NoSkillsGiven()
    asked_keys = [key for key, _ in asked]

    exact = {key: skills[key].id for key in asked_keys if key in skills}
    near = {key: _near_misses(key, skills.values()) for key in asked_keys}
    wanted_ids = set(exact.values()) | {sid for ids in near.values() for sid in ids}
    names = {skill.id: skill.name for skill in skills.values()}

    candidates = _candidates(session, wanted_ids, asker_slack_id) if wanted_ids else {}
    scores: dict[int, tuple[int, tuple[str, ...]]] = {}
    covered: set[str] = set()
    for mentor in candidates.values():
        credit = 0.0
        matched: list[str] = []
        for key in asked_keys:
            if exact.get(key) in mentor.skill_ids:
                credit += 1
                matched.append(names[exact[key]])
            elif close := [(r, sid) for sid, r in near[key].items() if sid in mentor.skill_ids]:
                credit += NEAR_CREDIT
                matched.append(names[max(close, key=lambda c: (c[0], -c[1]))[1]])
            else:
                continue
            covered.add(key)
        if credit > 0:
            percent = math.floor(100 * credit / len(asked_keys) + 0.5)
            scores[mentor.mentor_id] = (percent, tuple(dict.fromkeys(matched)))

    for key in asked_keys:
        if key not in covered:
            session.add(SearchMiss(user_id=asker_id, skill_key=key, searched_at=now))
    suggestions: tuple[str, ...] = ()
    if not scores:
        suggestions = _suggestions(session, asked_keys, asker_slack_id)
        session.flush()
        return SearchResult(
            asked=tuple(name for _, name in asked),
            available=(),
            without_slots=(),
            suggestions=suggestions,
            used_interests=used_interests,
            more=0,
        )

    pool = _candidate_ids(wanted_ids, asker_slack_id)
    full = _full_weeks(
        _live_bookings(session, pool, now - WEEK_MARGIN, horizon_end + WEEK_MARGIN),
        {m.mentor_id: (m.tz, m.capacity) for m in candidates.values()},
    )
    zones = {mentor.tz for mentor in candidates.values()}
    free = _free_slots(session, pool, now + BOOKING_LEAD, horizon_end, zones=zones)
    load = _recent_load(session, pool, now - timedelta(days=RECENT_DAYS), horizon_end)
    requested = _requested_mentors(session, asker_id) if asker_id is not None else set()

    ranked: list[tuple[tuple[int, datetime, int, str, int], MentorMatch]] = []
    without: list[tuple[tuple[int, str, int], MentorMatch]] = []
    for mentor_id, (percent, names_matched) in scores.items():
        mentor = candidates[mentor_id]
        mentor_free = free.get(mentor_id, [])
        bookable = _bookable(mentor_free, mentor.tz, full.get(mentor_id, set()))
        match = MentorMatch(
            mentor_id=mentor_id,
            slack_id=mentor.slack_id,
            name=mentor.name,
            bio_first_line=first_line(mentor.bio),
            matched=names_matched,
            percent=percent,
            next_slots=tuple(bookable[:NEXT_SLOTS]),
            requested=mentor_id in requested,
            recent_load=load.get(mentor_id, 0),
        )
        name_key = mentor.name.casefold()
        if bookable or match.requested:
            soonest = bookable[0].starts_at if bookable else datetime.max.replace(tzinfo=UTC)
            ranked.append(((-percent, soonest, match.recent_load, name_key, mentor_id), match))
        elif not mentor_free:
            without.append(((-percent, name_key, mentor_id), match))
        # Otherwise every free slot lies in a full week: the mentor is at capacity for now.

    ranked.sort(key=lambda pair: pair[0])
    without.sort(key=lambda pair: pair[0])
    session.flush()
    return SearchResult(
        asked=tuple(name for _, name in asked),
        available=tuple(match for _, match in ranked[:limit]),
        without_slots=tuple(match for _, match in without[:limit]),
        suggestions=suggestions,
        used_interests=used_interests,
        more=max(len(ranked) - limit, 0),
    )


def free_slots(
    session: Session,
    *,
    mentor_id: int,
    now: datetime,
    horizon_days: int = 14,
    limit: int = 100,
    ignoring_booking_id: int | None = None,
) -> list[SlotChoice]:
    """One mentor's bookable slots in the horizon, soonest first (at most `limit`).

    Held slots and slots in weeks the mentor's capacity already fills are left out. When a
    mentor proposes moving a request, pass it as `ignoring_booking_id`: it no longer counts
    towards its week, since moving it adds no session.
    """
    mentor = session.execute(
        select(MentorProfile.weekly_capacity, User.tz)
        .join(User, User.id == MentorProfile.user_id)
        .where(MentorProfile.id == mentor_id)
    ).first()
    if mentor is None or limit < 1:
        return []
    horizon_end = now + timedelta(days=horizon_days)
    pool = select(MentorProfile.id).where(MentorProfile.id == mentor_id)
    bookings = _live_bookings(
        session, pool, now - WEEK_MARGIN, horizon_end + WEEK_MARGIN, ignoring_booking_id
    )
    full = _full_weeks(bookings, {mentor_id: (mentor.tz, mentor.weekly_capacity)})
    free = _free_slots(session, pool, now + BOOKING_LEAD, horizon_end, zones=None)
    return _bookable(free.get(mentor_id, []), mentor.tz, full.get(mentor_id, set()))[:limit]


def first_line(bio: str) -> str:
    """The first non-empty line of a bio, cut to BIO_LINE_MAX characters."""
    line = next((part.strip() for part in bio.splitlines() if part.strip()), "")
    return line if len(line) <= BIO_LINE_MAX else line[: BIO_LINE_MAX - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------------
# Interests


def save_interests(
    session: Session,
    *,
    person_id: int,
    skills: Sequence[str],
    goals: str | None = None,
    keep_goals: bool = True,
) -> Interests:
    """Replace the person's interests; set their goals when given, else keep or clear them.

    Blank goals clear them. Raises GoalsTooLong beyond GOALS_MAX characters.
    """
    user = session.get(User, person_id)
    if user is None:
        raise UnknownPerson()
    if goals is not None:
        goals = goals.strip()
        if len(goals) > GOALS_MAX:
            raise GoalsTooLong(len(goals))
        user.goals = goals or None
    elif not keep_goals:
        user.goals = None
    chosen = ensure_skills(session, skills)
    session.execute(delete(UserInterest).where(UserInterest.user_id == person_id))
    session.add_all(UserInterest(user_id=person_id, skill_id=skill.id) for skill in chosen)
    session.flush()
    session.expire(user, ["interests"])
    return Interests(skills=_sorted_names(s.name for s in chosen), goals=user.goals)


def interests_of(session: Session, *, person_id: int) -> Interests:
    """The person's saved skills (by name) and goals; empty when they saved none."""
    goals = session.scalar(select(User.goals).where(User.id == person_id))
    saved = _saved_interests(session, person_id)
    return Interests(skills=_sorted_names(s.name for s in saved), goals=goals)


def _saved_interests(session: Session, person_id: int) -> list[_Catalogued]:
    rows = session.execute(
        select(Skill.id, Skill.key, Skill.name)
        .join(UserInterest, UserInterest.skill_id == Skill.id)
        .where(UserInterest.user_id == person_id)
    )
    saved = [_Catalogued(row.id, row.key, row.name) for row in rows]
    return sorted(saved, key=lambda skill: (skill.name.casefold(), skill.key))


def _sorted_names(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(names, key=str.casefold))


# ---------------------------------------------------------------------------------------------
# Reading the query


def _parse_query(query: Sequence[str], skills: dict[str, _Catalogued]) -> list[tuple[str, str]]:
    """(key, display name) of each asked skill, in order, without duplicates.

    An element with several words (the caller split on commas) is one skill. Runs of single
    words are read greedily: the longest run (up to MAX_PHRASE_WORDS) naming a known skill is
    one skill, otherwise each word is its own.
    """
    asked: dict[str, str] = {}

    def take(text: str) -> None:
        normalised = normalise(text)
        if normalised is not None:
            key, name = normalised
            asked.setdefault(key, skills[key].name if key in skills else name)

    words: list[str] = []

    def take_words() -> None:
        start = 0
        while start < len(words):
            size = _known_run(words, start, skills)
            take(" ".join(words[start : start + size]))
            start += size
        words.clear()

    for element in query:
        for part in split_skills(element):
            if len(part.split()) > 1:
                take_words()
                take(part)
            else:
                words.append(part)
    take_words()
    return list(asked.items())


def _known_run(words: list[str], start: int, skills: dict[str, _Catalogued]) -> int:
    """How many words from `start` name one known skill together; 1 when no longer run does."""
    for size in range(min(MAX_PHRASE_WORDS, len(words) - start), 1, -1):
        phrase = " ".join(words[start : start + size])
        try:
            normalised = normalise(phrase)
        except SkillTooLong:
            continue
        if normalised and (normalised[0] in skills or phrase.casefold() in _KNOWN_PHRASES):
            return size
    return 1


def _near_misses(key: str, catalogue: Iterable[_Catalogued]) -> dict[int, float]:
    """Skill id -> ratio of the catalogue's keys spelt nearly like `key` (not the key itself)."""
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(key)
    near: dict[int, float] = {}
    for skill in catalogue:
        if skill.key == key:
            continue
        matcher.set_seq1(skill.key)
        if (
            matcher.real_quick_ratio() >= NEAR_MISS
            and matcher.quick_ratio() >= NEAR_MISS
            and (ratio := matcher.ratio()) >= NEAR_MISS
        ):
            near[skill.id] = ratio
    return near


def _suggestions(session: Session, asked_keys: list[str], asker_slack_id: str) -> tuple[str, ...]:
    """Up to SUGGESTIONS skills spelt like the asked ones that some active mentor offers."""
    close = [
        skill
        for key in asked_keys
        for skill in closest_skills(session, key, limit=10)
        if skill.key not in asked_keys
    ]
    if not close:
        return ()
    offered = set(
        session.scalars(_candidate_ids({skill.id for skill in close}, asker_slack_id, skill=True))
    )
    names = [skill.name for skill in close if skill.id in offered]
    return tuple(dict.fromkeys(names))[:SUGGESTIONS]


# ---------------------------------------------------------------------------------------------
# Queries, each one whatever the number of mentors


def _candidate_ids(skill_ids: set[int], asker_slack_id: str, *, skill: bool = False) -> Select[Any]:
    """Active mentors (other than the asker) offering any of `skill_ids`: their ids, or the
    matching skill ids when `skill`."""
    column = MentorSkill.skill_id if skill else MentorSkill.mentor_id
    return (
        select(column)
        .join(MentorProfile, MentorProfile.id == MentorSkill.mentor_id)
        .join(User, User.id == MentorProfile.user_id)
        .where(
            MentorSkill.skill_id.in_(skill_ids),
            MentorProfile.status == SEARCHABLE,
            User.slack_id != asker_slack_id,
            User.deleted_at.is_(None),
        )
    )


def _candidates(
    session: Session, skill_ids: set[int], asker_slack_id: str
) -> dict[int, _Candidate]:
    rows = session.execute(
        _candidate_ids(skill_ids, asker_slack_id).add_columns(
            MentorSkill.skill_id,
            MentorProfile.bio,
            MentorProfile.weekly_capacity,
            User.slack_id,
            User.real_name,
            User.tz,
        )
    )
    found: dict[int, _Candidate] = {}
    for row in rows:
        mentor = found.get(row.mentor_id)
        if mentor is None:
            mentor = found[row.mentor_id] = _Candidate(
                mentor_id=row.mentor_id,
                slack_id=row.slack_id,
                name=row.real_name or row.slack_id,
                bio=row.bio or "",
                tz=row.tz,
                capacity=row.weekly_capacity,
                skill_ids=set(),
            )
        mentor.skill_ids.add(row.skill_id)
    return found


def _live_bookings(
    session: Session,
    pool: Select[Any],
    start: datetime,
    end: datetime,
    ignoring_booking_id: int | None = None,
) -> list[tuple[int, datetime, int]]:
    """(mentor id, start, count) of the pool's pending and approved bookings in [start, end)."""
    query = (
        select(Booking.mentor_id, Booking.starts_at, func.count())
        .where(
            Booking.mentor_id.in_(pool),
            Booking.status.in_(LIVE_STATUSES),
            Booking.starts_at >= start,
            Booking.starts_at < end,
        )
        .group_by(Booking.mentor_id, Booking.starts_at)
    )
    if ignoring_booking_id is not None:
        query = query.where(Booking.id != ignoring_booking_id)
    return [(row[0], row[1], row[2]) for row in session.execute(query)]


def _full_weeks(
    bookings: list[tuple[int, datetime, int]], mentors: dict[int, tuple[str, int]]
) -> dict[int, set[WeekKey]]:
    """Per mentor, the local ISO weeks whose live bookings reach the weekly capacity."""
    counts: dict[tuple[int, WeekKey], int] = defaultdict(int)
    for mentor_id, starts_at, count in bookings:
        counts[mentor_id, _week(starts_at, mentors[mentor_id][0])] += count
    full: dict[int, set[WeekKey]] = defaultdict(set)
    for (mentor_id, week), count in counts.items():
        if count >= mentors[mentor_id][1]:
            full[mentor_id].add(week)
    return dict(full)


def _free_slots(
    session: Session,
    pool: Select[Any],
    now: datetime,
    end: datetime,
    *,
    zones: set[str] | None,
) -> dict[int, list[SlotChoice]]:
    """Per mentor, free slots in (now, end), soonest first; every one when `zones` is None.

    Otherwise the first NEXT_SLOTS of each mentor, which are their first bookable ones unless a
    week is full. Mentors whose live bookings could fill a week also get the first NEXT_SLOTS
    of each of their local weeks (`zones` are the mentors' time zones), so their first
    bookable slots are among the rows whichever weeks turn out full, and rows stay few.
    """
    held = (
        select(Booking.id)
        .where(Booking.slot_id == Slot.id, Booking.status.in_(LIVE_STATUSES))
        .exists()
    )
    in_order = (Slot.starts_at, Slot.id)
    columns: list[Any] = [Slot.id, Slot.mentor_id, Slot.starts_at, Slot.ends_at]
    if zones is not None:
        # One window, one sort: a slot is among the first of its local week when the slot
        # NEXT_SLOTS places earlier (if any) lies in another week.
        week = _local_week_index(zones, now, end)
        columns += [
            func.row_number().over(partition_by=Slot.mentor_id, order_by=in_order).label("place"),
            week.label("week"),
            func.lag(week, NEXT_SLOTS)
            .over(partition_by=Slot.mentor_id, order_by=in_order)
            .label("week_before"),
        ]
    ranked = (
        select(*columns)
        .join(MentorProfile, MentorProfile.id == Slot.mentor_id)
        .join(User, User.id == MentorProfile.user_id)
        .where(Slot.mentor_id.in_(pool), Slot.starts_at > now, Slot.starts_at < end, ~held)
        .subquery()
    )
    query = select(ranked.c.id, ranked.c.mentor_id, ranked.c.starts_at, ranked.c.ends_at)
    if zones is not None:
        may_be_full = (
            select(Booking.mentor_id)
            .join(MentorProfile, MentorProfile.id == Booking.mentor_id)
            .where(
                Booking.mentor_id.in_(pool),
                Booking.status.in_(LIVE_STATUSES),
                Booking.starts_at >= now - WEEK_MARGIN,
                Booking.starts_at < end + WEEK_MARGIN,
            )
            .group_by(Booking.mentor_id, MentorProfile.weekly_capacity)
            .having(func.count() >= MentorProfile.weekly_capacity)
        )
        query = query.where(
            or_(
                ranked.c.place <= NEXT_SLOTS,
                and_(
                    ranked.c.week_before.is_distinct_from(ranked.c.week),
                    ranked.c.mentor_id.in_(may_be_full),
                ),
            )
        )
    rows = session.execute(query.order_by(ranked.c.mentor_id, ranked.c.starts_at, ranked.c.id))
    free: dict[int, list[SlotChoice]] = defaultdict(list)
    for row in rows:
        free[row.mentor_id].append(SlotChoice(row.id, row.starts_at, row.ends_at))
    return dict(free)


def _local_week_index(zones: set[str], now: datetime, end: datetime) -> ColumnElement[int]:
    """Which of the horizon's local weeks a slot starts in, as SQL: 0 for the week of `now`,
    then 1, 2... per mentor time zone, from the UTC instants of the local Mondays between."""
    branches: list[tuple[ColumnElement[bool], int]] = []
    for tz in sorted(zones):
        for index, monday in enumerate(_local_mondays(tz, now, end)):
            branches.append((and_(User.tz == tz, Slot.starts_at < monday), index))
    if not branches:
        return literal(0)
    return case(*branches, else_=-1)


def _local_mondays(tz: str, now: datetime, end: datetime) -> Iterator[datetime]:
    """The UTC instants at which a new local week starts, after `now` and before `end`."""
    zone = _zone(tz)
    today = now.astimezone(zone).date()
    monday = today + timedelta(days=7 - today.weekday())
    while (instant := datetime.combine(monday, time(), zone).astimezone(UTC)) < end:
        yield instant
        monday += timedelta(days=7)


def _recent_load(
    session: Session, pool: Select[Any], start: datetime, end: datetime
) -> dict[int, int]:
    rows = session.execute(
        select(Booking.mentor_id, func.count())
        .where(
            Booking.mentor_id.in_(pool),
            Booking.status == "approved",
            Booking.starts_at >= start,
            Booking.starts_at < end,
        )
        .group_by(Booking.mentor_id)
    )
    return {row[0]: row[1] for row in rows}


def _requested_mentors(session: Session, asker_id: int) -> set[int]:
    return set(
        session.scalars(
            select(Booking.mentor_id).where(
                Booking.mentee_id == asker_id, Booking.status == "pending"
            )
        )
    )


# ---------------------------------------------------------------------------------------------
# Weeks in the mentor's zone


def _bookable(free: list[SlotChoice], tz: str, full: set[WeekKey]) -> list[SlotChoice]:
    if not full:
        return free
    return [slot for slot in free if _week(slot.starts_at, tz) not in full]


def _week(instant: datetime, tz: str) -> WeekKey:
    year, week, _ = instant.astimezone(_zone(tz)).isocalendar()
    return year, week


@lru_cache(maxsize=512)
def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
