"""Finding a mentor: skills asked for, matched against active mentors, ranked with free times.

docs/architecture.md, "The programme's rules". The words of `/mentor find python leadership` are
skills, each normalised (synonyms resolved); adjacent words that together name a known skill
("machine learning") count as one. A mentor's match is the share of asked skills they offer: an
exact skill counts 1, a near miss (a typo such as "pyhton", difflib ratio >= 0.8) counts one
half.

Which slots are bookable is bot/services/free_slots.py's to say; the interests a search with no
words uses are bot/services/interests.py's. Mentors rank by match, then soonest bookable slot,
then lighter recent load, name and id; a mentor the asker has a pending request with stays
listed, marked requested, last within their match if nothing is bookable.
Mentors whose free slots all lie in full weeks are at capacity and left out. Skills nobody
offers are recorded as unmet demand.

The work grows with the page shown, not with how many mentors match: one query finds the
matching mentors and their skills; free slots are then read soonest first, a batch at a time,
only until the page is full (ties at its edge included), and capacity, recent load, names and
bios are read only for the mentors about to be shown. So `more` counts every matching mentor
not shown, with free time or not, and the mentors with no free time at all (listed apart, to
ask them for availability) are found only when fewer than a page has free time: then every
free slot of the matching mentors has been read anyway.
"""

from __future__ import annotations

import difflib
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from bot.services.bookings import BOOKING_LEAD
from bot.services.capacity import WeekKey, full_weeks, live_bookings, week_of
from bot.services.errors import DomainError
from bot.services.free_slots import (
    WEEK_MARGIN,
    SlotChoice,
    bookable,
    free_slot_rows,
    free_slots_of,
)
from bot.services.interests import saved_interests
from bot.services.mentors import SEARCHABLE
from bot.services.mentorship_groups import OpenGroup, open_groups_of
from bot.services.mentorships import capacity_columns
from bot.services.responsiveness import answer_phrases
from bot.services.skills import (
    SYNONYMS,
    SkillInfo,
    SkillTooLong,
    closest_skills,
    normalise,
    split_skills,
)
from store.models import Booking, MentorProfile, MentorSkill, SearchMiss, Skill, User
from store.statuses import BookingStatus

NEXT_SLOTS = 3  # free times shown per mentor in the results
SUGGESTIONS = 3
NEAR_MISS = 0.8  # difflib ratio from which a differently spelt skill earns half credit
NEAR_CREDIT = 0.5
RECENT_DAYS = 30  # recent load: approved sessions from this many days back to the horizon
BIO_LINE_MAX = 150
SLOT_BATCH = 100  # free slots read at a time while looking for the first mentors
GOOD_SHARE = 0.1  # below this share of everyone's free slots, read the group's slots by id
NEVER = datetime.max.replace(tzinfo=UTC)  # soonest slot of a requested mentor with none free
MAX_PHRASE_WORDS = 4  # longest run of words tried as one skill ("amazon web services")

# Multi-word names the catalogue knows without a database row: synonyms and their skills.
_KNOWN_PHRASES = frozenset(SYNONYMS) | {name.casefold() for name in SYNONYMS.values()}

_FreeRow = tuple[int, int, datetime]  # slot id, mentor id, start


class NoSkillsGiven(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "Which skills would you like to learn? Name them after find, for example "
            "`/mentor find python leadership`, or save your interests once and just type "
            "`/mentor find`."
        )


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
    mentorship_requested: bool = False  # the asker has an open mentorship request with them
    mentorship_full: bool = False  # at their mentee limit
    takes_mentorships: bool = True  # a mentee limit above 0
    groups: tuple[OpenGroup, ...] = ()  # their open group mentorships
    answers: str | None = None  # how quickly they usually answer (bot/services/responsiveness)


@dataclass(frozen=True)
class SearchResult:
    asked: tuple[str, ...]
    available: tuple[MentorMatch, ...]
    without_slots: tuple[MentorMatch, ...]
    suggestions: tuple[str, ...]
    used_interests: bool
    more: int


@dataclass(frozen=True)
class _Mentor:
    slack_id: str
    name: str
    tz: str
    capacity: int
    bio: str
    mentorship_requested: bool  # the asker has an open mentorship request with them
    mentorship_full: bool  # at their mentee limit
    takes_mentorships: bool  # a mentee limit above 0


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
        row.key: SkillInfo(row.id, row.key, row.name)
        for row in session.execute(select(Skill.id, Skill.key, Skill.name))
    }

    asked = _parse_query(query, skills)
    used_interests = not asked
    if used_interests:
        saved = saved_interests(session, asker_id) if asker_id is not None else []
        asked = [(skill.key, skill.name) for skill in saved]
        if not asked:
            raise NoSkillsGiven()
    asked_keys = [key for key, _ in asked]

    exact = {key: skills[key].id for key in asked_keys if key in skills}
    near = {key: _near_misses(key, skills.values()) for key in asked_keys}
    wanted_ids = set(exact.values()) | {sid for ids in near.values() for sid in ids}
    names = {skill.id: skill.name for skill in skills.values()}

    def score(offered: frozenset[int]) -> tuple[int, tuple[str, ...]]:
        """Percent match and matched skill names of a mentor offering these wanted skills."""
        credit = 0.0
        matched: list[str] = []
        for key in asked_keys:
            if exact.get(key) in offered:
                credit += 1
                matched.append(names[exact[key]])
            elif close := [(r, sid) for sid, r in near[key].items() if sid in offered]:
                credit += NEAR_CREDIT
                matched.append(names[max(close, key=lambda c: (c[0], -c[1]))[1]])
        return math.floor(100 * credit / len(asked_keys) + 0.5), tuple(dict.fromkeys(matched))

    offers = _candidates(session, wanted_ids, asker_slack_id) if wanted_ids else {}
    # Mentors offering the same wanted skills score alike: each combination is scored once.
    scored = {offered: score(offered) for offered in set(offers.values())}
    scores = {mentor_id: scored[offered] for mentor_id, offered in offers.items()}
    covered = {
        key
        for offered in scored
        for key in asked_keys
        if exact.get(key) in offered or offered & near[key].keys()
    }

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

    requested = _requested_mentors(session, asker_id) if asker_id is not None else set()
    mentors = _Directory(session, asker_id)
    walk = _Walk(
        session, mentors,
        period=(now + BOOKING_LEAD, horizon_end),
        weeks=(now - WEEK_MARGIN, horizon_end + WEEK_MARGIN),
    )  # fmt: skip
    groups: dict[int, list[int]] = defaultdict(list)
    for mentor_id, (percent, _) in scores.items():
        groups[percent].append(mentor_id)
    # Per match, best first: the mentors that may take its places (ties included), and how many.
    contenders: list[tuple[dict[int, datetime], int]] = []
    places = limit
    for percent in sorted(groups, reverse=True):
        if places == 0:
            break
        found = walk.first(groups[percent], places)
        if len(found) < places:  # every free slot of the match was read: requested ones last
            waiting = requested.intersection(groups[percent]) - found.keys()
            found |= dict.fromkeys(waiting, NEVER)
        contenders.append((found, min(places, len(found))))
        places -= contenders[-1][1]
    without: list[int] = []
    if places:  # fewer than a page: every matching mentor's free slots were read
        idle = mentors.of(m for m in scores if m not in walk.with_free and m not in requested)
        without = sorted(idle, key=lambda m: (-scores[m][0], idle[m].name.casefold(), m))[:limit]

    loads = _recent_load(
        session,
        {m for found, _ in contenders for m in found} | set(without),
        now - timedelta(days=RECENT_DAYS),
        horizon_end,
    )
    top: list[int] = []
    for found, taken in contenders:
        known = mentors.of(found)
        top += sorted(
            found,
            key=lambda m: (found[m], loads.get(m, 0), known[m].name.casefold(), m),
        )[:taken]
    free = free_slots_of(session, top, *walk.period)
    open_groups = open_groups_of(session, asker_id=asker_id, mentor_ids=[*top, *without])
    answering = answer_phrases(session, [*top, *without])

    def match(mentor_id: int) -> MentorMatch:
        mentor = mentors.of([mentor_id])[mentor_id]
        percent, names_matched = scores[mentor_id]
        open_slots = bookable(free.get(mentor_id, []), mentor.tz, walk.full.get(mentor_id, set()))
        return MentorMatch(
            mentor_id=mentor_id,
            slack_id=mentor.slack_id,
            name=mentor.name,
            bio_first_line=first_line(mentor.bio),
            matched=names_matched,
            percent=percent,
            next_slots=tuple(open_slots[:NEXT_SLOTS]),
            requested=mentor_id in requested,
            recent_load=loads.get(mentor_id, 0),
            mentorship_requested=mentor.mentorship_requested,
            mentorship_full=mentor.mentorship_full,
            takes_mentorships=mentor.takes_mentorships,
            groups=open_groups.get(mentor_id, ()),
            answers=answering.get(mentor_id),
        )

    session.flush()
    return SearchResult(
        asked=tuple(name for _, name in asked),
        available=tuple(match(m) for m in top),
        without_slots=tuple(match(m) for m in without),
        suggestions=suggestions,
        used_interests=used_interests,
        more=len(scores) - len(top) - len(without),
    )


class _Walk:
    """Matching mentors' free slots, read soonest first, until the places asked are taken.

    Slots come soonest first, a batch at a time (`_batches`). A mentor's first free slot seen
    is their soonest, unless its week is full: weekly capacity is looked up only
    for mentors the walk is about to place (one query for all of them), and the walk is then
    replayed with what it learnt, so a full mentor's place goes to the next one. Every mentor
    whose soonest bookable slot ties with the last place is placed too.
    """

    def __init__(
        self,
        session: Session,
        mentors: _Directory,
        *,
        period: tuple[datetime, datetime],
        weeks: tuple[datetime, datetime],
    ) -> None:
        self.session = session
        self.mentors = mentors
        self.period = period
        self.weeks = weeks
        self.full: dict[int, set[WeekKey]] = {}  # full local weeks of the mentors looked up
        self.with_free: set[int] = set()  # mentors with a free slot among those read

    def first(self, group: list[int], places: int) -> dict[int, datetime]:
        """Mentor -> soonest bookable slot of the group's first `places` mentors, ties included;
        fewer only when the group's free slots ran out."""
        read: list[_FreeRow] = []
        batches = self._batches(set(group))
        while True:
            placed: dict[int, datetime] = {}
            unknown: set[int] = set()  # capacity not looked up yet
            edge: datetime | None = None
            for _slot_id, mentor_id, starts_at in self._replay(read, batches):
                if edge is not None and starts_at > edge:
                    break
                if mentor_id in placed or mentor_id in unknown:
                    continue
                full = self.full.get(mentor_id)
                if full is None:
                    unknown.add(mentor_id)
                elif week_of(starts_at, self.mentors.known[mentor_id].tz) in full:
                    continue
                else:
                    placed[mentor_id] = starts_at
                if edge is None and len(placed) + len(unknown) >= places:
                    edge = starts_at
            if not unknown:
                return placed
            self._look_up(unknown)

    def _replay(
        self, read: list[_FreeRow], batches: Iterator[list[_FreeRow]]
    ) -> Iterator[_FreeRow]:
        """The rows read so far, then further batches as they are needed."""
        index = 0
        while True:
            while index < len(read):
                yield read[index]
                index += 1
            batch = next(batches, None)
            if batch is None:
                return
            read += batch

    def _batches(self, group: set[int]) -> Iterator[list[_FreeRow]]:
        """The group's free slots, soonest first, a batch at a time.

        A large group's slots are read among everyone's, through the starts_at index, while
        it holds a good share of them (a common skill): no list of thousands of ids to send.
        A small group, or one whose share turns out low, is read by its ids (a rare skill:
        each one's slots through the (mentor_id, starts_at) index).
        """
        after: tuple[datetime, int] | None = None
        everyone = len(group) > SLOT_BATCH
        while True:
            query = free_slot_rows(None if everyone else group, *self.period, after=after)
            rows = self.session.execute(query.limit(SLOT_BATCH)).all()
            kept = [
                (row.id, row.mentor_id, row.starts_at) for row in rows if row.mentor_id in group
            ]
            self.with_free.update(mentor_id for _, mentor_id, _ in kept)
            yield kept
            if len(rows) < SLOT_BATCH:
                return
            after = (rows[-1].starts_at, rows[-1].id)
            everyone = everyone and len(kept) >= SLOT_BATCH * GOOD_SHARE

    def _look_up(self, mentor_ids: set[int]) -> None:
        known = self.mentors.of(mentor_ids)
        weekly = {m: (known[m].tz, known[m].capacity) for m in mentor_ids}
        full = full_weeks(live_bookings(self.session, mentor_ids, *self.weeks), weekly)
        self.full.update({m: full.get(m, set()) for m in mentor_ids})


class _Directory:
    """Matching mentors' names, zones, capacities and bios, read only for those looked at."""

    def __init__(self, session: Session, asker_id: int | None) -> None:
        self.session = session
        self.asker_id = asker_id
        self.known: dict[int, _Mentor] = {}

    def of(self, mentor_ids: Iterable[int]) -> dict[int, _Mentor]:
        """These mentors, by id."""
        wanted = set(mentor_ids)
        missing = wanted - self.known.keys()
        if missing:
            asked, full = capacity_columns(self.asker_id)
            rows = self.session.execute(
                select(
                    MentorProfile.id,
                    MentorProfile.weekly_capacity,
                    MentorProfile.bio,
                    User.slack_id,
                    User.real_name,
                    User.tz,
                    MentorProfile.mentee_limit,
                    asked.label("asked"),
                    full.label("full"),
                )
                .join(User, User.id == MentorProfile.user_id)
                .where(MentorProfile.id.in_(missing))
            )
            for row in rows:
                name = row.real_name or row.slack_id
                self.known[row.id] = _Mentor(
                    row.slack_id,
                    name,
                    row.tz,
                    row.weekly_capacity,
                    row.bio or "",
                    bool(row.asked),
                    bool(row.full),
                    row.mentee_limit > 0,
                )
        return {m: self.known[m] for m in wanted}


def first_line(bio: str) -> str:
    """The first non-empty line of a bio, cut to BIO_LINE_MAX characters."""
    line = next((part.strip() for part in bio.splitlines() if part.strip()), "")
    return line if len(line) <= BIO_LINE_MAX else line[: BIO_LINE_MAX - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------------
# Reading the query


def _parse_query(query: Sequence[str], skills: dict[str, SkillInfo]) -> list[tuple[str, str]]:
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


def _known_run(words: list[str], start: int, skills: dict[str, SkillInfo]) -> int:
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


def _near_misses(key: str, catalogue: Iterable[SkillInfo]) -> dict[int, float]:
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
) -> dict[int, frozenset[int]]:
    """Matching mentors and which of `skill_ids` each offers."""
    found: dict[int, frozenset[int]] = {}
    for mentor_id, skill_id in session.execute(
        _candidate_ids(skill_ids, asker_slack_id).add_columns(MentorSkill.skill_id)
    ):
        found[mentor_id] = found.get(mentor_id, frozenset()) | {skill_id}
    return found


def _recent_load(
    session: Session, mentor_ids: set[int], start: datetime, end: datetime
) -> dict[int, int]:
    rows = session.execute(
        select(Booking.mentor_id, func.count())
        .where(
            Booking.mentor_id.in_(mentor_ids),
            Booking.status == BookingStatus.APPROVED,
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
                Booking.mentee_id == asker_id, Booking.status == BookingStatus.PENDING
            )
        )
    )
