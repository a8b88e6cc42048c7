"""Slack mrkdwn as a person would read it, with dates in the viewer's own time zone.

Dates sent as `<!date^…>` tokens are the main thing time-zone tests check, so they are rendered
exactly, per viewer; everything else becomes plain readable text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

_TOKEN = re.compile(r"<([^<>]*)>")
_FIELD = re.compile(r"\{(\w+)\}")
_BROADCASTS = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


def render_mrkdwn(text: str, tz: str, users: Mapping[str, str] | None = None) -> str:
    """Turn Slack's escaped, tokenised mrkdwn into what the viewer in `tz` reads."""
    names = users or {}
    return _unescape(_TOKEN.sub(lambda match: _token(match.group(1), tz, names), text))


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _token(inner: str, tz: str, names: Mapping[str, str]) -> str:
    head, _, label = inner.partition("|")
    if head.startswith("!date^"):
        return _date_token(head, label, tz)
    if head.startswith("!subteam^"):
        return label or "@" + head.removeprefix("!subteam^")
    if head.startswith("!"):
        return _BROADCASTS.get(head[1:], label or "@" + head[1:])
    if head.startswith("@"):
        user_id = head[1:]
        return "@" + names.get(user_id, label or user_id)
    if head.startswith("#"):
        return "#" + (label or head[1:])
    return f"{label} ({head})" if label else head


def _date_token(head: str, fallback: str, tz: str) -> str:
    parts = head.split("^")
    try:
        moment = datetime.fromtimestamp(int(parts[1]), ZoneInfo(tz))
        template = parts[2]
    except (IndexError, ValueError, KeyError):
        return fallback
    return _FIELD.sub(lambda match: format_date_field(match.group(1), moment), template)


def format_date_field(name: str, moment: datetime) -> str:
    """One `{field}` of a date token, deterministic (no "today"/"yesterday")."""
    name = name.removesuffix("_pretty")
    day = f"{moment.strftime('%B')} {_ordinal(moment.day)}, {moment.year}"
    formats = {
        "date_num": moment.strftime("%Y-%m-%d"),
        "date": day,
        "date_short": f"{moment.strftime('%b')} {moment.day}, {moment.year}",
        "date_long": f"{moment.strftime('%A')}, {day}",
        "time": moment.strftime("%H:%M"),
        "time_secs": moment.strftime("%H:%M:%S"),
        "ago": f"{moment.strftime('%b')} {moment.day}, {moment.year} {moment.strftime('%H:%M')}",
    }
    return formats.get(name, "{" + name + "}")


def _ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return f"{day}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"
