"""Discovery profiles on both databases: dated answers, history, organizations,
visibility between teammates, the matcher's read, and bad input writing nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from goodwill.errors import NotFound, PermissionDenied, ValidationFailed
from goodwill.services import accounts, contacts, discovery, organizations
from goodwill.services.views import Ref
from goodwill.storage.schema import DiscoveryAnswer
from tests.factories import make_contact, make_organization


def _today() -> date:
    return datetime.now(UTC).date()  # the fixtures' users live in UTC


def _count(uow) -> int:
    with uow.read() as session:
        return session.scalar(select(func.count()).select_from(DiscoveryAnswer)) or 0


def _latest(view) -> dict[str, str]:
    return {q.key: q.latest.answer for q in view.questions if q.latest is not None}


def test_record_discovery_defaults_to_today_private_and_returns_the_profile(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    view = discovery.record_discovery(
        owner, uow, "ann", {"challenges": " hiring bakers ", "goal": "ten stores"}
    )
    assert (view.subject, view.subject_kind) == (Ref(ann.id, "Ann Archer"), "contact")
    assert [q.key for q in view.questions] == [
        "goal", "approach", "targets", "challenges", "change", "meaning"
    ]  # fmt: skip
    assert _latest(view) == {"goal": "ten stores", "challenges": "hiring bakers"}
    # Recorded in the questions' order, whatever the order given.
    assert [a.question for a in sorted(view.history, key=lambda a: a.id)] == [
        "goal",
        "challenges",
    ]
    assert sorted(view.recorded) == sorted(a.id for a in view.history)
    assert {(a.learned_on, a.visibility, a.owner_id) for a in view.history} == {
        (_today(), "private", owner.user_id)
    }
    assert view.last_learned_on == _today()
    shown = discovery.discovery_profile(owner, uow, ann.id)
    assert shown.recorded == [] and shown.history == view.history


def test_new_answers_never_overwrite_and_the_latest_learned_wins(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    first = discovery.record_discovery(
        owner, uow, ann.id, {"goal": "survive"}, learned_on="2023-03-01"
    )
    second = discovery.record_discovery(
        owner, uow, f"#{ann.id}", {"goal": "expand"}, learned_on=date(2024, 2, 1)
    )
    # Learned earlier, recorded last: history, not the current answer.
    late = discovery.record_discovery(
        owner, uow, ann.id, {"goal": "pivot"}, learned_on="2023-09-01"
    )
    goal = late.questions[0]
    assert goal.latest is not None and (goal.latest.answer, goal.latest.learned_on) == (
        "expand",
        date(2024, 2, 1),
    )
    assert [a.answer for a in goal.earlier] == ["pivot", "survive"]
    assert [a.id for a in late.history] == [
        second.recorded[0],
        late.recorded[0],
        first.recorded[0],
    ]
    assert _count(uow) == 3


def test_record_discovery_learned_on_relative_and_same_day_order(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    discovery.record_discovery(owner, uow, ann.id, {"change": "less travel"}, learned_on="-3d")
    view = discovery.record_discovery(owner, uow, ann.id, {"change": "more time"}, learned_on="-3d")
    change = view.questions[4]
    assert change.latest is not None and change.latest.answer == "more time"
    assert change.latest.learned_on == _today() - timedelta(days=3)
    assert [a.answer for a in change.earlier] == ["less travel"]


def test_organization_profile_is_its_own(owner, uow):
    org = make_organization(owner, uow, name="Acme Bakeries")
    ann = make_contact(owner, uow, name="Ann Archer")
    discovery.record_discovery(owner, uow, ann.id, {"goal": "ann's goal"})
    view = discovery.record_discovery(
        owner, uow, None, {"targets": "cafes", "meaning": "stability"}, organization="acme"
    )
    assert (view.subject, view.subject_kind) == (Ref(org.id, "Acme Bakeries"), "organization")
    assert _latest(view) == {"targets": "cafes", "meaning": "stability"}
    assert _latest(discovery.discovery_profile(owner, uow, None, organization=org.id)) == {
        "targets": "cafes",
        "meaning": "stability",
    }
    assert _latest(discovery.discovery_profile(owner, uow, ann.id)) == {"goal": "ann's goal"}


def test_visibility_defaults_like_other_records(owner, uow):
    shared = make_contact(owner, uow, name="Sam Shared", visibility="workspace")
    private = make_contact(owner, uow, name="Pia Private", visibility="private")
    accounts.update_setting(owner, uow, "default_visibility", "workspace")
    on_shared = discovery.record_discovery(owner, uow, shared.id, {"goal": "g"})
    on_private = discovery.record_discovery(owner, uow, private.id, {"goal": "g"})
    explicit = discovery.record_discovery(
        owner, uow, shared.id, {"goal": "h"}, visibility="private"
    )
    assert on_shared.history[0].visibility == "workspace"
    assert on_private.history[0].visibility == "private"
    assert explicit.questions[0].latest is not None
    assert explicit.questions[0].latest.visibility == "private"


def test_teammate_never_sees_a_private_answer(owner, teammate, uow):
    shared = make_contact(owner, uow, name="Sam Shared", visibility="workspace")
    discovery.record_discovery(
        owner, uow, shared.id, {"challenges": "team visible"}, visibility="workspace",
        learned_on="2024-01-01",
    )  # fmt: skip
    discovery.record_discovery(
        owner, uow, shared.id, {"challenges": "owner's secret", "meaning": "secret too"},
        visibility="private", learned_on="2024-05-01",
    )  # fmt: skip
    seen = discovery.discovery_profile(teammate, uow, "sam shared")
    assert _latest(seen) == {"challenges": "team visible"}
    assert [a.answer for a in seen.history] == ["team visible"]
    assert "secret" not in repr(seen)
    # B's own private answer is B's alone; A keeps seeing A's newer private one.
    discovery.record_discovery(teammate, uow, shared.id, {"goal": "bea's note"})
    assert _latest(discovery.discovery_profile(teammate, uow, shared.id))["goal"] == "bea's note"
    mine = discovery.discovery_profile(owner, uow, shared.id)
    assert _latest(mine) == {"challenges": "owner's secret", "meaning": "secret too"}


def test_teammate_cannot_reach_a_private_contact_or_organization(owner, teammate, uow):
    secret = make_contact(owner, uow, name="Hidden Harriet", visibility="private")
    org = make_organization(owner, uow, name="Hidden Holdings", visibility="private")
    discovery.record_discovery(owner, uow, secret.id, {"goal": "x"}, visibility="workspace")
    for ref in (secret.id, f"#{secret.id}", "Hidden Harriet"):
        with pytest.raises(NotFound) as hidden:
            discovery.discovery_profile(teammate, uow, ref)
        with pytest.raises(NotFound):
            discovery.record_discovery(teammate, uow, ref, {"goal": "y"})
        assert "Harriet" not in str(hidden.value) or ref == "Hidden Harriet"
    with pytest.raises(NotFound):
        discovery.discovery_profile(teammate, uow, None, organization=org.id)
    with pytest.raises(NotFound):
        discovery.record_discovery(teammate, uow, None, {"goal": "y"}, organization="Holdings")
    assert _count(uow) == 1


def test_trashed_contact_has_no_profile(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    discovery.record_discovery(owner, uow, ann.id, {"goal": "x"})
    contacts.delete_contact(owner, uow, ann.id)
    with pytest.raises(NotFound):
        discovery.discovery_profile(owner, uow, ann.id)
    org = make_organization(owner, uow, name="Gone Co")
    organizations.delete_organization(owner, uow, org.id)
    with pytest.raises(NotFound):
        discovery.record_discovery(owner, uow, None, {"goal": "x"}, organization=org.id)


@pytest.mark.parametrize(
    ("answers", "kwargs", "field"),
    [
        ({}, {}, "answers"),
        ({"goal": "fine", "dreams": "unknown key"}, {}, "question"),
        ({"goal": "fine", "challenges": "   "}, {}, "challenges"),
        ({"goal": "x" * 2001}, {}, "goal"),
        ({"goal": "fine"}, {"learned_on": "tomorrow"}, "learned_on"),
        ({"goal": "fine"}, {"learned_on": "not a date"}, "learned_on"),
        ({"goal": "fine"}, {"visibility": "everyone"}, "visibility"),
        ({"goal": "fine"}, {"organization": "Acme"}, "about"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(owner, uow, answers, kwargs, field):
    ann = make_contact(owner, uow, name="Ann Archer")
    make_organization(owner, uow, name="Acme")
    with pytest.raises(ValidationFailed) as caught:
        discovery.record_discovery(owner, uow, ann.id, answers, **kwargs)
    assert caught.value.field == field
    assert _count(uow) == 0


def test_a_profile_is_about_exactly_one_subject(owner, uow):
    with pytest.raises(ValidationFailed) as caught:
        discovery.discovery_profile(owner, uow, None)
    assert caught.value.field == "about"
    with pytest.raises(ValidationFailed):
        discovery.record_discovery(owner, uow, None, {"goal": "x"})
    with pytest.raises(NotFound):
        discovery.record_discovery(owner, uow, "nobody at all", {"goal": "x"})
    assert _count(uow) == 0


def test_forget_discovery_answer_falls_back_to_the_earlier_one(owner, uow):
    ann = make_contact(owner, uow, name="Ann Archer")
    discovery.record_discovery(owner, uow, ann.id, {"goal": "old"}, learned_on="2024-01-01")
    newer = discovery.record_discovery(owner, uow, ann.id, {"goal": "wrong"})
    ref = discovery.forget_discovery_answer(owner, uow, newer.recorded[0])
    assert ref == Ref(newer.recorded[0], f"goal on {_today().isoformat()}")
    view = discovery.discovery_profile(owner, uow, ann.id)
    assert _latest(view) == {"goal": "old"} and len(view.history) == 1
    with pytest.raises(NotFound):
        discovery.forget_discovery_answer(owner, uow, newer.recorded[0])


def test_forget_someone_elses_answer(owner, teammate, uow):
    shared = make_contact(owner, uow, name="Sam Shared", visibility="workspace")
    team = discovery.record_discovery(owner, uow, shared.id, {"goal": "g"}, visibility="workspace")
    private = discovery.record_discovery(owner, uow, shared.id, {"goal": "p"})
    with pytest.raises(PermissionDenied):
        discovery.forget_discovery_answer(teammate, uow, team.recorded[0])
    with pytest.raises(NotFound) as hidden:
        discovery.forget_discovery_answer(teammate, uow, private.recorded[0])
    with pytest.raises(NotFound) as missing:
        discovery.forget_discovery_answer(teammate, uow, 999_999_999)
    assert str(hidden.value).replace(str(private.recorded[0]), "N") == str(missing.value).replace(
        "999999999", "N"
    )
    # The workspace owner (an admin) may remove a teammate's shared answer, as elsewhere.
    bea = discovery.record_discovery(
        teammate, uow, shared.id, {"goal": "b"}, visibility="workspace"
    )
    discovery.forget_discovery_answer(owner, uow, bea.recorded[0])
    assert _count(uow) == 3  # in the trash, not gone


def test_visible_challenges_gives_the_latest_visible_challenges_and_goal(owner, teammate, uow):
    shared = make_contact(owner, uow, name="Sam Shared", visibility="workspace")
    secret = make_contact(owner, uow, name="Hidden Harriet", visibility="private")
    gone = make_contact(owner, uow, name="Gone Gary", visibility="workspace")
    org = make_organization(owner, uow, name="Acme", visibility="workspace")
    ws = {"visibility": "workspace"}
    discovery.record_discovery(
        owner, uow, shared.id, {"challenges": "old pain", "goal": "grow", "meaning": "m"},
        learned_on="2024-01-01", **ws,
    )  # fmt: skip
    newer = discovery.record_discovery(
        owner, uow, shared.id, {"challenges": "hiring"}, learned_on="2024-03-01", **ws
    )
    private = discovery.record_discovery(
        owner, uow, shared.id, {"challenges": "private pain"}, learned_on="2024-06-01"
    )
    discovery.record_discovery(owner, uow, secret.id, {"challenges": "hidden"}, **ws)
    discovery.record_discovery(owner, uow, gone.id, {"challenges": "trashed"}, **ws)
    discovery.record_discovery(owner, uow, None, {"challenges": "org"}, organization=org.id, **ws)
    contacts.delete_contact(owner, uow, gone.id)
    grow = discovery.discovery_profile(owner, uow, shared.id).questions[0].latest
    assert grow is not None
    with uow.read() as session:
        for_b = discovery.visible_challenges(session, teammate)
        for_a = discovery.visible_challenges(session, owner)
    assert for_b == {
        shared.id: [
            (newer.recorded[0], "hiring", date(2024, 3, 1)),
            (grow.id, "grow", date(2024, 1, 1)),
        ]
    }
    assert for_a[shared.id][0] == (private.recorded[0], "private pain", date(2024, 6, 1))
    assert set(for_a) == {shared.id, secret.id}
