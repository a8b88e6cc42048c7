"""Posting a digest to a channel: the message, then its charts as PNG files with alt text.

Before posting, Slack is asked who can read the channel (bot/slack/coordinator_channel.py), so a
digest sent where others than coordinators read it says so at the top. The charts are drawn here,
on the due-work or response path after the ack, never while Slack waits for one.
"""

from __future__ import annotations

from collections.abc import Collection

from slack_sdk import WebClient

from bot.blocks.charts import digest_charts
from bot.blocks.digest import build_digest_message
from bot.services.digest import Digest
from bot.slack.coordinator_channel import read_audience


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
        upload_charts(client, channel, digest)


def upload_charts(client: WebClient, channel: str, digest: Digest, *, comment: str = "") -> None:
    """The digest's charts in one upload, each with its title and alt text."""
    client.files_upload_v2(
        channel=channel,
        initial_comment=comment or None,
        file_uploads=[
            {
                "content": chart.png(),
                "filename": chart.filename,
                "title": chart.title,
                "alt_txt": chart.alt_text,
            }
            for chart in digest_charts(digest)
        ],
    )
