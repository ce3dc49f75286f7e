"""Who is acting, and the clock they act at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from goodwill.domain.dates import zone


@dataclass(frozen=True)
class Actor:
    user_id: int
    workspace_id: int
    role: str  # owner | admin | member, or "removed" (see removed_at)
    email: str
    timezone: str = "UTC"
    default_region: str = "US"
    # Set when the user was removed from this workspace and is inside the 30-day export
    # window: such an actor sees only their own private records (and may only export them).
    removed_at: datetime | None = None
    # Narrows what the actor sees to their own private records (the personal export).
    own_private_only: bool = False

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.timezone)

    @property
    def is_admin(self) -> bool:
        return self.role in {"owner", "admin"} and not self.narrowed

    @property
    def narrowed(self) -> bool:
        """Sees only their own private records: a removed member, or a personal export."""
        return self.own_private_only or self.removed_at is not None


def utcnow() -> datetime:
    return datetime.now(UTC)
