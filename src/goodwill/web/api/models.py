"""Request bodies: every text has a length limit, and NUL bytes are refused (422, not 500)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("contains a NUL byte")
    return value


NoNul = AfterValidator(_no_nul)
Name = Annotated[str, Field(max_length=200), NoNul]
Short = Annotated[str, Field(max_length=320), NoNul]
Long = Annotated[str, Field(max_length=2000), NoNul]
Tiny = Annotated[str, Field(max_length=100), NoNul]
Phone = Annotated[str, Field(max_length=64), NoNul]
Password = Annotated[str, Field(max_length=1024), NoNul]
Money = Annotated[str, Field(max_length=40, pattern=r"^-?[0-9]+(\.[0-9]+)?$")]  # exact text
MAX_ID = 2_147_483_647  # ids are 32-bit on PostgreSQL: a larger one is a 422, not a 500


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignUp(Body):
    email: Short
    name: Name = ""
    password: Password


class LogIn(Body):
    email: Short
    password: Password
    # The workspace to act in; default: the one used last, else the first joined.
    workspace_id: int | None = Field(None, ge=1, le=MAX_ID)


class WorkspaceSwitch(Body):
    workspace_id: int = Field(ge=1, le=MAX_ID)


class NewToken(Body):
    name: Tiny
    scope: Literal["api", "dav", "feed"] = "api"


class ContactIn(Body):
    name: Name | None = None
    first_name: Name | None = None
    last_name: Name | None = None
    nickname: Name | None = None
    how_met: Long | None = None
    met_on: Tiny | None = None
    tier: Tiny | None = None
    cadence: Tiny | None = None
    visibility: Literal["private", "workspace"] | None = None
    emails: list[Short] = Field(default_factory=list, max_length=50)
    phones: list[Phone] = Field(default_factory=list, max_length=50)
    tags: list[Name] = Field(default_factory=list, max_length=100)
    custom_fields: dict[Tiny, Long | None] = Field(default_factory=dict, max_length=100)
    organization: Name | None = None
    title: Name | None = None


class ContactPatch(ContactIn):
    remove_emails: list[Short] = Field(default_factory=list, max_length=50)
    remove_phones: list[Phone] = Field(default_factory=list, max_length=50)
    remove_tags: list[Name] = Field(default_factory=list, max_length=100)
