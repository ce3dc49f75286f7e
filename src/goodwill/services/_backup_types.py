"""The backup document's building blocks: validators that run goodwill's own rules
inside pydantic, the constrained field types, and the record bases."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
)
from pydantic_core import PydanticCustomError

from goodwill.domain.people import (
    Visibility,
    normalize_email,
    normalize_phone,
)
from goodwill.domain.text import BODY_MAX, SHORT_MAX, clean_text, fold
from goodwill.errors import GoodwillError

INT4_MAX = 2**31 - 1  # ids and counts are 32-bit integers on PostgreSQL


def _checked(fn: Callable[[Any], Any], kind: str) -> AfterValidator:
    """Run a goodwill rule inside pydantic: its error becomes a located validation error."""

    def check(value: Any) -> Any:
        try:
            return fn(value)
        except GoodwillError as exc:
            raise PydanticCustomError(kind, getattr(exc, "reason", exc.message)) from None

    return AfterValidator(check)


def _text(max_len: int, *, multiline: bool = False, blank: bool = False) -> AfterValidator:
    """A string checked like user input (length, controls, NUL), but kept exactly as given."""

    def check(value: str) -> str:
        clean_text(value, "", max_len=max_len, multiline=multiline, required=not blank)
        return value

    return _checked(check, "text")


def _email(value: str) -> str:
    try:
        return normalize_email(value)
    except GoodwillError:
        raise PydanticCustomError("email", "value is not a valid email") from None


def _phone(value: str) -> str:
    if not value.startswith("+"):
        raise PydanticCustomError("phone", "value is not an E.164 phone number (+15551234567)")
    try:
        return normalize_phone(value, "US").e164
    except GoodwillError:
        raise PydanticCustomError("phone", "value is not a valid phone number") from None


def _user_email(value: str) -> str:
    # Accounts may use local addresses ('me@localhost') that contact emails refuse.
    if not re.fullmatch(r"[^@\s]+@[^@\s]+", value):
        raise PydanticCustomError("email", "value is not an email address")
    return value


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _tag_name(value: str) -> str:
    if not fold(value):
        raise PydanticCustomError("tag", "a tag needs letters or digits")
    return value


Id = Annotated[int, Field(ge=1, le=INT4_MAX, strict=True)]
Count = Annotated[int, Field(ge=0, le=INT4_MAX, strict=True)]
When = Annotated[AwareDatetime, AfterValidator(_utc)]
Name = Annotated[str, _text(200)]
DisplayName = Annotated[str, _text(401)]
Domain = Annotated[str, _text(253)]
StepChannel = Annotated[str, _text(100)]
Label = Annotated[str, _text(50)]
Short = Annotated[str, _text(SHORT_MAX)]
LongText = Annotated[str, _text(BODY_MAX, multiline=True)]
AnyText = Annotated[str, _text(BODY_MAX, multiline=True, blank=True)]
TagName = Annotated[str, _text(100), AfterValidator(_tag_name)]
FieldKey = Annotated[str, _text(100)]
FieldValue = Annotated[str, _text(SHORT_MAX * 4)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Owned(Record):
    id: Id
    owner_id: Id
    visibility: Visibility
    created_at: When
    updated_at: When
    deleted_at: When | None = None
