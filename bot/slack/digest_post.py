"""Posting a digest to a channel: the message, then its sessions-per-week chart as a PNG.

Before posting, Slack is asked who can read the channel (bot/slack/coordinator_channel.py), so a
digest sent where others than coordinators read it says so at the top.
"""

from __future__ import annotations

from collections.abc import Collection

from slack_sdk import WebClient

from bot.blocks.digest import build_digest_message
from bot.chart import bar_chart_png
from bot.services.digest import Digest
from bot.slack.coordinator_channel import read_audience

CHART_TITLE = "Sessions per week, last 8 weeks"


def post_digest(
    client: WebClient,
    channel: str,
    digest: Digest,
    *,
    title: str,
    coordinators: Collection[str],
) -> None:
    audience = read_audience(client, channel, coordinators)
    message = build_digest_message(digest, title=title, audience=audience)
    client.chat_postMessage(channel=channel, **message)
    if not digest.is_empty:
        png = bar_chart_png([count for _, count in digest.sessions_per_week])
        client.files_upload_v2(
            channel=channel, content=png, filename="sessions-per-week.png", title=CHART_TITLE
        )
