"""The closed sets of values the store keeps: statuses, kinds and choices, one `StrEnum` each.

A member compares equal to its text (`BookingStatus.APPROVED == "approved"`), so SQL and
payloads read the same words, and the check constraints in `store.models` are written from the
same members (`values(...)`), so a value can never be known to Python and refused by the
database, or the other way round. Columns load as members through `store.types.Choice`.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class MentorStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    PAUSED = "paused"
    REJECTED = "rejected"
    LEFT = "left"


class BookingStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class DueStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Pauser(StrEnum):
    """Who paused a mentor, which decides who may lift the pause."""

    MENTOR = "mentor"
    COORDINATOR = "coordinator"
    SYSTEM = "system"


class SkillLevel(IntEnum):
    """A skill's level on the SFIA scale (1-7), stored as its number.

    The names shown to people, and a one-line hint of each, live with the builders
    (bot/blocks/levels.py); the store keeps the number, checked by `level BETWEEN 1 AND 7`.
    """

    FOLLOW = 1
    ASSIST = 2
    APPLY = 3
    ENABLE = 4
    ENSURE_AND_ADVISE = 5
    INITIATE_AND_INFLUENCE = 6
    SET_STRATEGY = 7


class HelpKind(StrEnum):
    """What kind of help a mentee wants, and a mentor likes to give."""

    CAREER = "career"
    TECHNICAL = "technical"
    LEADERSHIP = "leadership"
    ONBOARDING = "onboarding"
    OTHER = "other"


class WindowKind(StrEnum):
    ONCE = "once"
    WEEKLY = "weekly"


class WhatHappened(StrEnum):
    """Why a session that was due did not take place, as a participant answered."""

    NO_SHOW = "no_show"
    RESCHEDULED = "rescheduled"
    OTHER = "other"


class PlannedBy(StrEnum):
    """Who proposed a session's time, so the other side is the one who confirms it."""

    MENTEE = "mentee"
    MENTOR = "mentor"


class MentorshipKind(StrEnum):
    PAIR = "pair"
    GROUP = "group"


class MentorshipStatus(StrEnum):
    """The frame: open while it has (or may get) members, then ended, or closed unstarted."""

    OPEN = "open"
    ENDED = "ended"
    CLOSED = "closed"


class MemberStatus(StrEnum):
    """A mentee's place in a mentorship: asked, agreeing, active, then over one way or another."""

    REQUESTED = "requested"
    AGREEING = "agreeing"
    ACTIVE = "active"
    ENDED = "ended"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


LIVE_MEMBER_STATUSES = (MemberStatus.REQUESTED, MemberStatus.AGREEING, MemberStatus.ACTIVE)


class Cadence(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


class GoalStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    REACHED = "reached"
    DROPPED = "dropped"


class Role(StrEnum):
    """Which side of a mentorship a person answers from."""

    MENTEE = "mentee"
    MENTOR = "mentor"


class ChangeRequestStatus(StrEnum):
    OPEN = "open"
    HANDLED = "handled"


# A concern raised with coordinators has the same two states as a change request.
ConcernStatus = ChangeRequestStatus


class MeetingKind(StrEnum):
    """Where a session happens: on a video call (a link), in person (a place), or by phone."""

    VIDEO = "video"
    IN_PERSON = "in_person"
    PHONE = "phone"


class ProposalStatus(StrEnum):
    """A time one side offered the other: open until answered, then one of the rest."""

    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COUNTERED = "countered"  # answered with another time, a new proposal
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"  # nobody answered in time; the session's time stands


class Negotiated(StrEnum):
    """What one step of a negotiation over a session's time did (bot/services/negotiation.py)."""

    INVITED = "invited"  # a mentor planned a session: their time waits for the invitee
    PROPOSED = "proposed"  # another time for a request, or a reschedule of a session
    COUNTERED = "countered"  # the other side answered a proposal with a time of their own
    ACCEPTED = "accepted"  # a pending request or invitation became a session on that time
    RESCHEDULED = "rescheduled"  # an approved session moved to the accepted time
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"  # nobody answered before the time: the session's time stands


class ConcernKind(StrEnum):
    NO_SHOW = "no_show"
    CONDUCT = "conduct"
    SAFETY = "safety"
    OTHER = "other"


class Matching(StrEnum):
    """Who forms a programme's pairs: the mentees themselves, or its coordinators."""

    SELF = "self"
    COORDINATORS = "coordinators"


class Audience(StrEnum):
    """Who may join a programme on one side: everyone, the people listed, or a Slack user
    group's members (read from Slack when the programme is saved)."""

    EVERYONE = "everyone"
    PEOPLE = "people"
    GROUP = "group"


class PairingStatus(StrEnum):
    """A cohort's proposed pairs: a draft coordinators review, then published once."""

    DRAFT = "draft"
    PUBLISHED = "published"


class InviteMethod(StrEnum):
    """What a calendar invite asks of the calendar (RFC 5546 iTIP): add or move the event,
    or take it away. Not stored; a closed set all the same."""

    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


def values(choices: type[StrEnum]) -> tuple[str, ...]:
    """The texts of an enum's members, in order, for a check constraint."""
    return tuple(member.value for member in choices)
