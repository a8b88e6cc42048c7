"""The `mentor-bot` command line as an operator meets it: real processes, real exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

from store.db import make_engine

COMMANDS = [
    ["serve"], ["run-due"], ["db"], ["db", "upgrade"], ["db", "revision"], ["manifest"], ["demo"]
]  # fmt: skip


def mentor_bot(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed command in `cwd` with only the given settings in its environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: list[str], tmp_path: Path) -> None:
    """`--help` works on each command and describes it."""
    done = mentor_bot(*command, "--help", cwd=tmp_path)
    assert done.returncode == 0
    assert "usage: mentor-bot" in done.stdout


def test_serve_without_tokens_names_the_missing_setting(tmp_path: Path) -> None:
    """With no settings at all, serve stops at once: one line naming SLACK_BOT_TOKEN, status 2."""
    done = mentor_bot("serve", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "mentor-bot: SLACK_BOT_TOKEN is missing: set the Bot User OAuth Token (xoxb-...)"
    ]
    assert "Traceback" not in done.stderr


def test_http_mode_needs_the_signing_secret(tmp_path: Path) -> None:
    """A bot token alone is not enough for HTTP mode: the signing secret is named."""
    done = mentor_bot("serve", cwd=tmp_path, env={"SLACK_BOT_TOKEN": "xoxb-1"})
    assert done.returncode == 2
    assert done.stderr.startswith("mentor-bot: SLACK_SIGNING_SECRET is missing")


def test_malformed_setting_in_dotenv_stops_every_command(tmp_path: Path) -> None:
    """A bad value in .env is reported by name, without a traceback, whatever the command."""
    (tmp_path / ".env").write_text("PORT=eighty\n")
    for command in (["serve"], ["run-due"], ["db", "upgrade"]):
        done = mentor_bot(*command, cwd=tmp_path)
        assert done.returncode == 2, command
        assert done.stderr.startswith("mentor-bot: PORT is malformed"), command
        assert "Traceback" not in done.stderr


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    """`mentor-bot db upgrade` migrates the database named by DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    done = mentor_bot("db", "upgrade", cwd=tmp_path, env={"DATABASE_URL": url})
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout
    assert "bookings" in inspect(make_engine(url)).get_table_names()


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    """A database that cannot be reached is reported in one line with a hint, status 1."""
    done = mentor_bot(
        "db", "upgrade", cwd=tmp_path, env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/x"}
    )
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1
    assert "check DATABASE_URL" in done.stderr
    assert "Traceback" not in done.stderr
