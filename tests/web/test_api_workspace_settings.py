"""/api/v1/workspace/cadences and /api/v1/workspace/strength."""

from __future__ import annotations

from sqlalchemy import select

from goodwill.storage.schema import Contact
from tests.factories import make_contact

DEFAULTS = {"inner": 30, "network": 90, "wider": 365}


def test_cadences_read_by_all_changed_by_admins(as_owner, as_teammate, uow, owner, teammate):
    on_default = make_contact(teammate, uow, tier="network").id
    chosen = make_contact(owner, uow, tier="network", cadence="10").id
    assert as_teammate.get("/api/v1/workspace/cadences").json() == DEFAULTS
    changed = as_owner.put("/api/v1/workspace/cadences/B", json={"days": 60})
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"cadences": {**DEFAULTS, "network": 60}, "moved": 1}
    with uow.read() as session:
        rows = session.execute(select(Contact.id, Contact.cadence_days))
        held = dict(rows.all())
    assert held[on_default] == 60 and held[chosen] == 10
    refused = as_teammate.put("/api/v1/workspace/cadences/network", json={"days": 30})
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert as_teammate.get("/api/v1/workspace/cadences").json()["network"] == 60


def test_bad_cadences_are_422_naming_the_field(as_owner):
    for tier, body, field in (
        ("closest", {"days": 30}, "tier"),
        ("inner", {"days": 0}, "days"),
        ("inner", {"days": 10**30}, "days"),
        ("inner", {"days": "30"}, "days"),
        ("inner", {"days": True}, "days"),
        ("inner", {}, "days"),
    ):
        response = as_owner.put(f"/api/v1/workspace/cadences/{tier}", json=body)
        assert response.status_code == 422, (tier, body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in response.json()["errors"]] == [field]
    assert as_owner.get("/api/v1/workspace/cadences").json() == DEFAULTS


def test_strength_settings_patch_applies_all_or_none(as_owner, as_teammate):
    before = as_teammate.get("/api/v1/workspace/strength").json()
    assert before["half_life_days"] == 90 and "weight.recency" in before
    changed = as_owner.patch("/api/v1/workspace/strength",
                             json={"settings": {"weight.recency": "0.3", "channel.email": 0.2,
                                                "half_life_days": 120}})  # fmt: skip
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["weight.recency"], body["channel.email"], body["half_life_days"]) == (
        0.3, 0.2, 120,
    )  # fmt: skip
    two = {"half_life_days": "60", "weight.depth": "7"}
    bad = as_owner.patch("/api/v1/workspace/strength", json={"settings": two})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "weight.depth"
    unknown = as_owner.patch("/api/v1/workspace/strength", json={"settings": {"luck": "1"}})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "setting"
    assert as_teammate.get("/api/v1/workspace/strength").json() == body
    refused = as_teammate.patch("/api/v1/workspace/strength",
                                json={"settings": {"weight.recency": "0.5"}})  # fmt: skip
    assert refused.status_code == 403
