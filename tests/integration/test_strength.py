"""Strength from stored aggregates: equal to the domain function over the raw
touches, kept incrementally, as each viewer may see it."""

from __future__ import annotations

import math
import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from goodwill.domain.strength import Ledger, StrengthSettings, add_touch, score
from goodwill.errors import PermissionDenied, ValidationFailed
from goodwill.services import ledger, strength
from goodwill.services._strength import (
    ranked_scores,
    score_contacts,
    scores_before,
    settings_for,
)
from goodwill.services.actor import utcnow
from goodwill.storage.aggregates import rebuild_touches
from goodwill.storage.schema import ContactTouch
from tests.factories import make_contact, make_interaction

CHANNELS = ("meeting", "coffee", "call", "message", "email", "social")


def _random_history(owner, uow, rng, people, count):
    """Log touches in random order (backdated ones too); return what was logged."""
    logged = []
    now = utcnow()
    for _ in range(count):
        who = rng.sample(people, rng.randint(1, 2))
        when = now - timedelta(hours=rng.randint(1, 24 * 700))
        channel, initiator = rng.choice(CHANNELS), rng.choice(("me", "them"))
        recipients = rng.choice((1, 1, 2, 40))
        make_interaction(
            owner, uow, *who, channel=channel, initiated_by=initiator,
            when=when.isoformat(), recipients=max(recipients, len(who)),
        )  # fmt: skip
        logged.append((who, when, channel, initiator, max(recipients, len(who))))
    return logged


def _expected(logged, contact_id, now, settings):
    current = None
    for who, when, channel, initiator, recipients in sorted(logged, key=lambda x: x[1]):
        if contact_id in who:
            current = add_touch(current, when, channel, initiator, recipients,
                                settings.half_life_days)  # fmt: skip
    return score(current, now, settings, Ledger())


def test_stored_scores_equal_the_domain_function_contact_by_contact(owner, uow):
    rng = random.Random(7)
    people = [make_contact(owner, uow, name=f"P{n} Person").id for n in range(8)]
    logged = _random_history(owner, uow, rng, people, 60)
    settings = StrengthSettings()
    with uow.read() as session:
        now = utcnow()
        incremental = score_contacts(session, owner, now)
    with uow.write() as session:
        rebuild_touches(session)  # the full, set-based recompute
    with uow.read() as session:
        rebuilt = score_contacts(session, owner, now)
    for contact_id in people:
        want = _expected(logged, contact_id, now, settings).score
        assert math.isclose(incremental[contact_id].strength.score, want, abs_tol=1e-6)
        assert math.isclose(rebuilt[contact_id].strength.score, want, abs_tol=1e-6)
        assert incremental[contact_id].touches is not None
        assert incremental[contact_id].touches.touches == rebuilt[contact_id].touches.touches


def test_explained_strength_of_a_contact(owner, uow):
    ana = make_contact(owner, uow, name="Ana Diaz").id
    for days, channel, by in ((3, "coffee", "them"), (40, "call", "me"), (200, "email", "me")):
        when = (utcnow() - timedelta(days=days)).isoformat()
        make_interaction(owner, uow, ana, channel=channel, initiated_by=by, when=when)
    ledger.record_give(owner, uow, ana, "article")
    view = strength.contact_strength(owner, uow, "ana")
    assert view.touches == 3 and view.started_by_them == 1
    assert math.isclose(sum(view.parts.values()), view.exact, abs_tol=1e-9)
    assert view.score == round(view.exact) and 0 < view.score <= 100
    assert "3 days ago" in view.reasons["recency"]
    assert "they started 1 of 3" in view.reasons["reciprocity"]
    assert "you gave 1, received 0" in view.reasons["reciprocity"] and view.given == 1
    assert view.trend == "rising"  # 90 days ago only the old email counted


def test_rankings_and_cooling(owner, uow):
    close = make_contact(owner, uow, name="Close Friend").id
    faded = make_contact(owner, uow, name="Faded Friend").id
    now = utcnow()
    for days in (2, 9, 20, 33):
        when = (now - timedelta(days=days)).isoformat()
        make_interaction(owner, uow, close, channel="coffee", when=when)
    for days in (95, 100, 110, 130, 150):
        make_interaction(owner, uow, faded, channel="meeting", initiated_by="them",
                         when=(now - timedelta(days=days)).isoformat())  # fmt: skip
    top = strength.strongest(owner, uow, limit=2)
    assert [v.contact.id for v in top] == [close, faded]
    cooling = strength.strongest(owner, uow, limit=5, cooling=True)
    assert [v.contact.id for v in cooling] == [faded]
    assert cooling[0].trend == "cooling" and cooling[0].score_90_days_ago > cooling[0].exact


def test_a_new_half_life_recomputes_and_bad_settings_write_nothing(owner, teammate, uow):
    ana = make_contact(owner, uow, name="Ana Diaz").id
    make_interaction(owner, uow, ana, channel="call",
                     when=(utcnow() - timedelta(days=60)).isoformat())  # fmt: skip
    with uow.read() as session:
        before = session.scalars(select(ContactTouch.d_call)).one()
    assert math.isclose(before, 2**0, rel_tol=1e-9)  # decayed to its own last touch: 1
    make_interaction(owner, uow, ana, channel="call",
                     when=(utcnow() - timedelta(days=30)).isoformat())  # fmt: skip
    with uow.read() as session:
        default = session.scalars(select(ContactTouch.d_call)).one()
    settings = strength.set_strength_setting(owner, uow, "half_life_days", "30")
    assert settings["half_life_days"] == 30
    with uow.read() as session:
        shorter = session.scalars(select(ContactTouch.d_call)).one()
    assert math.isclose(default, 1 + 2 ** (-30 / 90), rel_tol=1e-6)
    assert math.isclose(shorter, 1 + 2 ** (-30 / 30), rel_tol=1e-6)
    for key, value in (("half_life_days", "-5"), ("weight.recency", "1.5"), ("luck", "1")):
        with pytest.raises(ValidationFailed):
            strength.set_strength_setting(owner, uow, key, value)
    assert strength.strength_settings(owner, uow)["half_life_days"] == 30
    with pytest.raises(PermissionDenied):
        strength.set_strength_setting(teammate, uow, "half_life_days", "60")
    strength.set_strength_setting(owner, uow, "half_life_days", "90")
    assert strength.strength_settings(owner, uow) == strength.strength_settings(teammate, uow)


def test_the_sql_ranking_equals_the_domain_function_contact_by_contact(owner, teammate, uow):
    rng = random.Random(11)
    people = [
        make_contact(owner, uow, name=f"R{n} Person", met_on=f"20{10 + n}-0{1 + n % 9}-15").id
        for n in range(6)
    ] + [make_contact(owner, uow, name="Never Touched").id]
    _random_history(owner, uow, rng, people[:6], 40)
    ledger.record_give(owner, uow, people[0], "article", weight=3)
    ledger.record_receive(owner, uow, people[0], "referral")
    ledger.record_receive(owner, uow, people[1], "introduction")
    theirs = make_contact(teammate, uow, name="Team Person", visibility="workspace").id
    make_interaction(teammate, uow, theirs, channel="meeting", visibility="private")
    # Several aggregate rows for one contact: the teammate's shared touches and the owner's.
    make_interaction(teammate, uow, theirs, channel="call", visibility="workspace",
                     when=(utcnow() - timedelta(days=40)).isoformat())  # fmt: skip
    make_interaction(owner, uow, theirs, channel="email", initiated_by="them",
                     when=(utcnow() - timedelta(days=400)).isoformat())  # fmt: skip
    with uow.read() as session:
        rows = select(ContactTouch.owner_id).where(ContactTouch.contact_id == theirs)
        assert len(session.scalars(rows).all()) >= 2
    for actor in (owner, teammate):
        with uow.read() as session:
            now = utcnow()
            settings = StrengthSettings()
            want = {c: s.strength.score for c, s in score_contacts(session, actor, now).items()}
            got = ranked_scores(session, actor, now, settings)
            then = now - timedelta(days=90)
            before = scores_before(session, actor, now, None, settings)
            got_before = dict(ranked_scores(session, actor, then, settings, as_it_was=True))
        assert set(before) == set(got_before)
        for contact_id, value in before.items():
            assert math.isclose(got_before[contact_id], value, abs_tol=1e-6), contact_id
        assert set(want) == {c for c, _ in got}
        for contact_id, value in got:
            assert math.isclose(value, want[contact_id], abs_tol=1e-6), (contact_id, value)
        assert [v for _, v in got] == sorted((v for _, v in got), reverse=True)


def test_very_old_touches_with_short_half_lives_do_not_underflow(owner, uow):
    """PostgreSQL raises on float underflow: 2^-x and e^-x are clamped, scores agree."""
    old = make_contact(owner, uow, name="Old Friend").id
    for years in (30, 29):
        when = (utcnow() - timedelta(days=365 * years)).isoformat()
        make_interaction(owner, uow, old, channel="meeting", when=when)
    strength.set_strength_setting(owner, uow, "half_life_days", "7")
    strength.set_strength_setting(owner, uow, "recency_half_life_days", "1")
    strength.set_strength_setting(owner, uow, "frequency_saturation", "0.1")
    with uow.read() as session:
        now = utcnow()
        settings = settings_for(session, owner)
        want = score_contacts(session, owner, now, [old], settings)[old].strength.score
        got = dict(ranked_scores(session, owner, now, settings))[old]
    assert math.isclose(got, want, abs_tol=1e-6)
    assert strength.contact_strength(owner, uow, old).touches == 2
