"""Slack user groups read for programmes: who is in a group, or None when Slack knows none.

A programme open to a group keeps its members as read when a coordinator saves it
(bot/services/programmes.py), so enrolling never waits on Slack.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

GROUP_ID_MAX = 32


def group_members(client: WebClient, group_id: str) -> frozenset[str] | None:
    """The members of user group `group_id`; None for an id Slack does not know (or refuses)."""
    group_id = group_id.strip()
    if not group_id or len(group_id) > GROUP_ID_MAX or not group_id.isalnum():
        return None
    try:
        answer = client.usergroups_users_list(usergroup=group_id)
    except SlackApiError:
        return None
    users = answer.get("users")
    return frozenset(u for u in users if isinstance(u, str)) if isinstance(users, list) else None
