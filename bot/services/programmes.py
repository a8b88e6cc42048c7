"""Programmes: the coordinators' list and form (`/mentor admin programmes`).

A programme is the always-open default one, or a cohort with dates, an audience on each side
and its way of matching. A side open to a Slack user group keeps the group's members as they
were when the programme was saved (read by the handler through bot/slack/user_groups.py and
handed in here, so this module never reads Slack and enrolment never waits on it): saving the
programme again refreshes them. Closing enrolment of a cohort whose coordinators form the pairs
proposes them (cohort_pairing.propose), once; if nobody closes it, due work does on its first
day.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.services import cohort_pairing
from bot.services.coordinators import authorize, require_coordinator
from bot.services.errors import DomainError, FieldErrors
from store.models import MENTORSHIP_MONTHS, Programme, ProgrammeAudience
from store.statuses import Audience, Cadence, Matching, Role

NAME_MAX = 100
DESCRIPTION_MAX = 1000
MAX_LISTED = 200  # people listed by hand on one side


class ProgrammeFormError(FieldErrors):
    """The programme form refused field by field (names: those of `ProgrammeForm`)."""


class UnknownProgramme(DomainError):
    def __init__(self) -> None:
        super().__init__("That programme no longer exists. Nothing was changed.")


class DefaultProgrammeFixed(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "The default programme is always open to everyone and has no dates, so it "
            "cannot be edited. Create a new programme for a cohort."
        )


@dataclass(frozen=True)
class Side:
    """Who may join on one side: everyone, the `people` listed, or user `group`'s members
    (`group_members` as Slack gave them; None when Slack knows no such group)."""

    audience: str = Audience.EVERYONE.value
    people: tuple[str, ...] = ()
    group: str = ""
    group_members: frozenset[str] | None = None


@dataclass(frozen=True)
class ProgrammeForm:
    """What a coordinator typed in the programme modal, as plain values."""

    name: str
    description: str
    starts_on: date | None
    ends_on: date | None
    enrolment_open: bool
    matching: str
    cadence: str
    months: int | None
    mentors: Side = field(default_factory=Side)
    mentees: Side = field(default_factory=Side)


@dataclass(frozen=True)
class ProgrammeView:
    id: int
    name: str
    description: str
    is_default: bool
    starts_on: date | None
    ends_on: date | None
    enrolment_open: bool
    matching: Matching
    cadence: Cadence
    months: int
    mentor_audience: Audience
    mentee_audience: Audience
    mentor_group: str | None
    mentee_group: str | None
    mentor_people: tuple[str, ...]
    mentee_people: tuple[str, ...]


def _view(programme: Programme, people: Mapping[Role, tuple[str, ...]]) -> ProgrammeView:
    return ProgrammeView(
        id=programme.id,
        name=programme.name,
        description=programme.description,
        is_default=programme.is_default,
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
        enrolment_open=programme.enrolment_open,
        matching=programme.matching,
        cadence=programme.default_cadence,
        months=programme.default_months,
        mentor_audience=programme.mentor_audience,
        mentee_audience=programme.mentee_audience,
        mentor_group=programme.mentor_group,
        mentee_group=programme.mentee_group,
        mentor_people=people.get(Role.MENTOR, ()) if programme.mentor_audience == "people" else (),
        mentee_people=people.get(Role.MENTEE, ()) if programme.mentee_audience == "people" else (),
    )


def _listed(session: Session, programme_id: int) -> dict[Role, tuple[str, ...]]:
    rows = session.execute(
        select(ProgrammeAudience.role, ProgrammeAudience.slack_id)
        .where(ProgrammeAudience.programme_id == programme_id)
        .order_by(ProgrammeAudience.slack_id)
    ).all()
    listed: dict[Role, list[str]] = {}
    for role, slack_id in rows:
        listed.setdefault(role, []).append(slack_id)
    return {role: tuple(ids) for role, ids in listed.items()}


def list_programmes(
    session: Session, *, actor: str, coordinators: Collection[str]
) -> list[ProgrammeView]:
    """Every programme, the default first, then cohorts by start date (one query)."""
    require_coordinator(actor, coordinators)
    programmes = session.scalars(
        select(Programme).order_by(Programme.is_default.desc(), Programme.starts_on, Programme.name)
    ).all()
    return [_view(p, {}) for p in programmes]


def may_create(actor: str, coordinators: Collection[str]) -> bool:
    """True for a coordinator, who may open the new programme form; anyone else is refused."""
    require_coordinator(actor, coordinators)
    return True


def programme_to_edit(
    session: Session, *, actor: str, coordinators: Collection[str], programme_id: int
) -> ProgrammeView:
    """A cohort as its form shows it, listed people included."""
    require_coordinator(actor, coordinators)
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise UnknownProgramme()
    if programme.is_default:
        raise DefaultProgrammeFixed()
    return _view(programme, _listed(session, programme.id))


def _side_errors(side: Side, key: str) -> dict[str, str]:
    if side.audience not in set(Audience):
        return {f"{key}_audience": "Choose who may join."}
    if side.audience == Audience.PEOPLE:
        if not side.people:
            return {f"{key}_people": "Pick at least one person, or let everyone join."}
        if len(side.people) > MAX_LISTED:
            return {f"{key}_people": f"List at most {MAX_LISTED} people; use a user group."}
    if side.audience == Audience.GROUP:
        if not side.group:
            return {f"{key}_group": "Type the user group's id (it starts with S)."}
        if side.group_members is None:
            return {f"{key}_group": f"Slack knows no user group {side.group}. Check its id."}
    return {}


def _check(session: Session, form: ProgrammeForm, programme_id: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    name = form.name.strip()
    if not name:
        errors["name"] = "Give the programme a name."
    elif len(name) > NAME_MAX:
        errors["name"] = f"Keep the name under {NAME_MAX} characters."
    else:
        clash = session.scalar(
            select(Programme.id).where(Programme.name == name, Programme.id != (programme_id or 0))
        )
        if clash is not None:
            errors["name"] = "Another programme has this name."
    if len(form.description) > DESCRIPTION_MAX:
        errors["description"] = f"Keep the description under {DESCRIPTION_MAX} characters."
    if form.starts_on is None:
        errors["starts_on"] = "Pick the day the programme starts."
    if form.ends_on is None:
        errors["ends_on"] = "Pick the day the programme ends."
    elif form.starts_on is not None and form.ends_on <= form.starts_on:
        errors["ends_on"] = "The programme must end after the day it starts."
    if form.matching not in set(Matching):
        errors["matching"] = "Choose who forms the pairs."
    if form.cadence not in set(Cadence):
        errors["cadence"] = "Choose how often pairs meet."
    if form.months not in MENTORSHIP_MONTHS:
        errors["months"] = "Choose 1, 3 or 6 months."
    errors.update(_side_errors(form.mentors, "mentor"))
    errors.update(_side_errors(form.mentees, "mentee"))
    return errors


def _keep_audience(session: Session, programme: Programme, role: Role, side: Side) -> None:
    """Replace the side's people with those listed, or the group's members."""
    session.execute(
        delete(ProgrammeAudience).where(
            ProgrammeAudience.programme_id == programme.id, ProgrammeAudience.role == role
        )
    )
    ids: Collection[str] = ()
    if side.audience == Audience.PEOPLE:
        ids = side.people
    elif side.audience == Audience.GROUP:
        ids = side.group_members or ()
    session.add_all(
        ProgrammeAudience(programme_id=programme.id, role=role, slack_id=slack_id)
        for slack_id in sorted(set(ids))
    )


def save_programme(
    session: Session,
    *,
    actor: str,
    coordinators: Collection[str],
    programme_id: int | None,
    form: ProgrammeForm,
    now: datetime,
) -> ProgrammeView:
    """Create a cohort (`programme_id` None) or change one; audited, refused whole or not."""
    require_coordinator(actor, coordinators)
    programme: Programme | None = None
    if programme_id is not None:
        programme = session.get(Programme, programme_id, with_for_update=True)
        if programme is None:
            raise UnknownProgramme()
        if programme.is_default:
            raise DefaultProgrammeFixed()
    errors = _check(session, form, programme_id)
    if errors:
        raise ProgrammeFormError(errors)
    was_open = programme.enrolment_open if programme is not None else True
    if programme is None:
        programme = Programme(is_default=False, created_at=now)
        session.add(programme)
    programme.name = form.name.strip()
    programme.description = form.description.strip()
    programme.starts_on = form.starts_on
    programme.ends_on = form.ends_on
    programme.enrolment_open = form.enrolment_open
    programme.matching = Matching(form.matching)
    programme.default_cadence = Cadence(form.cadence)
    programme.default_months = form.months or 3
    programme.mentor_audience = Audience(form.mentors.audience)
    programme.mentee_audience = Audience(form.mentees.audience)
    programme.mentor_group = form.mentors.group if form.mentors.audience == "group" else None
    programme.mentee_group = form.mentees.group if form.mentees.audience == "group" else None
    session.flush()
    _keep_audience(session, programme, Role.MENTOR, form.mentors)
    _keep_audience(session, programme, Role.MENTEE, form.mentees)
    if was_open and not programme.enrolment_open:
        cohort_pairing.propose(session, programme=programme, now=now)
    cohort_pairing.plan_closing(session, programme=programme, now=now)
    authorize(
        session,
        actor=actor,
        coordinators=coordinators,
        action="programme created" if programme_id is None else "programme changed",
        detail=programme.name,
        now=now,
        subject=f"programme:{programme.id}",
    )
    return _view(programme, _listed(session, programme.id))
