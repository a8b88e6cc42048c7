"""Search results for `/mentor find`, the "find a mentor" and interests modals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.inputs import modal, text_input
from bot.blocks.kit import (
    Block,
    actions,
    button,
    context,
    divider,
    escape,
    header,
    local_time,
    message,
    section,
)
from bot.blocks.mentorship_groups import join_label
from bot.ids import COMMAND, Action, Callback
from bot.ids import BlockId as B
from bot.services.free_slots import SlotChoice
from bot.services.search import MentorMatch, SearchResult

SKILLS_VALUE_MAX = 1900  # a button value holds 2000 characters


def skills_value(skills: Sequence[str]) -> str:
    """Skills carried in a button's value (comma-separated), cut to fit."""
    return ",".join(skills)[:SKILLS_VALUE_MAX]


def build_results(result: SearchResult) -> dict[str, Any]:
    """Ranked mentors with their next slots as date tokens, so each reader sees local time."""
    asked = ", ".join(result.asked)
    blocks: list[Block] = [header(f"Mentors for {asked}")]
    if result.used_interests:
        blocks.append(context("Based on your saved interests. Add skills to search for others."))
    if not result.available and not result.without_slots:
        return message(f"No mentors for {asked} yet", blocks + _no_match(result))
    for match in result.available:
        blocks += _mentor_blocks(match)
    if result.more:
        blocks.append(context(_more_line(result.more)))
    if result.without_slots:
        blocks += [divider(), section("*Also a match, but no free time in the next two weeks*")]
        for m in result.without_slots:  # a mentorship needs no free slot to be asked for
            blocks += [
                section(
                    f"*{escape(m.name)}* · {m.percent}% match · {escape(', '.join(m.matched))}",
                    accessory=button(
                        "Ask for availability", Action.ASK_AVAILABILITY, str(m.mentor_id)
                    ),
                ),
                _mentorship_line(m),
            ]
    if not result.used_interests:
        blocks.append(
            actions(
                button("Save as my interests", Action.SAVE_INTERESTS, skills_value(result.asked))
            )
        )
    count = len(result.available)
    return message(f"{count} mentor{'s' if count != 1 else ''} for {asked}", blocks)


def _more_line(more: int) -> str:
    """The matching mentors not listed: with or without free time, so narrowing helps."""
    if more == 1:
        return "1 more mentor matches: add a skill to narrow the list."
    return f"{more:,} more mentors match: add a skill to narrow the list."


def _mentor_blocks(match: MentorMatch) -> list[Block]:
    about = (
        f"*<@{match.slack_id}>* · *{match.percent}% match*\n"
        f"{escape(', '.join(match.matched))}"
        + (f"\n_{escape(match.bio_first_line)}_" if match.bio_first_line else "")
        + (f"\n:stopwatch: {match.answers}" if match.answers else "")
    )
    blocks: list[Block] = [divider()]
    if match.requested:
        blocks += [
            section(about),
            context(":hourglass_flowing_sand: *Requested*: waiting for their answer."),
            _mentorship_line(match),
            *_group_lines(match),
        ]
        return blocks
    blocks.append(
        section(about, accessory=button("More times", Action.MORE_TIMES, str(match.mentor_id)))
    )
    blocks += [slot_line(slot) for slot in match.next_slots]
    blocks.append(_mentorship_line(match))
    blocks += _group_lines(match)
    return blocks


def _group_lines(match: MentorMatch) -> list[Block]:
    """Each open group of the mentor: join it, or that the asker asked, or that it is full."""
    lines: list[Block] = []
    for group in match.groups:
        name = escape(group.name)
        if group.asked:
            lines.append(context(f":busts_in_silhouette: *{name}*: you asked to join."))
        elif group.seats_left == 0:
            lines.append(context(f":busts_in_silhouette: *{name}* is *full*."))
        else:
            lines.append(
                actions(button(join_label(group), Action.JOIN_GROUP, str(group.mentorship_id)))
            )
    return lines


def _mentorship_line(match: MentorMatch) -> Block:
    """Ask for a mentorship, or why not: already requested, not taking any, or full."""
    if match.mentorship_requested:
        return context(":handshake: Mentorship *requested*: waiting for their answer.")
    if not match.takes_mentorships:
        return context(":handshake: Not taking mentorships right now.")
    if match.mentorship_full:
        return context(":handshake: *Full for mentorships* right now.")
    return actions(button("Ask for a mentorship", Action.ASK_MENTORSHIP, str(match.mentor_id)))


def slot_line(slot: SlotChoice) -> Block:
    """A free time with its Book button (each reader sees it in their own zone); a group
    session with its title and seats left."""
    when = f":calendar: {local_time(slot.starts_at)}"
    if slot.in_group:
        when = f":busts_in_silhouette: {local_time(slot.starts_at)} · {seats_line(slot)}"
    return section(when, accessory=button("Book", Action.BOOK, str(slot.id), style="primary"))


def seats_line(slot: SlotChoice) -> str:
    """A group session as an offer shows it: *Python office hours*, 3 of 4 seats left."""
    title = escape(slot.title or "Group session")
    return f"*{title}*, {slot.seats_left} of {slot.seats} seats left"


def _no_match(result: SearchResult) -> list[Block]:
    blocks = [section("No mentor offers that yet. I've noted it so coordinators can find one.")]
    if result.suggestions:
        tries = ", ".join(f"`{COMMAND} find {escape(s)}`" for s in result.suggestions)
        blocks.append(section(f"Close matches you could try: {tries}"))
    return blocks


def build_more_times(name: str, slots: Sequence[SlotChoice], mentor_id: int) -> dict[str, Any]:
    """One mentor's bookable times, each with its own Book button."""
    if not slots:
        return message(
            f"{name} has no free time right now",
            [
                section(f"*{escape(name)}* has no free time in the next two weeks."),
                actions(button("Ask for availability", Action.ASK_AVAILABILITY, str(mentor_id))),
            ],
        )
    blocks: list[Block] = [header(f"Times with {name}")]
    blocks += [slot_line(slot) for slot in slots[:40]]
    if len(slots) > 40:
        blocks.append(context(f"…and {len(slots) - 40} more later on."))
    return message(f"Times with {name}", blocks)


def build_ask_for_skills() -> dict[str, Any]:
    example = f"`{COMMAND} find python leadership`"
    return message(
        "Which skills are you looking for?",
        [
            section(
                "Which skills would you like to learn? Type them after find, for example "
                f"{example}, or save your interests once and just type `{COMMAND} find`."
            ),
            actions(button("Set my interests", Action.SAVE_INTERESTS, "")),
        ],
    )


def build_find_modal(initial: str) -> dict[str, Any]:
    return modal(
        Callback.FIND,
        "Find a mentor",
        [
            text_input(
                B.QUERY,
                "Skills you want to learn",
                initial=initial,
                placeholder="e.g. python, leadership",
                hint="Separate skills with commas or spaces. Results arrive in your DM.",
                max_length=300,
            )
        ],
        submit="Search",
    )


def build_interests_modal(skills: Sequence[str], goals: str | None) -> dict[str, Any]:
    return modal(
        Callback.INTERESTS,
        "Your interests",
        [
            section(
                "Mentors see these with your requests, and `/mentor find` with no skills "
                "searches for them."
            ),
            text_input(
                B.QUERY,
                "Skills you want to learn",
                initial=", ".join(skills),
                placeholder="e.g. python, public speaking",
                hint="Separate skills with commas.",
                max_length=400,
            ),
            text_input(
                B.GOALS,
                "Your goals",
                initial=goals or "",
                placeholder="What would you like to be able to do in six months?",
                multiline=True,
                max_length=1000,
                optional=True,
            ),
        ],
        submit="Save",
    )


def build_nudge(asker_id: str, skills: str) -> dict[str, Any]:
    """The DM a mentor gets when someone wants to book them but they have no free time."""
    wanted = f" about {escape(skills)}" if skills else ""
    return message(
        "Someone would like to book a session with you",
        [
            section(
                f":wave: <@{asker_id}> would like a session with you{wanted}, but you have no "
                "free time in the next two weeks. Could you add some?"
            ),
            actions(button("Add availability", Action.OPEN_AVAILABILITY, style="primary")),
        ],
    )
