"""Small Block Kit constructors shared by every builder, so each view reads like its layout."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.people import is_forgotten

Block = dict[str, Any]

SECTION_TEXT_LIMIT = 3000


def escape(text: str) -> str:
    """Make user-typed text safe inside mrkdwn: no accidental links, mentions or broadcasts."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(slack_id: str) -> str:
    """A user mention; someone who had their data deleted is no longer anyone in particular."""
    return "_a former member_" if is_forgotten(slack_id) else f"<@{slack_id}>"


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(clip(text, 150))}


def section(text: str, *, accessory: Block | None = None, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(clip(text, SECTION_TEXT_LIMIT))}
    if accessory:
        block["accessory"] = accessory
    if block_id:
        block["block_id"] = block_id
    return block


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(clip(t, SECTION_TEXT_LIMIT)) for t in texts]}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str = "", *, style: str | None = None) -> Block:
    element: Block = {"type": "button", "text": plain(clip(text, 75)), "action_id": action_id}
    if value:
        element["value"] = value
    if style:
        element["style"] = style
    return element


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id:
        block["block_id"] = block_id
    return block


def local_time(moment: datetime, token_format: str = "{date_short_pretty} at {time}") -> str:
    """A date token: Slack shows it in each reader's own time zone; the fallback is UTC."""
    epoch = int(moment.timestamp())
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{epoch}^{token_format}|{fallback}>"


def message(text: str, blocks: list[Block]) -> dict[str, Any]:
    """A message payload; `text` is the notification and screen-reader fallback."""
    return {"text": text, "blocks": blocks}


def local_label(moment: datetime, tz: str, pattern: str = "%a %d %b, %H:%M") -> str:
    """A time as plain text in a known zone, for places date tokens cannot go (option texts)."""
    return moment.astimezone(ZoneInfo(tz)).strftime(pattern)
