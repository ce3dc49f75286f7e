"""The one error tree of goodwill.

Services and the domain raise only these; each face translates them
(the CLI into a one-line message and an exit code)::

    GoodwillError
     ├── NotFound            the record does not exist, or the actor may not see it
     ├── Conflict            the request contradicts the current state
     │    ├── Ambiguous      a reference matched several records (candidates listed)
     │    └── PreconditionFailed  a conditional write (If-Match) met another version
     ├── ValidationFailed    an input is malformed (names the field and why)
     ├── PermissionDenied    the actor may see the record but not do this
     │    ├── RateLimited    too many attempts: try again after `retry_after` seconds
     │    └── CsrfRejected   a cookie-authenticated write lacks its session's CSRF token
     │                       or comes from another origin
     ├── ImportFailed        a file could not be imported
     └── DatabaseUnavailable the database cannot be opened or reached (or stays locked)
"""

from __future__ import annotations


class GoodwillError(Exception):
    """Base of every error goodwill raises on purpose."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(GoodwillError):
    exit_code = 3


class Conflict(GoodwillError):
    exit_code = 4


class Ambiguous(Conflict):
    def __init__(self, message: str, candidates: list[str]) -> None:
        listing = "; ".join(candidates)
        super().__init__(f"{message}: {listing}" if candidates else message)
        self.candidates = candidates


class PreconditionFailed(Conflict):
    """The record is not the version the request was based on (ETags differ)."""


class ValidationFailed(GoodwillError):
    exit_code = 2

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.reason = message


class PermissionDenied(GoodwillError):
    exit_code = 5


class RateLimited(PermissionDenied):
    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class CsrfRejected(PermissionDenied):
    """A browser session's write that may have been forged by another site (403, never
    401: the session itself is fine)."""


class ImportFailed(GoodwillError):
    exit_code = 6


class DatabaseUnavailable(GoodwillError):
    exit_code = 7
