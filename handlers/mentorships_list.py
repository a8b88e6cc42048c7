"""`/mentor mentorships`: the person's mentorships, live first, then the recently ended, with the
same card as Home (bot/blocks/mentorships.py)."""

from __future__ import annotations

from bot.blocks.mentorships import build_mentorships_list
from bot.services.mentorship_cards import cards_of
from handlers.commands import Invocation, Subcommands
from handlers.context import wiring_of


def mentorships(call: Invocation) -> None:
    call.ack()
    deps = wiring_of(call.context).deps
    with deps.sessions.begin() as session:
        cards = cards_of(session, slack_id=call.user_id, now=deps.clock.now(), include_over=True)
    call.respond(**build_mentorships_list(cards, call.user_id), response_type="ephemeral")


def register(commands: Subcommands) -> None:
    commands.add(
        "mentorships",
        mentorships,
        "mentorships",
        "your mentorships: goals, next session, plan, diary, end",
    )
