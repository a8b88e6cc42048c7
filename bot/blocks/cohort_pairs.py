"""A cohort's proposed pairs: the coordinators' review modal, the note once published, and
the introduction each pair reads in its group DM. Pure."""

from __future__ import annotations

from typing import Any

from bot.blocks.inputs import modal, multi_select
from bot.blocks.kit import (
    Block,
    actions,
    button,
    context,
    divider,
    escape,
    mention,
    message,
    section,
)
from bot.ids import Action, BlockId, Callback
from bot.services.cohort_pairing import ClosedByDate, PairingReview, PairView, Published

MAX_SHOWN = 40  # pairs in the modal (a modal holds 100 blocks); the rest are counted
MAX_UNMATCHED = 30


def percent(score: float) -> str:
    return f"{round(score * 100)}%"


def pair_line(pair: PairView) -> str:
    return (
        f"{mention(pair.mentor_slack_id)} mentors {mention(pair.mentee_slack_id)}: "
        f"*{percent(pair.score)}* match, {escape(pair.why)}"
    )


def swap_label(pair: PairView) -> str:
    """A pair as an option's plain text (no mentions there): names, then the score."""
    return f"{pair.mentor_name} & {pair.mentee_name} ({percent(pair.score)})"


def build_pairs_modal(review: PairingReview) -> dict[str, Any]:
    """Each pair with its score and why (Remove on a draft), then who is left and why."""
    state = "published" if review.published else "proposed"
    blocks: list[Block] = [
        section(
            f"*{escape(review.programme_name)}*: {len(review.pairs)} "
            f"{'pair' if len(review.pairs) == 1 else 'pairs'} {state}, "
            "best match first. The score is the share of the mentee's skill gaps the mentor "
            "covers at their target level (half one level below)."
        )
    ]
    for pair in review.pairs[:MAX_SHOWN]:
        accessory = None if review.published else button("Remove", Action.REMOVE_PAIR, str(pair.id))
        blocks.append(section(pair_line(pair), accessory=accessory))
    if len(review.pairs) > MAX_SHOWN:
        blocks.append(context(f"And {len(review.pairs) - MAX_SHOWN} more pairs."))
    if not review.published and len(review.pairs) >= 2:
        blocks += [
            multi_select(
                BlockId.PAIRS_TO_SWAP,
                "Two pairs to swap mentors",
                [(swap_label(pair), str(pair.id)) for pair in review.pairs[:MAX_SHOWN]],
                optional=True,
            ),
            actions(button("Swap their mentors", Action.SWAP_PAIRS)),
        ]
    if review.unmatched:
        blocks += [divider(), section(f"*Not matched ({len(review.unmatched)})*")]
        lines = [f"{mention(who)}: {why}" for who, why in review.unmatched[:MAX_UNMATCHED]]
        blocks.append(section("\n".join(lines)))
        if len(review.unmatched) > MAX_UNMATCHED:
            blocks.append(context(f"And {len(review.unmatched) - MAX_UNMATCHED} more."))
    if not review.published:
        blocks.append(
            context("Publish starts each pair at the agreement step and introduces them.")
        )
    return modal(
        Callback.PAIRS,
        "Proposed pairs",
        blocks,
        submit=None if review.published or not review.pairs else "Publish",
        close="Close",
        private_metadata=str(review.programme_id),
    )


def build_published(published: Published) -> dict[str, Any]:
    count = len(published.outcomes)
    blocks = [
        section(
            f":tada: Published {count} pair{'s' if count != 1 else ''} of "
            f"*{escape(published.programme_name)}*. Each pair is introduced in a group DM "
            "and has the agreement to complete."
        )
    ]
    if published.skipped:
        lines = []
        for line in published.skipped[:MAX_UNMATCHED]:
            who, _, why = line.partition(": ")
            lines.append(f"{mention(who)}: {escape(why)}")
        blocks.append(section("*Not started, changed since the proposal*\n" + "\n".join(lines)))
    return message(f"Pairs published: {published.programme_name}", blocks)


def build_pair_intro(
    programme_name: str, mentor_slack_id: str, mentee_slack_id: str, why: str
) -> dict[str, Any]:
    """The pair's first message in their group DM."""
    return message(
        f"Meet your mentoring partner for {programme_name}",
        [
            section(
                f":wave: {mention(mentor_slack_id)}, meet {mention(mentee_slack_id)}: the "
                f"coordinators of *{escape(programme_name)}* paired you (the mentor {escape(why)})."
            ),
            context(
                "Each of you has the mentorship agreement by DM: it starts once you both agree."
            ),
        ],
    )


def build_closed_by_date(closed: ClosedByDate) -> dict[str, Any]:
    """The coordinators' note when a cohort's enrolment closed on its first day."""
    return message(
        f"Enrolment closed: {closed.programme_name}",
        [
            section(
                f"Enrolment in *{escape(closed.programme_name)}* closed on its first day. "
                f"{closed.pairs} pair{'s' if closed.pairs != 1 else ''} proposed."
            ),
            actions(button("Review pairs", Action.REVIEW_PAIRS, str(closed.programme_id))),
        ],
    )
