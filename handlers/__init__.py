"""Slack listeners, one module per feature, each with a `register` function."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from handlers import (
    admin,
    approval,
    availability,
    booking,
    calendar_feed,
    closing,
    cohort_pairs,
    commands,
    concerns,
    context,
    diary,
    enrolment,
    errors,
    find,
    followup,
    goals,
    health,
    home,
    mentorship_groups,
    mentorship_sessions,
    mentorships,
    mentorships_list,
    negotiation,
    people,
    privacy,
    profile,
    programmes,
    roster,
)


def register_listeners(app: App, deps: Deps) -> commands.Subcommands:
    """Attach every listener to `app`; returns the subcommand registry (help is built from it)."""
    subcommands = commands.Subcommands()
    homes = home.HomePublisher(deps, subcommands)
    context.provide(app, context.Wiring(deps, homes, subcommands))
    commands.register(app, subcommands)
    home.register(app)
    find.register(app, subcommands)
    booking.register(app, subcommands)
    negotiation.register(app, subcommands)
    followup.register(app)
    closing.register(app)
    profile.register(app, subcommands)
    availability.register(app, subcommands)
    approval.register(app)
    admin.register(subcommands)
    health.register(app)
    roster.register(app)
    mentorships.register(app)
    mentorship_groups.register(app, subcommands)
    privacy.register(app, subcommands)
    people.register(app)
    goals.register(app)
    mentorships_list.register(subcommands)
    mentorship_sessions.register(app)
    calendar_feed.register(app, subcommands)
    diary.register(app)
    concerns.register(app, subcommands)
    programmes.register(app)
    enrolment.register(app, subcommands)
    cohort_pairs.register(app)
    errors.register(app)
    return subcommands
