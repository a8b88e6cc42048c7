"""Posting a concern's card where only coordinators read it (the text stays off the card)."""

from __future__ import annotations

from collections.abc import Collection

from slack_sdk import WebClient

from bot.blocks.concerns import build_concern_card
from bot.services.concerns import ConcernCard
from bot.slack.coordinator_channel import post_card


def post_concern(
    client: WebClient, channel: str | None, coordinators: Collection[str], card: ConcernCard
) -> None:
    post_card(
        client, channel, coordinators, lambda warning: build_concern_card(card, warning=warning)
    )
