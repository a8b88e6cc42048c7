"""Finding a mentor: skill gaps asked for, matched against active mentors, ranked fairly.

docs/architecture.md, "The programme's rules"; README, "Matching". The words of
`/mentor find python:4 leadership` are skills, each normalised (synonyms resolved); adjacent
words that together name a known skill ("machine learning") count as one, and `:4` or `>=4`
after a skill sets its target level (SFIA 1-7; anything else is refused with BadLevel). With no
words, the asker's saved gaps (bot/services/interests.py) are asked, with their targets.

The score is the share of asked gaps the mentor covers: a gap counts 1 when the mentor's level
is at or above its target (any level, when it has none), ONE_BELOW_CREDIT (1/2) one level
below, nothing further below; a near miss (a typo such as "pyhton", difflib ratio >= 0.8)
halves what its level earns. A mentor covering nothing is no match. Each result carries how
every gap was covered (GapMatch), so it can say "Python 5 ≥ 4 ✓, Leadership 3 < 4 ½".

The asker's preferences: a language filters out mentors who list languages but not that one
(a mentor who lists none stays); the kind of help the mentor likes to give and working hours
that overlap (UTC offsets now at most OVERLAP_HOURS apart, round the clock) each add one to a
boost that ranks within an equal match, never above a better one.

Which slots are bookable is bot/services/free_slots.py's to say. Mentors rank by match, then
boost, then soonest bookable slot, then lighter recent load relative to capacity (approved
sessions from RECENT_DAYS back to the horizon per weekly session), then a rotation: a hash of
(asker, UTC date, mentor), so ties do not send everyone to the same few and one asker's order
holds all day. A mentor the asker has a pending request with stays listed, marked requested,
last within their match if nothing is bookable. Below the mentors with free time come those
whose free slots all lie in full weeks ("full this week", by match, boost, load, rotation),
then those with no free time at all. Skills nobody offers are recorded as unmet demand.

The work grows with the page shown, not with how many mentors match: one query finds the
matching mentors, their skills' levels (and, when the asker has preferences, theirs); free
slots are then read soonest first, a batch at a time, only until the page is full (ties at its
edge included), and capacity, recent load, names and bios are read only for the mentors about
to be shown. So `more` counts every matching mentor not shown, with free time or not, and the
mentors full this week or with no free time (listed apart) are found only when fewer than a
page has free time: then every free slot of the matching mentors has been read anyway.
"""

from __future__ import annotations

import difflib
import hashlib
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
from bot.services.interests import Preferences, saved_gaps, split_level
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
    skill_lookup,
    split_skills,
)
from store.models import Booking, MentorProfile, MentorSkill, SearchMiss, User
from store.statuses import BookingStatus, HelpKind

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
ONE_BELOW_CREDIT = 0.5  # a mentor one level below the target covers half the gap
OVERLAP_HOURS = 3  # zones at most this far apart (UTC offsets now) share working hours

# Multi-word names the catalogue knows without a database row: synonyms and their skills.
_KNOWN_PHRASES = frozenset(SYNONYMS) | {name.casefold() for name in SYNONYMS.values()}

_FreeRow = tuple[int, int, datetime]  # slot id, mentor id, start
# The wanted skills a mentor offers, each as skill id * 8 + level: ints, not pairs, so the
# thousands of matching mentors of a common skill allocate little (less for the GC to walk).
_Offer = frozenset[int]


class NoSkillsGiven(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "Which skills would you like to learn? Name them after find, for example "
            "`/mentor find python leadership`, or save your interests once and just type "
            "`/mentor find`."
        )


@dataclass(frozen=True)
class GapMatch:
    """How a mentor covers one asked gap: their skill and level against the target, and the
    credit it earns (1, 1/2 one level below, halved again for a near-miss spelling)."""

    asked: str  # the asked skill's name
    skill: str  # the mentor's skill that covers it (the same, or spelt nearly like it)
    level: int
    target: int | None
    credit: float

    @property
    def near(self) -> bool:
        return self.skill != self.asked


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
    gaps: tuple[GapMatch, ...] = ()  # the asked gaps they cover, in the order asked
    help_kinds: tuple[str, ...] = ()  # what they like to help with (HelpKind texts)
    languages: tuple[str, ...] = ()  # the languages they mentor in (codes)
    overlap: bool | None = None  # working hours overlap the asker's; None when not asked
    full: bool = False  # free time only in weeks their capacity already fills
    answers: str | None = None  # how quickly they usually answer (bot/services/responsiveness)


@dataclass(frozen=True)
class SearchResult:
    asked: tuple[str, ...]
    available: tuple[MentorMatch, ...]
    without_slots: tuple[MentorMatch, ...]
    suggestions: tuple[str, ...]
    used_interests: bool
    more: int
    targets: tuple[int | None, ...] = ()  # the target level of each asked skill
    full: tuple[MentorMatch, ...] = ()  # at weekly capacity: "full this week", below
    preferences: Preferences = field(default_factory=Preferences)
    unmatched: int = 0  # mentors offering the skills, but below the targets or not the language


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
    help_kinds: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Asker:
    id: int | None
    tz: str
    preferences: Preferences


@dataclass(frozen=True)
class _Traits:
    """What a matching mentor's preferences say, read with their skills when the asker has
    preferences: the kinds of help they like to give, their languages and their zone."""

    help_kinds: frozenset[str]
    languages: frozenset[str]
    tz: str


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
    """Active mentors for the asked skills (or the asker's saved gaps), best first.

    Raises NoSkillsGiven when nothing was asked and no gaps are saved, SkillTooLong when a
    word is longer than any skill can be, BadLevel for a level outside 1-7 ("python:9").
    """
    limit = max(limit, 0)
    horizon_end = now + timedelta(days=horizon_days)
    asker = _asker(session, asker_slack_id)
    asker_id = asker.id
    skills = skill_lookup(session)  # every key, a coordinator's synonyms too

    asked = _parse_query(query, skills)
    used_interests = not asked
    if used_interests:
        saved = saved_gaps(session, asker_id) if asker_id is not None else []
        asked = [(gap.skill.key, gap.skill.name, gap.target) for gap in saved]
        if not asked:
            raise NoSkillsGiven()
    asked_keys = [key for key, _, _ in asked]
    targets = {key: target for key, _, target in asked}
    display = {key: name for key, name, _ in asked}

    exact = {key: skills[key].id for key in asked_keys if key in skills}
    near = {key: _near_misses(key, skills.values()) for key in asked_keys}
    wanted_ids = set(exact.values()) | {sid for ids in near.values() for sid in ids}
    names = {skill.id: skill.name for skill in skills.values()}

    def score(offered: _Offer) -> tuple[int, tuple[GapMatch, ...]]:
        """Percent match and how each asked gap is covered, for a mentor offering these
        wanted skills at these levels."""
        levels = {code >> 3: code & 7 for code in offered}
        total = 0.0
        gaps: list[GapMatch] = []
        for key in asked_keys:
            target = targets[key]
            options = [
                (level_credit(levels[sid], target) * weight, ratio, -sid)
                for sid, ratio, weight in [
                    (exact.get(key), 2.0, 1.0),
                    *((sid, ratio, NEAR_CREDIT) for sid, ratio in near[key].items()),
                ]
                if sid in levels
            ]
            if options:
                credit, _, sid = max(options)
                total += credit
                gaps.append(GapMatch(display[key], names[-sid], levels[-sid], target, credit))
        return math.floor(100 * total / len(asked_keys) + 0.5), tuple(gaps)

    offers, traits = _candidates(
        session, wanted_ids, asker_slack_id, traits=asker.preferences != Preferences()
    )
    # Mentors offering the same wanted skills at the same levels score alike: each such
    # combination is scored once.
    scored = {offered: score(offered) for offered in set(offers.values())}
    offered_ids = {code >> 3 for offered in scored for code in offered}
    covered = {
        key for key in asked_keys if exact.get(key) in offered_ids or offered_ids & near[key].keys()
    }
    wanted = asker.preferences
    useful = {offered for offered, (_, gaps) in scored.items() if any(g.credit for g in gaps)}
    scores = {
        mentor_id: scored[offered] for mentor_id, offered in offers.items() if offered in useful
    }
    if wanted.language is not None:
        scores = {m: s for m, s in scores.items() if _speaks(traits.get(m), wanted.language)}

    for key in asked_keys:
        if key not in covered:
            session.add(SearchMiss(user_id=asker_id, skill_key=key, searched_at=now))
    suggestions: tuple[str, ...] = ()
    if not scores:
        suggestions = _suggestions(session, asked_keys, asker_slack_id)
        session.flush()
        return SearchResult(
            asked=tuple(display[key] for key in asked_keys),
            available=(),
            without_slots=(),
            suggestions=suggestions,
            used_interests=used_interests,
            more=0,
            targets=tuple(targets[key] for key in asked_keys),
            preferences=wanted,
            unmatched=len(offers),
        )

    offsets: dict[str, float] = {}

    def overlap(tz: str) -> bool:
        """The zone's working hours overlap the asker's: offsets now at most OVERLAP_HOURS
        apart, round the clock (UTC+13 and UTC-11 keep the same hours)."""
        apart = abs(_offset(tz, now, offsets) - _offset(asker.tz, now, offsets)) % 24
        return min(apart, 24 - apart) <= OVERLAP_HOURS

    def boost(mentor_id: int) -> int:
        """Within equal match: one for the kind of help wanted, one for overlapping hours."""
        trait = traits.get(mentor_id)
        if trait is None:
            return 0
        helps = wanted.wanted_help is not None and wanted.wanted_help in trait.help_kinds
        return int(helps) + int(wanted.overlap_hours and overlap(trait.tz))

    def rotation(mentor_id: int) -> bytes:
        """A tie-breaker that differs per asker and day, so ties do not favour the same few."""
        seed = f"{asker_slack_id}|{now.date().isoformat()}|{mentor_id}".encode()
        return hashlib.blake2b(seed, digest_size=8).digest()

    requested = _requested_mentors(session, asker_id) if asker_id is not None else set()
    mentors = _Directory(session, asker_id)
    walk = _Walk(
        session, mentors,
        period=(now + BOOKING_LEAD, horizon_end),
        weeks=(now - WEEK_MARGIN, horizon_end + WEEK_MARGIN),
    )  # fmt: skip
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    if traits:
        for mentor_id, (percent, _) in scores.items():
            groups[percent, boost(mentor_id)].append(mentor_id)
    else:  # no preferences: nothing to boost
        by_percent: dict[int, list[int]] = defaultdict(list)
        for mentor_id, (percent, _) in scores.items():
            by_percent[percent].append(mentor_id)
        groups.update(((percent, 0), ids) for percent, ids in by_percent.items())
    rank = _Standing(scores, boost if traits else None)
    # Per match, best first: the mentors that may take its places (ties included), and how many.
    contenders: list[tuple[dict[int, datetime], int]] = []
    places = limit
    for standing in sorted(groups, reverse=True):
        if places == 0:
            break
        found = walk.first(groups[standing], places)
        if len(found) < places:  # every free slot of the match was read: requested ones last
            waiting = requested.intersection(groups[standing]) - found.keys()
            found |= dict.fromkeys(waiting, NEVER)
        contenders.append((found, min(places, len(found))))
        places -= contenders[-1][1]
    without: list[int] = []
    full: list[int] = []
    if places:  # fewer than a page: every matching mentor's free slots were read
        placed = {m for found, _ in contenders for m in found}
        rest = [m for m in scores if m not in placed and m not in requested]
        full = [m for m in rest if m in walk.with_free]
        idle = mentors.of(m for m in rest if m not in walk.with_free)
        without = sorted(
            idle, key=lambda m: (-rank[m][0], -rank[m][1], idle[m].name.casefold(), m)
        )[:limit]

    loads = _recent_load(
        session,
        {m for found, _ in contenders for m in found} | set(without) | set(full),
        now - timedelta(days=RECENT_DAYS),
        horizon_end,
    )

    def load_share(mentor_id: int) -> float:
        """Recent sessions per session the mentor offers a week."""
        return loads.get(mentor_id, 0) / max(mentors.of([mentor_id])[mentor_id].capacity, 1)

    top: list[int] = []
    for found, taken in contenders:
        top += sorted(found, key=lambda m: (found[m], load_share(m), rotation(m)))[:taken]
    full = sorted(full, key=lambda m: (-rank[m][0], -rank[m][1], load_share(m), rotation(m)))
    full = full[:limit]
    free = free_slots_of(session, top, *walk.period)
    open_groups = open_groups_of(session, asker_id=asker_id, mentor_ids=[*top, *full, *without])
    answering = answer_phrases(session, [*top, *full, *without])

    def match(mentor_id: int, *, at_capacity: bool = False) -> MentorMatch:
        mentor = mentors.of([mentor_id])[mentor_id]
        percent, gaps = scores[mentor_id]
        open_slots = bookable(free.get(mentor_id, []), mentor.tz, walk.full.get(mentor_id, set()))
        return MentorMatch(
            mentor_id=mentor_id,
            slack_id=mentor.slack_id,
            name=mentor.name,
            bio_first_line=first_line(mentor.bio),
            matched=tuple(dict.fromkeys(gap.skill for gap in gaps if gap.credit)),
            percent=percent,
            next_slots=tuple(open_slots[:NEXT_SLOTS]),
            requested=mentor_id in requested,
            recent_load=loads.get(mentor_id, 0),
            mentorship_requested=mentor.mentorship_requested,
            mentorship_full=mentor.mentorship_full,
            takes_mentorships=mentor.takes_mentorships,
            groups=open_groups.get(mentor_id, ()),
            gaps=gaps,
            help_kinds=mentor.help_kinds,
            languages=mentor.languages,
            overlap=overlap(mentor.tz) if wanted.overlap_hours else None,
            full=at_capacity,
            answers=answering.get(mentor_id),
        )

    session.flush()
    return SearchResult(
        asked=tuple(display[key] for key in asked_keys),
        available=tuple(match(m) for m in top),
        without_slots=tuple(match(m) for m in without),
        suggestions=suggestions,
        used_interests=used_interests,
        more=len(scores) - len(top) - len(full) - len(without),
        targets=tuple(targets[key] for key in asked_keys),
        full=tuple(match(m, at_capacity=True) for m in full),
        preferences=wanted,
    )


class _Standing:
    """A mentor's (match, boost), worked out only for the mentors a list is about to order."""

    def __init__(
        self,
        scores: dict[int, tuple[int, tuple[GapMatch, ...]]],
        boost: Callable[[int], int] | None,
    ) -> None:
        self.scores = scores
        self.boost = boost

    def __getitem__(self, mentor_id: int) -> tuple[int, int]:
        return self.scores[mentor_id][0], self.boost(mentor_id) if self.boost else 0


def level_credit(level: int, target: int | None) -> float:
    """A gap's credit for a mentor at `level`: 1 at or above the target (or with no target),
    ONE_BELOW_CREDIT one level below, nothing further below."""
    if target is None or level >= target:
        return 1.0
    return ONE_BELOW_CREDIT if level == target - 1 else 0.0


def _offset(tz: str, now: datetime, known: dict[str, float]) -> float:
    """The zone's UTC offset now, in hours (0 for a zone the system does not know)."""
    if tz not in known:
        try:
            offset = now.astimezone(ZoneInfo(tz)).utcoffset()
        except (ZoneInfoNotFoundError, ValueError):
            offset = None
        known[tz] = offset.total_seconds() / 3600 if offset is not None else 0.0
    return known[tz]


def _speaks(trait: _Traits | None, language: str | None) -> bool:
    """A language is a filter when the mentor lists languages: they must list it."""
    return language is None or trait is None or not trait.languages or language in trait.languages


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
                    MentorProfile.help_kinds,
                    MentorProfile.languages,
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
                    tuple(_texts(row.help_kinds)),
                    tuple(_texts(row.languages)),
                )
        return {m: self.known[m] for m in wanted}


def first_line(bio: str) -> str:
    """The first non-empty line of a bio, cut to BIO_LINE_MAX characters."""
    line = next((part.strip() for part in bio.splitlines() if part.strip()), "")
    return line if len(line) <= BIO_LINE_MAX else line[: BIO_LINE_MAX - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------------
# Reading the query


def _parse_query(
    query: Sequence[str], skills: dict[str, SkillInfo]
) -> list[tuple[str, str, int | None]]:
    """(key, display name, target level) of each asked skill, in order, without duplicates.

    An element with several words (the caller split on commas) is one skill. Runs of single
    words are read greedily: the longest run (up to MAX_PHRASE_WORDS) naming a known skill is
    one skill, otherwise each word is its own. A target ("python:4", "python>=4") ends a run
    and belongs to the skill it ends. Raises BadLevel for a level outside 1-7.
    """
    asked: dict[str, tuple[str, int | None]] = {}

    def take(text: str, target: int | None = None) -> None:
        normalised = normalise(text)
        if normalised is not None:
            key, name = normalised
            asked.setdefault(key, (skills[key].name if key in skills else name, target))

    words: list[str] = []

    def take_words(target: int | None = None) -> None:
        start = 0
        while start < len(words):
            size = _known_run(words, start, skills)
            last = start + size == len(words)
            take(" ".join(words[start : start + size]), target if last else None)
            start += size
        words.clear()

    for element in query:
        for part in split_skills(element):
            gap = split_level(part)
            if len(gap.skill.split()) > 1:
                take_words()
                take(gap.skill, gap.target)
            else:
                words.append(gap.skill)
                if gap.target is not None:
                    take_words(gap.target)
    take_words()
    return [(key, name, target) for key, (name, target) in asked.items()]


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
    session: Session, skill_ids: set[int], asker_slack_id: str, *, traits: bool
) -> tuple[dict[int, _Offer], dict[int, _Traits]]:
    """Matching mentors and which of `skill_ids` each offers at which level; with `traits`,
    what each one's preferences say too (in the same statement). Read as plain rows: there
    are thousands for a common skill."""
    query = _candidate_ids(skill_ids, asker_slack_id).add_columns(
        MentorSkill.skill_id, MentorSkill.level
    )
    found: dict[int, list[int]] = defaultdict(list)
    known: dict[int, _Traits] = {}
    if not traits:
        for mentor_id, skill_id, level in session.connection().execute(query).all():
            found[mentor_id].append(skill_id * 8 + level)
    else:
        query = query.add_columns(MentorProfile.help_kinds, MentorProfile.languages, User.tz)
        for mentor_id, skill_id, level, kinds, languages, tz in session.execute(query):
            found[mentor_id].append(skill_id * 8 + level)
            if mentor_id not in known:
                known[mentor_id] = _Traits(
                    frozenset(_texts(kinds)), frozenset(_texts(languages)), tz
                )
    return {mentor_id: frozenset(offer) for mentor_id, offer in found.items()}, known


def _texts(value: Any) -> list[str]:
    """A JSON list of texts as stored (anything else reads as none)."""
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _asker(session: Session, slack_id: str) -> _Asker:
    """Who is searching: their id (None for someone the bot does not know), zone, preferences."""
    row = session.execute(
        select(User.id, User.tz, User.wanted_help, User.language, User.overlap_hours).where(
            User.slack_id == slack_id
        )
    ).first()
    if row is None:
        return _Asker(None, "UTC", Preferences())
    wanted = HelpKind(row.wanted_help) if row.wanted_help else None
    return _Asker(row.id, row.tz, Preferences(wanted, row.language, bool(row.overlap_hours)))


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
