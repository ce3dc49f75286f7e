"""Who knows whom and warm-introduction paths (both databases)."""

from __future__ import annotations

import json
import math

import pytest
from sqlalchemy import func, select

from goodwill.errors import NotFound, ValidationFailed
from goodwill.services import accounts, backup, dedupe, ledger, network, positions
from goodwill.services._strength import score_contacts
from goodwill.services.actor import utcnow
from goodwill.services.views import to_jsonable
from goodwill.storage.schema import ContactRelation
from tests.factories import make_contact, make_interaction, make_organization
from tests.integration.test_backup import fresh_database


def _relations(uow):
    with uow.read() as session:
        return session.execute(
            select(
                ContactRelation.contact_a_id, ContactRelation.contact_b_id, ContactRelation.strength
            ).order_by(ContactRelation.id)
        ).all()


def _edges(owner, uow, contact):
    return {v.other.id: v for v in network.list_knows(owner, uow, contact)}


def _direct(owner, uow, contact_id):
    with uow.read() as session:
        scored = score_contacts(session, owner, utcnow(), [contact_id])[contact_id]
    return scored.strength.score / 100


def test_record_knows_updates_on_second_record(owner, uow):
    ana = make_contact(owner, uow, name="Ana Alpha")
    ben = make_contact(owner, uow, name="Ben Beta")
    first = network.record_knows(owner, uow, ben.id, "Ana Alpha", strength=0.8, note="college")
    assert (first.contact.id, first.other.id, first.strength) == (ana.id, ben.id, 0.8)
    network.record_knows(owner, uow, ana.id, ben.id, strength=0.4)
    assert _relations(uow) == [(ana.id, ben.id, 0.4)]
    edge = _edges(owner, uow, ana.id)[ben.id]
    assert edge.strength == 0.4 and edge.note == "college"
    assert edge.reasons == ["knows them (recorded, 0.4)"]
    assert _edges(owner, uow, ben.id)[ana.id].strength == 0.4


def test_knows_bad_input_writes_nothing(owner, uow):
    ana = make_contact(owner, uow, name="Ana Alpha")
    ben = make_contact(owner, uow, name="Ben Beta")
    with pytest.raises(ValidationFailed, match="cannot know themselves"):
        network.record_knows(owner, uow, ana.id, f"#{ana.id}")
    for bad in (1.5, -0.1, math.nan):
        with pytest.raises(ValidationFailed, match="between 0 and 1"):
            network.record_knows(owner, uow, ana.id, ben.id, strength=bad)
    with pytest.raises(NotFound):
        network.record_knows(owner, uow, ana.id, "nobody@example.com")
    assert _relations(uow) == []


def test_forget_knows_removes_the_relation(owner, uow):
    ana = make_contact(owner, uow, name="Ana Alpha")
    ben = make_contact(owner, uow, name="Ben Beta")
    network.record_knows(owner, uow, ana.id, ben.id)
    network.forget_knows(owner, uow, ben.id, ana.id)
    assert _relations(uow) == [] and network.list_knows(owner, uow, ana.id) == []
    with pytest.raises(NotFound, match="no relation between"):
        network.forget_knows(owner, uow, ana.id, ben.id)


def test_each_edge_source_with_its_strength_and_reason(owner, uow):
    ana = make_contact(owner, uow, name="Ana Alpha")
    rec = make_contact(owner, uow, name="Rec Orded")
    col = make_contact(owner, uow, name="Col League")
    old = make_contact(owner, uow, name="Old Timer")
    met = make_contact(owner, uow, name="Met Twice")
    intro = make_contact(owner, uow, name="Intro Duced")
    crowd = make_contact(owner, uow, name="Crowd Member")
    org = make_organization(owner, uow, name="Acme")
    network.record_knows(owner, uow, ana.id, rec.id)
    positions.add_position(owner, uow, ana.id, f"#{org.id}", start="2020-01-01")
    positions.add_position(owner, uow, col.id, f"#{org.id}", start="2023-01-01")
    positions.add_position(owner, uow, old.id, f"#{org.id}", start="2010-01-01", end="2015-01-01")
    make_interaction(owner, uow, ana.id, met.id, recipients=2)
    make_interaction(owner, uow, ana.id, met.id, recipients=2)
    make_interaction(owner, uow, ana.id, crowd.id, recipients=200)  # a mass email: no edge
    ledger.record_give(owner, uow, ana.id, "introduction", related=intro.id)
    edges = _edges(owner, uow, ana.id)
    assert set(edges) == {rec.id, col.id, met.id, intro.id}
    assert edges[rec.id].strength == 0.5
    assert (edges[col.id].strength, edges[col.id].reasons) == (0.3, ["worked together at Acme"])
    assert edges[met.id].strength == pytest.approx((1 - 0.5**2) * 0.6)
    assert edges[met.id].reasons == ["2 shared interactions"]
    assert (edges[intro.id].strength, edges[intro.id].reasons) == (0.7, ["you introduced them"])
    # The strongest source wins per pair, and every reason is kept.
    network.record_knows(owner, uow, ana.id, col.id, strength=0.9)
    both = _edges(owner, uow, ana.id)[col.id]
    assert both.strength == 0.9 and len(both.reasons) == 2


def test_paths_rank_by_the_product_of_edge_strengths(owner, uow):
    ana, ben, cid, tia = (
        make_contact(owner, uow, name=n).id
        for n in ("Ana Alpha", "Ben Beta", "Cid Gamma", "Tia Target")
    )
    for _ in range(3):
        make_interaction(owner, uow, ana, channel="meeting")
    make_interaction(owner, uow, cid, channel="email")
    network.record_knows(owner, uow, ana, ben, strength=0.9)
    network.record_knows(owner, uow, ben, tia, strength=0.8)
    network.record_knows(owner, uow, cid, tia, strength=0.2)
    view = network.warm_paths(owner, uow, "Tia Target")
    assert (view.target, view.target_kind) == ("Tia Target", "contact")
    routes = [[h.node.id for h in p.hops] for p in view.paths]
    assert routes == [[ana, ben, tia], [cid, tia]]
    expected = [_direct(owner, uow, ana) * 0.9 * 0.8, _direct(owner, uow, cid) * 0.2]
    assert [p.strength for p in view.paths] == pytest.approx(expected, abs=1e-5)
    for path in view.paths:
        assert path.strength == pytest.approx(math.prod(h.strength for h in path.hops), abs=1e-5)
    first = view.paths[0].hops
    assert first[0].explanation.startswith("Ana Alpha — ") and "3 touches" in first[0].explanation
    assert first[1].explanation == "Ben Beta — knows Ana Alpha: knows them (recorded, 0.9)"
    assert len(network.warm_paths(owner, uow, tia, limit=1).paths) == 1


def test_paths_stop_at_three_hops(owner, uow):
    a, b, c, d = (make_contact(owner, uow, name=f"{n} Chain").id for n in "ABCD")
    make_interaction(owner, uow, a)
    network.record_knows(owner, uow, a, b)
    network.record_knows(owner, uow, b, c)
    network.record_knows(owner, uow, c, d)
    assert [[h.node.id for h in p.hops] for p in network.warm_paths(owner, uow, c).paths] == [
        [a, b, c]
    ]
    assert network.warm_paths(owner, uow, d).paths == []  # me → a → b → c → d is 4 hops


def test_organization_target_reaches_its_current_people(owner, uow):
    ana = make_contact(owner, uow, name="Ana Alpha").id
    now = make_contact(owner, uow, name="Nora Now").id
    gone = make_contact(owner, uow, name="Gil Gone").id
    org = make_organization(owner, uow, name="Globex")
    positions.add_position(owner, uow, now, f"#{org.id}")
    positions.add_position(owner, uow, gone, f"#{org.id}", start="2001-01-01", end="2002-01-01")
    make_interaction(owner, uow, ana)
    network.record_knows(owner, uow, ana, now)
    network.record_knows(owner, uow, ana, gone, strength=0.9)
    view = network.warm_paths(owner, uow, "globex")
    assert view.target_kind == "organization"
    assert [[h.node.id for h in p.hops] for p in view.paths] == [[ana, now]]


def test_teammate_private_contact_is_only_a_teammate_knowing_someone(owner, teammate, uow):
    org = make_organization(owner, uow, name="Initech", visibility="workspace")
    secret = make_contact(
        teammate, uow, name="Sam Secretname", add_emails=["sam@secret.example"],
        visibility="private",
    )  # fmt: skip
    positions.add_position(teammate, uow, secret.id, f"#{org.id}", title="CTO")
    make_interaction(teammate, uow, secret.id, visibility="private")
    other = make_contact(teammate, uow, name="Other Secret", visibility="private")
    positions.add_position(teammate, uow, other.id, f"#{org.id}")
    make_interaction(teammate, uow, other.id, visibility="private")
    view = network.warm_paths(owner, uow, "Initech")
    assert len(view.paths) == 1  # two private contacts read alike: one route, not a count
    hops = view.paths[0].hops
    assert [h.kind for h in hops] == ["teammate", "hidden"]
    assert hops[1].node.id is None and hops[1].node.label == "a teammate knows someone there"
    assert hops[0].node.label == "Bea Teammate"
    text = json.dumps(to_jsonable(view)) + repr(view)
    for secret_bit in ("Sam", "Secretname", "sam@secret", "CTO", f": {secret.id}"):
        assert secret_bit not in text
    # Nor can the owner aim at it by name or email.
    with pytest.raises(NotFound):
        network.warm_paths(owner, uow, "sam@secret.example")


def test_teammate_shared_contact_is_named_through_the_teammate(owner, teammate, uow):
    shared = make_contact(teammate, uow, name="Wes Workspace", visibility="workspace")
    make_interaction(teammate, uow, shared.id, visibility="workspace")
    hops = network.warm_paths(owner, uow, shared.id).paths[0].hops
    assert [(h.kind, h.node.id) for h in hops] == [("teammate", None), ("contact", shared.id)]
    assert hops[1].explanation == "Wes Workspace — in Bea Teammate's network"


def test_unknown_target_is_a_clear_not_found(owner, uow):
    with pytest.raises(NotFound, match="no contact, email or organization matches 'Nobody Co'"):
        network.warm_paths(owner, uow, "Nobody Co")
    with pytest.raises(NotFound, match="no contact with email"):
        network.warm_paths(owner, uow, "nobody@example.com")
    with pytest.raises(ValidationFailed):
        network.warm_paths(owner, uow, "x", limit=0)


def test_merge_moves_relations_keeping_the_stronger(owner, uow):
    keep = make_contact(owner, uow, name="Kay Keep").id
    other = make_contact(owner, uow, name="Kay Other").id
    x = make_contact(owner, uow, name="Xavier Xeno").id
    y = make_contact(owner, uow, name="Yara Ypsilon").id
    network.record_knows(owner, uow, keep, x, strength=0.3)
    network.record_knows(owner, uow, other, x, strength=0.9)
    network.record_knows(owner, uow, other, y, strength=0.6)
    network.record_knows(owner, uow, keep, other)
    dedupe.merge_contacts(owner, uow, keep, other)
    rows = _relations(uow)
    assert sorted((a, b, s) for a, b, s in rows) == sorted(
        [(min(keep, x), max(keep, x), 0.9), (min(keep, y), max(keep, y), 0.6)]
    )


def test_backup_round_trip_keeps_relations(uow, tmp_path):
    with fresh_database("sqlite", tmp_path) as source:
        me = accounts.local_actor(source.uow)
        ann = make_contact(me, source.uow, name="Ann Able").id
        bob = make_contact(me, source.uow, name="Bob Baker").id
        network.record_knows(me, source.uow, bob, ann, strength=0.75, note="neighbours")
        data = backup.export_backup(me, source.uow)
    assert [(r["contact_a_id"], r["strength"]) for r in json.loads(data)["relations"]] == [
        (ann, 0.75)
    ]
    summary = backup.restore_backup(uow, data, "backup.json")
    assert summary.relations == 1
    restored = accounts.local_actor(uow)
    assert backup.export_backup(restored, uow) == data
    with uow.read() as session:
        assert session.scalar(select(func.count()).select_from(ContactRelation)) == 1
