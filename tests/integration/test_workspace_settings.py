"""Workspace settings: default cadences per tier, and several strength settings at once."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from goodwill.errors import PermissionDenied, ValidationFailed
from goodwill.services import accounts, auth, backup, contacts, strength, workspace_settings
from goodwill.services.contacts import ContactChanges
from goodwill.storage.schema import Contact, Workspace
from tests.factories import make_contact
from tests.integration.test_backup import fresh_database

DEFAULTS = {"inner": 30, "network": 90, "wider": 365}


def _cadence(uow, contact_id):
    with uow.read() as session:
        return session.scalar(select(Contact.cadence_days).where(Contact.id == contact_id))


def _stored(uow, actor):
    with uow.read() as session:
        query = select(Workspace.cadence_defaults).where(Workspace.id == actor.workspace_id)
        return session.scalar(query)


def test_defaults_are_the_domain_s_until_an_admin_changes_one(owner, teammate, uow):
    assert workspace_settings.cadence_defaults(owner, uow) == DEFAULTS
    assert workspace_settings.cadence_defaults(teammate, uow) == DEFAULTS
    workspace_settings.set_cadence_default(owner, uow, "inner", 45)
    assert workspace_settings.cadence_defaults(teammate, uow) == {**DEFAULTS, "inner": 45}
    assert _stored(uow, owner) == {"inner": 45}  # only what differs from the domain's
    workspace_settings.set_cadence_default(owner, uow, "A", "30d")
    assert workspace_settings.cadence_defaults(owner, uow) == DEFAULTS
    assert _stored(uow, owner) is None


def test_a_new_default_moves_the_contacts_on_the_old_one_only(owner, teammate, uow):
    mine = make_contact(owner, uow, tier="inner").id
    chosen = make_contact(owner, uow, tier="inner", cadence="14").id
    network = make_contact(owner, uow, tier="network").id
    theirs = make_contact(teammate, uow, tier="inner").id  # private to the teammate
    outsider = auth.sign_up(uow, "olga@else.example", "Olga Outsider", "outsider password")
    elsewhere = make_contact(outsider, uow, tier="inner").id

    moved = workspace_settings.set_cadence_default(owner, uow, "inner", "6w")

    assert moved == 2
    assert _cadence(uow, mine) == 42 and _cadence(uow, theirs) == 42
    assert _cadence(uow, chosen) == 14  # a chosen cadence stays
    assert _cadence(uow, network) == 90
    assert _cadence(uow, elsewhere) == 30  # another workspace keeps its own default
    assert workspace_settings.cadence_defaults(outsider, uow) == DEFAULTS
    # Unchanged again: nothing moves.
    assert workspace_settings.set_cadence_default(owner, uow, "inner", 42) == 0


def test_every_way_a_contact_gets_its_tier_uses_the_workspace_default(owner, uow):
    workspace_settings.set_cadence_default(owner, uow, "network", 60)
    workspace_settings.set_cadence_default(owner, uow, "wider", 200)
    added = make_contact(owner, uow, tier="network", add_tags=["batch"])
    assert added.cadence_days == 60
    # A default cadence follows a new tier; the workspace's wider default, not 365.
    edited = contacts.edit_contact(owner, uow, added.id, ContactChanges(tier="wider"))
    assert edited.cadence_days == 200
    kept = make_contact(owner, uow, tier="network", cadence="10").id
    assert contacts.edit_contact(owner, uow, kept, ContactChanges(tier="C")).cadence_days == 10
    other = make_contact(owner, uow, add_tags=["batch"]).id
    assert contacts.bulk_update_contacts(owner, uow, tag="batch", tier="network") == 2
    assert _cadence(uow, other) == 60 and _cadence(uow, added.id) == 60


def test_a_backup_keeps_the_defaults_and_fills_a_missing_cadence(uow, owner, tmp_path):
    with fresh_database("sqlite", tmp_path) as source:
        me = accounts.local_actor(source.uow)
        workspace_settings.set_cadence_default(me, source.uow, "inner", 21)
        one = make_contact(me, source.uow, tier="inner").id
        two = make_contact(me, source.uow, tier="inner", cadence="9").id
        document = json.loads(backup.export_backup(me, source.uow))
    assert document["workspace"]["cadence_defaults"] == {"inner": 21}
    for record in document["contacts"]:
        if record["id"] == one:
            del record["cadence_days"]  # as a hand-made backup might leave it out
    backup.restore_backup(uow, json.dumps(document).encode(), "backup.json")
    assert _cadence(uow, one) == 21 and _cadence(uow, two) == 9
    restored = accounts.local_actor(uow)
    assert workspace_settings.cadence_defaults(restored, uow) == {**DEFAULTS, "inner": 21}


def test_only_admins_change_cadences_and_bad_input_is_named(owner, teammate, uow):
    make_contact(owner, uow, tier="inner")
    with pytest.raises(PermissionDenied):
        workspace_settings.set_cadence_default(teammate, uow, "inner", 45)
    for tier, days, field in (("closest", 45, "tier"), ("none", 45, "tier"),
                              ("inner", 0, "days"), ("inner", 3661, "days"),
                              ("inner", "soon", "days"), ("inner", "11y", "days")):  # fmt: skip
        with pytest.raises(ValidationFailed) as info:
            workspace_settings.set_cadence_default(owner, uow, tier, days)
        assert info.value.field == field
    assert workspace_settings.cadence_defaults(owner, uow) == DEFAULTS


def test_several_strength_settings_apply_together_or_not_at_all(owner, teammate, uow):
    changed = strength.set_strength_settings(
        owner, uow, {"weight.recency": "0.3", "channel.email": "0.2", "half_life_days": "120"}
    )
    assert changed["weight.recency"] == 0.3 and changed["channel.email"] == 0.2
    assert changed["half_life_days"] == 120
    with pytest.raises(ValidationFailed) as info:
        strength.set_strength_settings(owner, uow, {"half_life_days": "60", "weight.depth": "1.5"})
    assert info.value.field == "weight.depth"  # the name the user gave, not the stored one
    assert strength.strength_settings(owner, uow) == changed  # the half-life did not apply
    with pytest.raises(ValidationFailed) as info:
        strength.set_strength_settings(owner, uow, {"luck": "1"})
    assert info.value.field == "setting"
    with pytest.raises(PermissionDenied):
        strength.set_strength_settings(teammate, uow, {"weight.recency": "0.5"})
    assert strength.strength_settings(teammate, uow) == changed
