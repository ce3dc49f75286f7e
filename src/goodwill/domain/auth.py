"""Rules of accounts and tokens: the password policy, token scopes and shape, login limits."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from goodwill.errors import ValidationFailed

PASSWORD_MIN = 10
PASSWORD_MAX = 1024  # argon2 hashes anything, but a megabyte password is an attack, not a secret
TOKEN_SCOPES = ("api", "dav", "feed")
TOKEN_PREFIX = "gw_"
TOKEN_SHOWN_CHARS = 10  # "gw_" and 7 more: enough to tell tokens apart in a list
TOKEN_MAX = 200

LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
SESSION_LIFETIME = timedelta(days=30)
LAST_USED_RESOLUTION = timedelta(minutes=1)
# A removed member may log in to export their private records for this long; then
# `goodwill member purge` deletes them. An export does not extend it.
EXPORT_WINDOW = timedelta(days=30)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def check_password(password: str, field: str = "password") -> str:
    """The password as given (never stripped: spaces are part of it), if the policy allows it."""
    if "\x00" in password:
        raise ValidationFailed(field, "contains a NUL byte")
    if len(password) < PASSWORD_MIN:
        raise ValidationFailed(field, f"must be at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise ValidationFailed(field, f"must be at most {PASSWORD_MAX} characters")
    if not password.strip():
        raise ValidationFailed(field, "must not be only spaces")
    return password


def parse_scope(scope: str) -> str:
    key = scope.strip().lower()
    if key not in TOKEN_SCOPES:
        raise ValidationFailed("scope", f"'{scope[:20]}' is not one of {', '.join(TOKEN_SCOPES)}")
    return key


def secret_hash(raw: str) -> str:
    """SHA-256 hex of a long random secret (tokens, session ids): fast, and enough for them."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def looks_like_token(raw: str) -> bool:
    return raw.startswith(TOKEN_PREFIX) and 10 < len(raw) <= TOKEN_MAX and raw.isascii()


def retry_after(failures: list[datetime], limit: int, now: datetime) -> int | None:
    """Seconds until a login may be tried again, or None when under `limit` failures in the
    window. `failures` are the failure times inside the window, any order."""
    if len(failures) < limit:
        return None
    # The window frees up when the oldest of the last `limit` failures leaves it.
    oldest_counted = sorted(failures)[-limit]
    wait = oldest_counted + LOGIN_WINDOW - now
    return max(1, int(wait.total_seconds()) + 1)


def needs_last_used_update(last_used: datetime | None, now: datetime) -> bool:
    return last_used is None or now - last_used >= LAST_USED_RESOLUTION


def export_window_open(removed_at: datetime, now: datetime) -> bool:
    return now < removed_at + EXPORT_WINDOW


def same_origin(origin: str, host: str) -> bool:
    """Whether a browser's `Origin` header names the host the request was sent to.

    Only host and port are compared (a TLS-terminating proxy changes the scheme the app
    sees); the opaque origin "null" (sandboxed frames, some redirects) never matches."""
    try:
        parts = urlsplit(origin.strip())
    except ValueError:
        return False
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return False
    default = "443" if parts.scheme == "https" else "80"
    return _host_port(parts.netloc, default) == _host_port(host, default)


def _host_port(netloc: str, default_port: str) -> tuple[str, str]:
    netloc = netloc.strip().lower().rpartition("@")[2]
    if netloc.startswith("["):  # IPv6 literal
        address, _, rest = netloc[1:].partition("]")
        return address, rest.removeprefix(":") or default_port
    name, _, port = netloc.partition(":")
    return name, port or default_port
