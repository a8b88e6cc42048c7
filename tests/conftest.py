"""Shared fixtures: real databases (SQLite always, PostgreSQL when TEST_DATABASE_URL is set) and
a sandbox running the real app over HTTP against the Slack simulator."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.sandbox import Sandbox, sandbox
from bot.simulator import FakeSlack
from store.db import SessionFactory, make_engine, make_session_factory
from store.migrate import upgrade

# Monday 23 November 2026, 09:00 UTC: the sandbox's "now" unless a test moves it.
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")

ADA = "U0ADA"  # a mentor in New York
BEN = "U0BEN"  # a mentee in Paris
CHITRA = "U0CHITRA"  # a colleague in Kolkata (half-hour offset)
DAN = "U0DAN"  # another mentor


def pytest_configure(config: pytest.Config) -> None:
    # Waitress warns when its task queue backs up, which says how busy the machine is, not what
    # the app did; tests that count the app's warning lines must not see it.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    if POSTGRES_URL and not POSTGRES_URL.startswith("postgresql"):
        raise pytest.UsageError("TEST_DATABASE_URL must be a postgresql:// URL")


def _reset_postgres(url: str) -> None:
    """Start each PostgreSQL test from an empty schema, as a fresh install would."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each database test runs on SQLite and, when configured, on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'mentor_bot.db'}"
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL not configured: set TEST_DATABASE_URL to run these")
    _reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head by the project's own migrations, copied for each test
    that needs a migrated database rather than migrated again (0.4 s a test); the migrations
    themselves are tested step by step in test_store and test_report_indexes."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def from_template(database_url: str, template: Path) -> None:
    """Start a SQLite test's database as a copy of the migrated template (PostgreSQL's was
    emptied by `database_url` and is migrated as a fresh install would be)."""
    if database_url.startswith("sqlite:///"):
        target = Path(database_url.removeprefix("sqlite:///"))
        if not target.exists():
            shutil.copyfile(template, target)


@pytest.fixture
def engine(database_url: str, migrated_sqlite: Path) -> Iterator[Engine]:
    """A database migrated to the latest schema with the project's own Alembic migrations."""
    from_template(database_url, migrated_sqlite)
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> SessionFactory:
    return make_session_factory(engine)


def make_fake_slack() -> FakeSlack:
    fake = FakeSlack()
    fake.add_user(ADA, "Ada Lovelace", "America/New_York")
    fake.add_user(BEN, "Ben Martin", "Europe/Paris")
    fake.add_user(CHITRA, "Chitra Rao", "Asia/Kolkata")
    return fake


@pytest.fixture
def box(database_url: str, migrated_sqlite: Path) -> Iterator[Sandbox]:
    """The real app on loopback HTTP, its database, and a simulated Slack with three people.

    After the test, nothing the app sent may have broken Block Kit's rules or called a Web API
    method the simulator does not know.
    """
    from_template(database_url, migrated_sqlite)
    with sandbox(database_url, now=START, fake=make_fake_slack()) as running:
        yield running
        assert running.fake.problems == []
