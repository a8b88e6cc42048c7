"""Settings: defaults, parsing, and one clear error naming each bad setting."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from dotenv import dotenv_values

from bot.config import DEFAULTS, ConfigError, load_settings, read_environment

ENV_EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"


def test_defaults_need_nothing() -> None:
    """An empty environment gives the documented defaults (tokens are checked only to serve)."""
    settings = load_settings({})
    assert settings.database_url == "sqlite:///mentor_bot.db"
    assert settings.port == 3000
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.mentor_approval == "open"
    assert settings.digest_cron == "0 9 * * mon"
    assert settings.program_tz == "UTC"
    assert settings.reminder_offsets == (timedelta(hours=24), timedelta(minutes=10))
    assert settings.request_ttl == timedelta(hours=72)
    assert settings.log_level == "INFO"
    assert settings.coordinator_user_ids == frozenset()
    assert not settings.socket_mode


def test_values_are_parsed_and_normalised() -> None:
    """Postgres URLs get the psycopg driver; offsets are sorted; the API URL ends with a slash."""
    settings = load_settings(
        {
            "DATABASE_URL": "postgresql://u@db:5432/mentor",
            "SLACK_API_URL": "http://127.0.0.1:9000/api",
            "REMINDER_OFFSETS": "10m, 1d ,2h",
            "COORDINATOR_USER_IDS": "U01, W02",
            "COORDINATOR_CHANNEL": "C0COORD",
            "MENTOR_APPROVAL": "coordinator",
            "PROGRAM_TZ": "Europe/Paris",
            "LOG_LEVEL": "debug",
            "SLACK_APP_TOKEN": "xapp-1-abc",
        }
    )
    assert settings.database_url == "postgresql+psycopg://u@db:5432/mentor"
    assert settings.slack_api_url == "http://127.0.0.1:9000/api/"
    assert settings.reminder_offsets == (
        timedelta(days=1),
        timedelta(hours=2),
        timedelta(minutes=10),
    )
    assert settings.coordinator_user_ids == {"U01", "W02"}
    assert settings.log_level == "DEBUG"
    assert settings.socket_mode


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SLACK_BOT_TOKEN", "xapp-wrong-kind"),
        ("SLACK_APP_TOKEN", "xoxb-wrong-kind"),
        ("SLACK_API_URL", "slack.com/api"),
        ("DATABASE_URL", "mysql://localhost/db"),
        ("PORT", "eighty"),
        ("PORT", "70000"),
        ("COORDINATOR_CHANNEL", "#coordinators"),
        ("COORDINATOR_USER_IDS", "U01,@bob"),
        ("MENTOR_APPROVAL", "sometimes"),
        ("DIGEST_CRON", "every monday"),
        ("PROGRAM_TZ", "Mars/Olympus_Mons"),
        ("REMINDER_OFFSETS", "24 hours"),
        ("REMINDER_OFFSETS", ","),
        ("REQUEST_TTL", "0h"),
        ("LOG_LEVEL", "LOUD"),
        ("AVAILABILITY_HORIZON_WEEKS", "0"),
        ("PUBLIC_URL", "mentor.example.org"),
        ("PUBLIC_URL", "https://mentor.example.org/?x=1"),
    ],
)
def test_malformed_setting_is_named(name: str, value: str) -> None:
    """Each malformed value is refused with an error that starts with the setting's name."""
    with pytest.raises(ConfigError) as raised:
        load_settings({name: value})
    assert raised.value.name == name
    assert str(raised.value).startswith(f"{name} is malformed")


def test_calendar_links_use_the_public_url() -> None:
    """Feed links start at PUBLIC_URL (without its trailing slash), else at this machine."""
    assert load_settings({}).feed_base_url == "http://localhost:3000"
    public = load_settings({"PUBLIC_URL": "https://mentor.example.org/"})
    assert public.feed_base_url == "https://mentor.example.org"


def test_coordinator_approval_needs_a_channel() -> None:
    """Approval by coordinators is refused at start-up when there is nowhere to post requests."""
    with pytest.raises(ConfigError, match=r"^COORDINATOR_CHANNEL is missing"):
        load_settings({"MENTOR_APPROVAL": "coordinator"})
    load_settings({"MENTOR_APPROVAL": "coordinator", "COORDINATOR_CHANNEL": "C0COORD"})


def test_serving_needs_tokens() -> None:
    """HTTP mode needs the bot token and signing secret; Socket Mode swaps the secret for xapp."""
    with pytest.raises(ConfigError, match=r"^SLACK_BOT_TOKEN is missing"):
        load_settings({}).require_slack()
    with pytest.raises(ConfigError, match=r"^SLACK_SIGNING_SECRET is missing"):
        load_settings({"SLACK_BOT_TOKEN": "xoxb-1"}).require_slack()
    load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}).require_slack()


def test_environment_wins_over_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """.env fills in what the environment lacks; a real variable always wins."""
    dotenv = tmp_path / ".env"
    dotenv.write_text("PORT=4000\nPROGRAM_TZ=Europe/Paris\n")
    monkeypatch.setenv("PORT", "5000")
    env = read_environment(dotenv)
    assert env["PORT"] == "5000"
    assert env["PROGRAM_TZ"] == "Europe/Paris"


def test_env_example_documents_every_setting() -> None:
    """.env.example lists every setting the program reads, and its values load cleanly."""
    example = {k: v or "" for k, v in dotenv_values(ENV_EXAMPLE).items()}
    assert set(DEFAULTS) <= set(example)
    for name, default in DEFAULTS.items():
        if default:
            assert example[name] == default, f".env.example shows the wrong default for {name}"
    load_settings(example)


def test_the_mentor_rule_is_parsed_and_checked() -> None:
    """No rule by default; a level with names (tidied, each once); a level outside 1-7, or
    names without a level, is one clear error."""
    assert load_settings({}).mentor_min_level is None
    ruled = load_settings(
        {"MENTOR_MIN_LEVEL": "4", "MENTOR_ELIGIBILITY_SKILLS": " Python ,Cloud  ops,, Python"}
    )
    assert (ruled.mentor_min_level, ruled.mentor_eligibility_skills) == (4, ("Python", "Cloud ops"))
    for value in ("9", "0", "four"):
        with pytest.raises(ConfigError) as refused:
            load_settings({"MENTOR_MIN_LEVEL": value})
        assert refused.value.name == "MENTOR_MIN_LEVEL"
    with pytest.raises(ConfigError) as refused:
        load_settings({"MENTOR_ELIGIBILITY_SKILLS": "Python"})
    assert refused.value.name == "MENTOR_MIN_LEVEL" and "MENTOR_ELIGIBILITY_SKILLS" in str(
        refused.value
    )
