"""`GET /feeds/<token>.ics`: a live feed token gives the calendar; a revoked token, an API
token or a made-up one gives 404 and nothing else; an unchanged feed answers 304."""

from __future__ import annotations

from goodwill.services import auth
from tests.factories import make_task


def test_feed_url_serves_the_calendar(anon, owner, uow):
    task = make_task(owner, uow, title="Call Ann", due="2030-01-02 10:00")
    _, raw = auth.create_token(owner, uow, "calendar", "feed")
    response = anon.get(f"/feeds/{raw}.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert f"UID:task-{task.id}@goodwill.local" in response.text
    assert "private" in response.headers["cache-control"]
    again = anon.get(f"/feeds/{raw}.ics", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_revoked_or_wrong_tokens_get_404(anon, owner, uow):
    make_task(owner, uow, title="SECRET-TASK", due="2030-01-02")
    view, raw = auth.create_token(owner, uow, "calendar", "feed")
    _, api = auth.create_token(owner, uow, "api", "api")
    _, dav = auth.create_token(owner, uow, "phone", "dav")
    auth.revoke_token(owner, uow, view.id)
    for token in (raw, api, dav, "gw_made-up", "x" * 5000):
        response = anon.get(f"/feeds/{token}.ics")
        assert response.status_code == 404, token
        assert "SECRET-TASK" not in response.text
