"""Settings from the environment and `.env`, checked once at start-up.

Every setting of the README's settings table lives here with its default. A missing or malformed
value raises `ConfigError` naming the setting; the command line turns that into one line and exit
status 2.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from dotenv import dotenv_values

# Every setting the program reads, with its default ("" means unset). .env.example documents each.
DEFAULTS: dict[str, str] = {
    "SLACK_BOT_TOKEN": "",
    "SLACK_SIGNING_SECRET": "",
    "SLACK_APP_TOKEN": "",
    "SLACK_API_URL": "https://slack.com/api/",
    "DATABASE_URL": "sqlite:///mentor_bot.db",
    "PORT": "3000",
    "COORDINATOR_CHANNEL": "",
    "COORDINATOR_USER_IDS": "",
    "MENTOR_APPROVAL": "open",
    "DIGEST_CRON": "0 9 * * mon",
    "PROGRAM_TZ": "UTC",
    "REMINDER_OFFSETS": "24h,10m",
    "REQUEST_TTL": "72h",
    "LOG_LEVEL": "INFO",
    "AVAILABILITY_HORIZON_WEEKS": "8",
    "MAX_OPEN_REQUESTS": "3",
    "PUBLIC_URL": "",
    "MENTOR_MIN_LEVEL": "",
    "MENTOR_ELIGIBILITY_SKILLS": "",
    "WEB_CONCURRENCY": "",
}
MAX_WORKERS = 64  # worker processes of one replica, a sanity bound
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
APPROVAL_MODES = ("open", "coordinator")

_DURATION = re.compile(r"^\s*(\d+)\s*([dhm])\s*$")
_DURATION_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it and says what is expected."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name} {problem}")
        self.name = name


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str | None
    slack_signing_secret: str | None
    slack_app_token: str | None
    slack_api_url: str
    database_url: str
    port: int
    coordinator_channel: str | None
    coordinator_user_ids: frozenset[str]
    mentor_approval: str
    digest_cron: str
    program_tz: str
    reminder_offsets: tuple[timedelta, ...]
    request_ttl: timedelta
    log_level: str
    availability_horizon_weeks: int
    max_open_requests: int
    # Where people's calendar apps reach `GET /calendar/<token>.ics`; see `feed_base_url`.
    public_url: str | None = None
    # Who may mentor (issue 15): at least one skill at this SFIA level (1-7; None: no rule),
    # among these skills or skill groups (empty: any skill).
    mentor_min_level: int | None = None
    mentor_eligibility_skills: tuple[str, ...] = ()
    # HTTP worker processes of `serve` (WEB_CONCURRENCY); None: one per CPU.
    web_concurrency: int | None = None

    @property
    def feed_base_url(self) -> str:
        """The base of calendar feed links: PUBLIC_URL, else this machine on PORT (local use)."""
        return self.public_url or f"http://localhost:{self.port}"

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def require_bot_token(self) -> str:
        """The token every Web API call needs (run-due only posts, so only needs this)."""
        if not self.slack_bot_token:
            raise ConfigError(
                "SLACK_BOT_TOKEN", "is missing: set the Bot User OAuth Token (xoxb-...)"
            )
        return self.slack_bot_token

    def require_slack(self) -> None:
        """Check what serving needs: HTTP mode verifies signatures, Socket Mode connects out."""
        self.require_bot_token()
        if not self.socket_mode and not self.slack_signing_secret:
            raise ConfigError(
                "SLACK_SIGNING_SECRET",
                "is missing: HTTP mode needs the app's Signing Secret "
                "(or set SLACK_APP_TOKEN for Socket Mode)",
            )


def read_environment(dotenv_path: str | os.PathLike[str] = ".env") -> dict[str, str]:
    """The process environment over the values of `.env`: a real variable always wins."""
    values = {k: v for k, v in dotenv_values(Path(dotenv_path)).items() if v is not None}
    values.update(os.environ)
    return values


def load_settings(env: Mapping[str, str]) -> Settings:
    """Parse and check every setting; raise ConfigError for the first bad one."""

    def get(name: str) -> str:
        return env.get(name, "").strip() or DEFAULTS[name]

    settings = Settings(
        slack_bot_token=_token(get("SLACK_BOT_TOKEN"), "SLACK_BOT_TOKEN", "xoxb-"),
        slack_signing_secret=get("SLACK_SIGNING_SECRET") or None,
        slack_app_token=_token(get("SLACK_APP_TOKEN"), "SLACK_APP_TOKEN", "xapp-"),
        slack_api_url=_api_url(get("SLACK_API_URL")),
        database_url=_database_url(get("DATABASE_URL")),
        port=_port(get("PORT")),
        coordinator_channel=_channel(get("COORDINATOR_CHANNEL")),
        coordinator_user_ids=_user_ids(get("COORDINATOR_USER_IDS")),
        mentor_approval=_choice(get("MENTOR_APPROVAL"), "MENTOR_APPROVAL", APPROVAL_MODES),
        digest_cron=_cron(get("DIGEST_CRON")),
        program_tz=_time_zone(get("PROGRAM_TZ")),
        reminder_offsets=_offsets(get("REMINDER_OFFSETS")),
        request_ttl=_duration(get("REQUEST_TTL"), "REQUEST_TTL"),
        log_level=_choice(get("LOG_LEVEL").upper(), "LOG_LEVEL", LOG_LEVELS),
        availability_horizon_weeks=_whole_number(
            get("AVAILABILITY_HORIZON_WEEKS"), "AVAILABILITY_HORIZON_WEEKS", 1, 52
        ),
        max_open_requests=_whole_number(get("MAX_OPEN_REQUESTS"), "MAX_OPEN_REQUESTS", 1, 20),
        public_url=_public_url(get("PUBLIC_URL")),
        mentor_min_level=(
            _whole_number(get("MENTOR_MIN_LEVEL"), "MENTOR_MIN_LEVEL", 1, 7)
            if get("MENTOR_MIN_LEVEL")
            else None
        ),
        mentor_eligibility_skills=_names(get("MENTOR_ELIGIBILITY_SKILLS")),
        web_concurrency=_workers(get("WEB_CONCURRENCY")),
    )
    if settings.mentor_eligibility_skills and settings.mentor_min_level is None:
        raise ConfigError(
            "MENTOR_MIN_LEVEL",
            "is missing: MENTOR_ELIGIBILITY_SKILLS names the skills whose level counts, "
            "MENTOR_MIN_LEVEL (1-7) says the level",
        )
    if settings.mentor_approval == "coordinator" and not settings.coordinator_channel:
        raise ConfigError(
            "COORDINATOR_CHANNEL",
            "is missing: MENTOR_APPROVAL=coordinator posts new mentors there for approval",
        )
    return settings


def parse_duration(text: str) -> timedelta | None:
    """'24h', '10m' or '3d' as a timedelta; None when the text is not such a duration."""
    match = _DURATION.match(text)
    if not match:
        return None
    return timedelta(**{_DURATION_UNITS[match[2]]: int(match[1])})


def _token(value: str, name: str, prefix: str) -> str | None:
    if not value:
        return None
    if not value.startswith(prefix):
        raise ConfigError(name, f"is malformed: expected a token starting with {prefix!r}")
    return value


def _api_url(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError("SLACK_API_URL", f"is malformed: expected an http(s) URL, got {value!r}")
    return value if value.endswith("/") else value + "/"


def _public_url(value: str) -> str | None:
    """The app's public base address, without a trailing slash; None when unset."""
    if not value:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.query:
        raise ConfigError(
            "PUBLIC_URL", f"is malformed: expected an http(s) base URL, got {value!r}"
        )
    return value.rstrip("/")


def _database_url(value: str) -> str:
    scheme = value.split(":", 1)[0]
    if scheme in ("postgres", "postgresql"):
        return "postgresql+psycopg:" + value.split(":", 1)[1]
    if scheme in ("sqlite", "postgresql+psycopg"):
        return value
    raise ConfigError(
        "DATABASE_URL", f"is malformed: expected sqlite:///FILE or postgresql://..., got {value!r}"
    )


def _workers(value: str) -> int | None:
    return _whole_number(value, "WEB_CONCURRENCY", 1, MAX_WORKERS) if value else None


def _port(value: str) -> int:
    return _whole_number(value, "PORT", 1, 65535)


def _whole_number(value: str, name: str, low: int, high: int) -> int:
    if not value.isdigit() or not low <= int(value) <= high:
        raise ConfigError(
            name, f"is malformed: expected a whole number {low}-{high}, got {value!r}"
        )
    return int(value)


def _channel(value: str) -> str | None:
    if not value:
        return None
    if not _CHANNEL_ID.match(value):
        raise ConfigError(
            "COORDINATOR_CHANNEL",
            f"is malformed: expected a channel ID such as C0123ABCD, got {value!r}",
        )
    return value


def _names(value: str) -> tuple[str, ...]:
    """Comma-separated names, blanks dropped, each once (whether they exist is checked against
    the catalogue at start-up, once the database is reachable)."""
    names = (" ".join(part.split()) for part in value.split(","))
    return tuple(dict.fromkeys(name for name in names if name))


def _user_ids(value: str) -> frozenset[str]:
    ids = [part.strip() for part in value.split(",") if part.strip()]
    for user_id in ids:
        if not _USER_ID.match(user_id):
            raise ConfigError(
                "COORDINATOR_USER_IDS",
                f"is malformed: expected user IDs such as U0123ABCD, got {user_id!r}",
            )
    return frozenset(ids)


def _choice(value: str, name: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ConfigError(
            name, f"is malformed: expected one of {', '.join(allowed)}, got {value!r}"
        )
    return value


def _cron(value: str) -> str:
    try:
        CronTrigger.from_crontab(value)
    except ValueError as exc:
        raise ConfigError(
            "DIGEST_CRON", f"is malformed: expected a 5-field cron line, got {value!r} ({exc})"
        ) from None
    return value


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            "PROGRAM_TZ",
            f"is malformed: expected an IANA time zone such as Europe/Paris, got {value!r}",
        ) from None
    return value


def _duration(value: str, name: str) -> timedelta:
    duration = parse_duration(value)
    if duration is None or duration <= timedelta(0):
        raise ConfigError(
            name, f"is malformed: expected a duration such as 72h, 30m or 3d, got {value!r}"
        )
    return duration


def _offsets(value: str) -> tuple[timedelta, ...]:
    parts = [part for part in value.split(",") if part.strip()]
    if not parts:
        raise ConfigError("REMINDER_OFFSETS", "is malformed: expected durations such as 24h,10m")
    offsets = {_duration(part, "REMINDER_OFFSETS") for part in parts}
    return tuple(sorted(offsets, reverse=True))
