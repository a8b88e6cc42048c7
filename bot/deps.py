"""What every handler and job needs, bundled once and passed in (never imported as globals)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Settings
from bot.services.eligibility import MentorRule
from store.db import SessionFactory


@dataclass(frozen=True)
class Deps:
    settings: Settings
    sessions: SessionFactory
    clock: Clock

    @property
    def mentor_rule(self) -> MentorRule:
        """Who may mentor: MENTOR_MIN_LEVEL among MENTOR_ELIGIBILITY_SKILLS (no rule if unset)."""
        return MentorRule(self.settings.mentor_min_level, self.settings.mentor_eligibility_skills)
