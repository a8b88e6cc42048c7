"""Search results for `/mentor find`, the "find a mentor" and interests modals."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.blocks.inputs import checkboxes, modal, select, text_input
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
from bot.blocks.levels import LEVEL_NAMES, level_label, level_options
from bot.blocks.mentorship_groups import join_label
from bot.blocks.preferences import language_options, languages_line
from bot.ids import COMMAND, Action, Callback
from bot.ids import BlockId as B
from bot.services.free_slots import SlotChoice
from bot.services.interests import Gap, Interests, Preferences
from bot.services.search import GapMatch, MentorMatch, SearchResult
from store.statuses import HelpKind

SKILLS_VALUE_MAX = 1900  # a button value holds 2000 characters
HELP_KIND_NAMES: dict[str, str] = {
    HelpKind.CAREER: "Career",
    HelpKind.TECHNICAL: "Technical",
    HelpKind.LEADERSHIP: "Leadership",
    HelpKind.ONBOARDING: "Onboarding",
    HelpKind.OTHER: "Other",
}
CREDIT_MARKS = {1.0: "✓", 0.5: "½", 0.25: "¼", 0.0: "✗"}
OVERLAP_LABEL = "My mentor's working hours should overlap with mine"


def asked_skill(name: str, target: int | None) -> str:
    """An asked skill as typed back: "Python ≥ 4", or just "Python" with no target."""
    return name if target is None else f"{name} ≥ {target}"


def gap_line(gap: GapMatch) -> str:
    """How a mentor covers one gap: "Python 5 ≥ 4 ✓", "Leadership 3 < 4 ½", "Go 5 ✓"."""
    mark = CREDIT_MARKS.get(gap.credit, f"{gap.credit:g}")
    if gap.target is None:
        said = f"{gap.skill} {gap.level} {mark}"
    else:
        sign = "≥" if gap.level >= gap.target else "<"
        said = f"{gap.skill} {gap.level} {sign} {gap.target} {mark}"
    return f"{said} (for “{gap.asked}”)" if gap.near else said


def skills_value(skills: Sequence[str]) -> str:
    """Skills carried in a button's value (comma-separated), cut to fit."""
    return ",".join(skills)[:SKILLS_VALUE_MAX]


def build_results(result: SearchResult) -> dict[str, Any]:
    """Ranked mentors with their next slots as date tokens, so each reader sees local time;
    then those full this week, then those with no free time."""
    targets = result.targets or (None,) * len(result.asked)
    asked = ", ".join(asked_skill(n, t) for n, t in zip(result.asked, targets, strict=True))
    blocks: list[Block] = [header(f"Mentors for {asked}"[:150])]
    if result.used_interests:
        blocks.append(
            context("Based on your saved interests and their targets. Name skills for others.")
        )
    if wanted := _wanted_line(result.preferences):
        blocks.append(context(wanted))
    if not result.available and not result.without_slots and not result.full:
        return message(f"No mentors for {asked} yet", blocks + _no_match(result))
    for match in result.available:
        blocks += _mentor_blocks(match)
    if result.full:
        blocks += [divider(), section("*Full this week*: a match, but at their weekly limit")]
        for m in result.full:
            blocks += [section(_about(m)), _mentorship_line(m)]
    if result.more:
        blocks.append(context(_more_line(result.more)))
    if result.without_slots:
        blocks += [divider(), section("*Also a match, but no free time in the next two weeks*")]
        for m in result.without_slots:  # a mentorship needs no free slot to be asked for
            blocks += [
                section(
                    f"*{escape(m.name)}* · {m.percent}% match · {escape(_gaps_text(m))}",
                    accessory=button(
                        "Ask for availability", Action.ASK_AVAILABILITY, str(m.mentor_id)
                    ),
                ),
                _mentorship_line(m),
            ]
    if not result.used_interests:
        blocks.append(
            actions(
                button(
                    "Save as my interests",
                    Action.SAVE_INTERESTS,
                    skills_value(_typed_back(result.asked, targets)),
                )
            )
        )
    count = len(result.available)
    return message(f"{count} mentor{'s' if count != 1 else ''} for {asked}", blocks)


def _typed_back(asked: Sequence[str], targets: Sequence[int | None]) -> list[str]:
    """The asked skills as a search would read them again: "Python:4", "Leadership"."""
    return [n if t is None else f"{n}:{t}" for n, t in zip(asked, targets, strict=True)]


def _more_line(more: int) -> str:
    """The matching mentors not listed: with or without free time, so narrowing helps."""
    if more == 1:
        return "1 more mentor matches: add a skill to narrow the list."
    return f"{more:,} more mentors match: add a skill to narrow the list."


def _gaps_text(match: MentorMatch) -> str:
    """The asked gaps the mentor covers, explained: "Python 5 ≥ 4 ✓, Leadership 3 < 4 ½"."""
    if not match.gaps:
        return ", ".join(match.matched)
    return ", ".join(gap_line(gap) for gap in match.gaps)


def _about(match: MentorMatch) -> str:
    """Who, how well they match and why, what they like to help with, their bio's first line."""
    lines = [
        f"*<@{match.slack_id}>* · *{match.percent}% match*",
        escape(_gaps_text(match))[:1000],
    ]
    if traits := _traits_line(match):
        lines.append(traits)
    if match.bio_first_line:
        lines.append(f"_{escape(match.bio_first_line)}_")
    if match.answers:
        lines.append(f":stopwatch: {match.answers}")
    return "\n".join(lines)


def _traits_line(match: MentorMatch) -> str:
    """What the mentor likes to help with, their languages and whether hours overlap."""
    parts = []
    if match.help_kinds:
        kinds = ", ".join(HELP_KIND_NAMES.get(k, k).lower() for k in match.help_kinds)
        parts.append(f"Helps with {escape(kinds)}")
    if match.languages:
        parts.append(f"Mentors in {escape(languages_line(match.languages))}")
    if match.overlap is not None:
        parts.append("Working hours overlap yours" if match.overlap else "Hours far from yours")
    return " · ".join(parts)[:500]


def _wanted_line(wanted: Preferences) -> str:
    """The asker's preferences, so the ranking reads as theirs."""
    parts = []
    if wanted.wanted_help:
        parts.append(f"{HELP_KIND_NAMES.get(wanted.wanted_help, wanted.wanted_help)} help")
    if wanted.language:
        parts.append(f"in {escape(languages_line([wanted.language]))}")
    if wanted.overlap_hours:
        parts.append("working hours that overlap yours")
    return f"You prefer: {', '.join(parts)}." if parts else ""


def _mentor_blocks(match: MentorMatch) -> list[Block]:
    about = _about(match)
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
    if result.unmatched:
        some = "1 mentor offers" if result.unmatched == 1 else f"{result.unmatched:,} mentors offer"
        blocks = [
            section(
                f"{some} these skills, but not at your target level (or not in your language). "
                "Try a lower target, for example `python:3`."
            )
        ]
    else:
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


def build_interests_modal(saved: Interests) -> dict[str, Any]:
    """The interests form's first step: skills, goals and preferences (levels come next)."""
    wanted = saved.preferences
    return modal(
        Callback.INTERESTS,
        "Your interests",
        [
            section(
                "Mentors see these with your requests, and `/mentor find` with no skills "
                "matches mentors to your gaps."
            ),
            text_input(
                B.QUERY,
                "Skills you want to learn",
                initial=", ".join(saved.skills),
                placeholder="e.g. python, public speaking",
                hint="Separate skills with commas. Next, say where you are and your target.",
                max_length=400,
                optional=True,
            ),
            text_input(
                B.GOALS,
                "Your goals",
                initial=saved.goals or "",
                placeholder="What would you like to be able to do in six months?",
                multiline=True,
                max_length=1000,
                optional=True,
            ),
            select(
                B.WANTED_HELP,
                "Kind of help you want",
                [(name, kind) for kind, name in HELP_KIND_NAMES.items()],
                initial=wanted.wanted_help,
                hint="Mentors who like to give it rank first among equal matches.",
                optional=True,
            ),
            select(
                B.LANGUAGE,
                "Language",
                language_options(),
                initial=wanted.language,
                hint="Mentors who list languages are shown only if they list this one.",
                optional=True,
            ),
            checkboxes(
                B.OVERLAP,
                "Working hours",
                [(OVERLAP_LABEL, "yes")],
                initial=["yes"] if wanted.overlap_hours else [],
                hint="Mentors at most three hours from your clock rank first among equals.",
                optional=True,
            ),
        ],
        submit="Next",
    )


def gap_block_ids(index: int) -> tuple[str, str]:
    """The level inputs of the gap at `index`: (where you are now, your target)."""
    return f"gap_{index}_now", f"gap_{index}"


def build_levels_modal(
    gaps: Sequence[Gap], goals: str, wanted: Preferences, wanted_help: str
) -> dict[str, Any]:
    """The interests form's second step: for each skill, where you are now and your target.
    The first step's answers travel in private_metadata, to be saved together."""
    blocks: list[Block] = [
        context(
            "Levels follow SFIA: "
            + ", ".join(level_label(level) for level in LEVEL_NAMES)
            + ". Mentors at or above your target count in full, one below counts half."
        )
    ]
    for index, gap in enumerate(gaps):
        now_id, target_id = gap_block_ids(index)
        blocks += [
            _level_select(now_id, f"{gap.skill}: where you are now", gap.current),
            _level_select(target_id, f"{gap.skill}: your target", gap.target),
        ]
    metadata = {
        "skills": [gap.skill for gap in gaps],
        "goals": goals,
        "help": wanted_help,
        "language": wanted.language or "",
        "overlap": wanted.overlap_hours,
    }
    return modal(
        Callback.INTERESTS_LEVELS,
        "Your levels",
        blocks,
        submit="Save",
        private_metadata=json.dumps(metadata, ensure_ascii=False),
    )


def _level_select(block_id: str, label: str, level: int | None) -> Block:
    block = select(block_id, label[:150], [], optional=True)
    options = level_options()
    block["element"]["options"] = options
    if level is not None:
        block["element"]["initial_option"] = options[level - 1]
    return block


def build_bad_level(typed: str) -> dict[str, Any]:
    """`find python:9`: what a level is, and nothing searched."""
    levels = "\n".join(f"• {level_label(level)}" for level in LEVEL_NAMES)
    return message(
        "A level is a number from 1 to 7",
        [
            section(
                f"“{escape(typed)}”: a level is a number from 1 to 7, for example "
                f"`{COMMAND} find python:4` (or `python>=4`) for mentors at 4 or above:\n{levels}"
            )
        ],
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
