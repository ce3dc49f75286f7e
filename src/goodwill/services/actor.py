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
    role: str  # owner | admin | member
    email: str
    timezone: str = "UTC"
    default_region: str = "US"

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.timezone)

    @property
    def is_admin(self) -> bool:
        return self.role in {"owner", "admin"}


def utcnow() -> datetime:
    return datetime.now(UTC)
