"""What every handler and job needs, bundled once and passed in (never imported as globals)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.config import Settings
from bot.services.eligibility import MentorRule
from store.db import SessionFactory, make_read_session_factory, read_then_write

T = TypeVar("T")


@dataclass(frozen=True)
class Deps:
    settings: Settings
    # Transactions that write: on SQLite each takes the write lock when it begins.
    sessions: SessionFactory
    clock: Clock

    @property
    def mentor_rule(self) -> MentorRule:
        """Who may mentor: MENTOR_MIN_LEVEL among MENTOR_ELIGIBILITY_SKILLS (no rule if unset)."""
        return MentorRule(self.settings.mentor_min_level, self.settings.mentor_eligibility_skills)

    @cached_property
    def reads(self) -> SessionFactory:
        """Transactions that only read: on SQLite they never wait for the write lock."""
        engine = self.sessions.kw["bind"]
        assert isinstance(engine, Engine)
        return make_read_session_factory(engine)

    def read(self, work: Callable[[Session], T]) -> T:
        """Run a use case that reads (and at most rarely writes, like a search noting a skill
        nobody offers) without queueing behind writers; see `store.db.read_then_write`."""
        return read_then_write(self.reads, self.sessions, work)
