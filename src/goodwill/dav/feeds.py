"""`GET /feeds/<token>.ics`: the calendar feed, its token in the URL (scope `feed`).

Calendar apps cannot send headers, so the URL is the credential: an unknown, revoked or
wrongly scoped token answers 404, the same as a feed that never existed.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from goodwill.errors import PermissionDenied
from goodwill.services import auth, feeds
from goodwill.web.api.deps import UowDep

router = APIRouter(include_in_schema=False)
NOT_FOUND = b"no such feed\n"


@router.get("/feeds/{token}.ics")
def calendar_feed(token: str, request: Request, uow: UowDep) -> Response:
    try:
        actor = auth.authenticate_token(uow, token, "feed")
    except PermissionDenied:
        return Response(NOT_FOUND, 404, media_type="text/plain", headers=_private())
    feed = feeds.task_feed(actor, uow)
    headers = {**_private(), "ETag": feed.etag}
    if feed.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(feed.body, 200, media_type="text/calendar; charset=utf-8", headers=headers)


def _private() -> dict[str, str]:
    # The URL is a secret: no shared cache may keep the answer, no referrer may carry it.
    return {"Cache-Control": "private, no-cache", "Referrer-Policy": "no-referrer"}
