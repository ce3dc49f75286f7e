"""The one cursor codec of every paged list, and the query parameters that go with it.

A cursor is base64url JSON of the list's name, the sort and the key of the last row
seen (its sort values and id): opaque to clients, checked on the way back in. A
cursor of another list, of another sort, or tampered with is a 422 on "cursor".
It holds no visibility: the service applies the reader's rules to every page, so a
cursor passed to someone else shows them only what they may see anyway.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from fastapi import Query

from goodwill.errors import ValidationFailed
from goodwill.services._paging import BAD_CURSOR, Page, Sorts
from goodwill.services.views import to_jsonable

CURSOR_MAX = 4000
CURSOR_QUERY: Any = Query(
    max_length=CURSOR_MAX,
    description="`next_cursor` of the previous page (repeat the same filters)",
)


def sort_query(sorts: Sorts) -> Any:
    """A `sort` parameter naming its allowed values in the OpenAPI schema."""
    names = sorts.names
    return Query(
        max_length=40,
        description=f"one of {', '.join(names)} (default {names[0]}; '-' is descending)",
        json_schema_extra={"enum": names},
    )


def encode_cursor(list_name: str, sort: str, after: list[Any]) -> str:
    data = json.dumps({"l": list_name, "s": sort, "k": after}, separators=(",", ":"))
    return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


def decode_cursor(
    cursor: str | None, list_name: str, sort: str | None
) -> tuple[str | None, list[Any] | None]:
    """The sort to use and the key to resume after. Without `sort`, the cursor's own."""
    if not cursor:
        return sort, None
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        name, made_for, after = data["l"], data["s"], data["k"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        raise ValidationFailed("cursor", BAD_CURSOR) from None
    if name != list_name or not isinstance(made_for, str) or not isinstance(after, list):
        raise ValidationFailed("cursor", f"{BAD_CURSOR} for this list")
    if sort and sort != made_for:
        raise ValidationFailed(
            "cursor", f"was handed out for sort={made_for}; repeat it or start over"
        )
    return made_for, after


def page_body(list_name: str, page: Page[Any]) -> dict[str, Any]:
    cursor = None if page.after is None else encode_cursor(list_name, page.sort, page.after)
    return {"items": to_jsonable(page.items), "next_cursor": cursor}
