"""What the simulated workspace holds and remembers: people, what they saw, and API calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

MESSAGE_KINDS = frozenset({"dm", "group", "ephemeral", "channel", "response", "ack", "update"})


@dataclass
class SimUser:
    """A person in the workspace; `tz` is the IANA zone Slack reports for them."""

    id: str
    name: str
    real_name: str
    tz: str
    is_bot: bool = False
    deleted: bool = False
    email: str | None = None  # the profile's e-mail, shown with the users:read.email scope

    def to_api(self, team_id: str, now: datetime | None = None) -> dict:
        """The `user` object of users.info, with the offset Slack computes for the moment."""
        local = (now or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(self.tz))
        offset = local.utcoffset()
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "real_name": self.real_name,
            "deleted": self.deleted,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "tz": self.tz,
            "tz_label": local.tzname() or self.tz,
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "profile": {
                "real_name": self.real_name,
                "real_name_normalized": self.real_name,
                "display_name": self.real_name,
                "display_name_normalized": self.real_name,
                "image_72": f"https://avatars.sim.invalid/{self.id}_72.png",
                **({"email": self.email} if self.email else {}),
            },
        }


@dataclass
class SimChannel:
    """A channel of the workspace: public or private, and who is in it."""

    id: str
    name: str
    is_private: bool
    members: list[str] = field(default_factory=list)

    def to_api(self, created: int = 1_700_000_000) -> dict:
        """The `channel` object of conversations.info."""
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_private,
            "is_group": self.is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "is_archived": False,
            "is_general": False,
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "created": created,
            "num_members": len(self.members),
        }


@dataclass
class Seen:
    """One thing a person (or a channel) saw, in the order it happened."""

    kind: str  # dm|group|ephemeral|channel|response|ack|modal|home|file|update|delete
    audience: str  # a user id, or a channel id for channel messages
    channel: str | None = None
    ts: str | None = None
    text: str = ""
    blocks: list[dict] = field(default_factory=list)
    view: dict | None = None
    file: dict | None = None


@dataclass
class ApiCall:
    """One Web API call as the app made it, including refused and injected failures."""

    method: str
    params: dict
    status: int
    ok: bool
    error: str | None
