"""Programmes: the coordinators' list and form. Pure: views in, Block Kit out."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.blocks.inputs import (
    checkboxes,
    date_input,
    modal,
    people_input,
    select,
    text_input,
)
from bot.blocks.kit import Block, actions, button, context, divider, escape, message, section
from bot.blocks.mentorship_requests import CADENCES, LENGTHS
from bot.ids import COMMAND, Action, Callback
from bot.ids import BlockId as B
from bot.services.mentorship_view import CADENCE_NAMES
from bot.services.programmes import DESCRIPTION_MAX, NAME_MAX, ProgrammeView
from store.statuses import Audience, Cadence, Matching

MAX_LISTED_ROWS = 20  # programmes on one list, two blocks each (a message holds 50)
AUDIENCES = [
    ("Everyone", Audience.EVERYONE.value),
    ("The people listed below", Audience.PEOPLE.value),
    ("Members of a Slack user group", Audience.GROUP.value),
]
MATCHINGS = [
    ("Mentees choose their mentor", Matching.SELF.value),
    ("Coordinators form the pairs", Matching.COORDINATORS.value),
]
OPEN = "open"


def _dates(view: ProgrammeView) -> str:
    if view.starts_on is None or view.ends_on is None:
        return "always open"
    return f"{view.starts_on:%d %b %Y} to {view.ends_on:%d %b %Y}"


def _audience(audience: Audience, group: str | None) -> str:
    if audience == Audience.GROUP:
        return f"user group `{escape(group or '')}`"
    if audience == Audience.PEOPLE:
        return "the people listed"
    return "everyone"


def programme_line(view: ProgrammeView) -> str:
    """One programme in a list: its name, dates, enrolment and matching."""
    enrolment = "enrolment open" if view.enrolment_open else "enrolment closed"
    matching = "coordinators pair" if view.matching == Matching.COORDINATORS else "self-matching"
    cadence = CADENCE_NAMES[view.cadence]
    line = (
        f"*{escape(view.name)}*{' (default)' if view.is_default else ''}: {_dates(view)}, "
        f"{enrolment}, {matching}, {view.months} months {cadence}."
    )
    if not view.is_default:
        line += (
            f"\nMentors: {_audience(view.mentor_audience, view.mentor_group)}; "
            f"mentees: {_audience(view.mentee_audience, view.mentee_group)}."
        )
    if view.description:
        line += f"\n_{escape(view.description)}_"
    return line


def pairs_to_review(view: ProgrammeView) -> bool:
    """A cohort whose coordinators form the pairs has them proposed once enrolment closed."""
    return (
        not view.is_default and view.matching == Matching.COORDINATORS and not view.enrolment_open
    )


def build_programme_list(programmes: list[ProgrammeView]) -> dict[str, Any]:
    """`/mentor admin programmes`: every programme, Edit on each cohort, and New programme."""
    blocks: list[Block] = [section("*Programmes*")]
    for view in programmes[:MAX_LISTED_ROWS]:
        accessory = None if view.is_default else button("Edit", Action.EDIT_PROGRAMME, str(view.id))
        blocks.append(section(programme_line(view), accessory=accessory))
        if pairs_to_review(view):
            blocks.append(actions(button("Review pairs", Action.REVIEW_PAIRS, str(view.id))))
    if len(programmes) > MAX_LISTED_ROWS:
        blocks.append(context(f"And {len(programmes) - MAX_LISTED_ROWS} more."))
    blocks += [
        divider(),
        actions(button("New programme", Action.NEW_PROGRAMME, style="primary")),
        context(
            "The default programme is always open and holds everything made outside a cohort. "
            f"People enrol in a cohort with `{COMMAND} join`."
        ),
    ]
    return message("Programmes", blocks)


def _side(
    view: ProgrammeView | None, role: str, audience_block: str, people_block: str, group: str
) -> list[Block]:
    audience = getattr(view, f"{role}_audience", Audience.EVERYONE)
    people = getattr(view, f"{role}_people", ()) if view else ()
    group_id = getattr(view, f"{role}_group", None) if view else None
    plural = f"{role}s"
    return [
        select(audience_block, f"Who may join as {role}", AUDIENCES, initial=str(audience)),
        people_input(
            people_block,
            f"The {plural} listed",
            initial=people,
            optional=True,
            hint=f"Only when {plural} are the people listed.",
        ),
        text_input(
            group,
            f"The {plural}' user group id",
            initial=group_id or "",
            optional=True,
            max_length=32,
            placeholder="S0123ABCD",
            hint="Only for a user group; its members are read from Slack when you save.",
        ),
    ]


def build_programme_modal(view: ProgrammeView | None, today: date) -> dict[str, Any]:
    """The form to create a cohort (`view` None) or change one; the id rides in metadata."""
    starts = view.starts_on if view and view.starts_on else today
    ends = view.ends_on.isoformat() if view and view.ends_on else None
    blocks: list[Block] = [
        text_input(
            B.PROGRAMME_NAME,
            "Name",
            initial=view.name if view else "",
            max_length=NAME_MAX,
            placeholder="e.g. 2027 new leads, Feb-May",
        ),
        text_input(
            B.DESCRIPTION,
            "Description",
            initial=view.description if view else "",
            max_length=DESCRIPTION_MAX,
            multiline=True,
            optional=True,
        ),
        date_input(B.STARTS_ON, "Starts on", initial=starts.isoformat()),
        date_input(B.ENDS_ON, "Ends on", initial=ends),
        checkboxes(
            B.ENROLMENT_OPEN,
            "Enrolment",
            [("Enrolment is open", OPEN)],
            initial=[OPEN] if view is None or view.enrolment_open else [],
            optional=True,
        ),
        *_side(view, "mentor", B.MENTOR_AUDIENCE, B.MENTOR_PEOPLE, B.MENTOR_GROUP),
        *_side(view, "mentee", B.MENTEE_AUDIENCE, B.MENTEE_PEOPLE, B.MENTEE_GROUP),
        select(
            B.MATCHING,
            "Matching",
            MATCHINGS,
            initial=str(view.matching if view else Matching.SELF),
        ),
        select(
            B.LENGTH,
            "Default mentorship length",
            LENGTHS,
            initial=str(view.months if view else 3),
        ),
        select(
            B.CADENCE,
            "Default cadence",
            CADENCES,
            initial=str(view.cadence if view else Cadence.FORTNIGHTLY),
        ),
    ]
    return modal(
        Callback.PROGRAMME,
        "Edit programme" if view else "New programme",
        blocks,
        submit="Save",
        private_metadata=str(view.id) if view else "",
    )


def build_programme_saved(view: ProgrammeView) -> dict[str, Any]:
    """The coordinator's note once the form is saved."""
    blocks = [section(f":white_check_mark: Saved.\n{programme_line(view)}")]
    if pairs_to_review(view):
        blocks.append(actions(button("Review pairs", Action.REVIEW_PAIRS, str(view.id))))
    return message(f"Programme saved: {view.name}", blocks)
