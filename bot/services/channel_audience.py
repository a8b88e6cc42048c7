"""Who can read the coordinators' channel, judged from what Slack says about it.

The digest carries confidential parts (low ratings with their comments), so its channel must
be private and hold only coordinators (COORDINATOR_USER_IDS) and the bot itself. This module
only judges; bot/slack/coordinator_channel.py asks Slack, and the digest's builder shows the result.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ChannelAudience:
    """The coordinators' channel as Slack described it: public or not, and who else is in it."""

    channel: str
    public: bool
    outsiders: tuple[str, ...]  # members who are neither coordinators nor the bot

    @property
    def confidential(self) -> bool:
        return not self.public and not self.outsiders

    def problem(self) -> str | None:
        """What is wrong, in one plain line (for the log); None when only coordinators read."""
        if self.confidential:
            return None
        reasons = []
        if self.public:
            reasons.append("is public, so anyone in the workspace can read it")
        if self.outsiders:
            reasons.append(
                f"has {len(self.outsiders)} member(s) who are not coordinators: "
                + ", ".join(self.outsiders)
            )
        return (
            f"The coordinators' channel {self.channel} {' and '.join(reasons)}; the digest's "
            "low ratings and comments are confidential. Make the channel private and keep only "
            "COORDINATOR_USER_IDS in it."
        )


def judge_audience(
    channel: str,
    *,
    is_private: bool,
    members: Iterable[str],
    coordinators: Collection[str],
    bot_user_id: str,
) -> ChannelAudience:
    outsiders = sorted({m for m in members if m not in coordinators and m != bot_user_id})
    return ChannelAudience(channel=channel, public=not is_private, outsiders=tuple(outsiders))
