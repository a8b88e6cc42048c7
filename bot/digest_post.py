"""Posting a digest to a channel: the message, then its sessions-per-week chart as a PNG."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.blocks.digest import build_digest_message
from bot.chart import bar_chart_png
from bot.services.digest import Digest

CHART_TITLE = "Sessions per week, last 8 weeks"


def post_digest(client: WebClient, channel: str, digest: Digest, *, title: str) -> None:
    client.chat_postMessage(channel=channel, **build_digest_message(digest, title=title))
    if not digest.is_empty:
        png = bar_chart_png([count for _, count in digest.sessions_per_week])
        client.files_upload_v2(
            channel=channel, content=png, filename="sessions-per-week.png", title=CHART_TITLE
        )
