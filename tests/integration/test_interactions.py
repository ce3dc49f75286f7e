"""Logging interactions, the contact timeline, and the touch aggregates."""

from datetime import UTC, datetime, timedelta

import pytest

from goodwill.domain.dates import local_date_of, local_midnight_utc
from goodwill.domain.interactions import Channel
from goodwill.errors import NotFound, PermissionDenied, ValidationFailed
from goodwill.services import accounts, contacts, interactions, tasks, trash
from tests.factories import make_contact, make_interaction, make_task


@pytest.mark.parametrize("channel", [c.value for c in Channel])
def test_log_interaction_each_channel(owner, uow, channel):
    person = make_contact(owner, uow)
    logged = make_interaction(owner, uow, person.id, channel=channel, summary="hello")
    assert logged.interaction.channel == channel
    assert logged.interaction.summary == "hello"
    assert [p.id for p in logged.interaction.participants] == [person.id]


def test_log_interaction_channel_is_case_insensitive(owner, uow):
    person = make_contact(owner, uow)
    assert make_interaction(owner, uow, person.id, channel=" Coffee ").interaction.channel == (
        "coffee"
    )


def test_log_interaction_summary_keeps_line_breaks(owner, uow):
    person = make_contact(owner, uow)
    logged = make_interaction(owner, uow, person.id, summary="agenda:\n- hiring\n- pricing")
    assert logged.interaction.summary == "agenda:\n- hiring\n- pricing"


def test_log_interaction_bad_channel_names_the_field(owner, uow):
    person = make_contact(owner, uow)
    with pytest.raises(ValidationFailed) as caught:
        make_interaction(owner, uow, person.id, channel="pigeon")
    assert caught.value.field == "channel"
    assert interactions.list_interactions(owner, uow) == []


def test_log_interaction_bad_initiator_names_the_field(owner, uow):
    person = make_contact(owner, uow)
    with pytest.raises(ValidationFailed) as caught:
        make_interaction(owner, uow, person.id, initiated_by="someone")
    assert caught.value.field == "initiated_by"


def test_log_interaction_initiated_by_them(owner, uow):
    person = make_contact(owner, uow)
    assert make_interaction(owner, uow, person.id, initiated_by="them").interaction.initiator == (
        "them"
    )


def test_log_interaction_without_participants_is_refused(owner, uow):
    with pytest.raises(ValidationFailed) as caught:
        interactions.log_interaction(owner, uow, "call", [])
    assert caught.value.field == "participants"


def test_log_interaction_several_participants(owner, uow):
    people = [make_contact(owner, uow) for _ in range(3)]
    logged = make_interaction(owner, uow, *(p.id for p in people), channel="meeting")
    assert sorted(p.id for p in logged.interaction.participants) == sorted(p.id for p in people)
    assert logged.interaction.recipients == 3
    for person in people:
        assert contacts.show_contact(owner, uow, person.id).touches == 1


def test_log_interaction_duplicate_participant_refs_collapse(owner, uow):
    person = make_contact(owner, uow, name="Quentin Duplo", add_emails=["q@duplo.example"])
    logged = make_interaction(
        owner, uow, person.id, str(person.id), "q@duplo.example", "Quentin Duplo"
    )
    assert [p.id for p in logged.interaction.participants] == [person.id]
    assert logged.interaction.recipients == 1
    assert contacts.show_contact(owner, uow, person.id).touches == 1


def test_log_interaction_participants_by_id_email_and_name(owner, uow):
    by_id = make_contact(owner, uow)
    by_email = make_contact(owner, uow, add_emails=["mail@ref.example"])
    by_name = make_contact(owner, uow, name="Yolanda Uniquename")
    logged = make_interaction(owner, uow, f"#{by_id.id}", "MAIL@ref.example", "uniquename")
    assert {p.id for p in logged.interaction.participants} == {by_id.id, by_email.id, by_name.id}


def test_log_interaction_unknown_participant_is_not_found(owner, uow):
    with pytest.raises(NotFound):
        make_interaction(owner, uow, "nobody@nowhere.example")
    assert interactions.list_interactions(owner, uow) == []


def test_log_interaction_when_date_is_local_midnight(owner, uow):
    accounts.update_setting(owner, uow, "timezone", "America/New_York")
    actor = accounts.local_actor(uow)
    person = make_contact(actor, uow)
    logged = make_interaction(actor, uow, person.id, when="2024-03-05")
    assert logged.interaction.occurred_at == datetime(2024, 3, 5, 5, 0, tzinfo=UTC)


def test_log_interaction_when_date_time_in_actor_time_zone(owner, uow):
    accounts.update_setting(owner, uow, "timezone", "America/New_York")
    actor = accounts.local_actor(uow)
    person = make_contact(actor, uow)
    winter = make_interaction(actor, uow, person.id, when="2024-01-15 09:30")
    summer = make_interaction(actor, uow, person.id, when="2024-07-15 09:30")
    assert winter.interaction.occurred_at == datetime(2024, 1, 15, 14, 30, tzinfo=UTC)
    assert summer.interaction.occurred_at == datetime(2024, 7, 15, 13, 30, tzinfo=UTC)
    shown = contacts.show_contact(actor, uow, person.id)
    assert shown.last_touch == datetime(2024, 7, 15, 13, 30, tzinfo=UTC)


def test_log_interaction_when_relative_days(owner, uow):
    person = make_contact(owner, uow)
    logged = make_interaction(owner, uow, person.id, when="-3d")
    today = local_date_of(datetime.now(UTC), owner.tz)
    assert logged.interaction.occurred_at == local_midnight_utc(today - timedelta(days=3), owner.tz)


def test_log_interaction_when_garbage_names_the_field(owner, uow):
    person = make_contact(owner, uow)
    with pytest.raises(ValidationFailed) as caught:
        make_interaction(owner, uow, person.id, when="last tuesday-ish")
    assert caught.value.field == "when"


def test_log_interaction_naive_datetime_is_refused(owner, uow):
    person = make_contact(owner, uow)
    with pytest.raises(ValidationFailed) as caught:
        make_interaction(owner, uow, person.id, when=datetime(2024, 1, 1, 12, 0))
    assert caught.value.field == "when"


def test_log_interaction_mass_email_keeps_recipients(owner, uow):
    person = make_contact(owner, uow)
    logged = make_interaction(owner, uow, person.id, channel="email", recipients=200)
    assert logged.interaction.recipients == 200
    assert interactions.contact_timeline(owner, uow, person.id)[0].recipients == 200


def test_log_interaction_recipients_below_participants_is_refused(owner, uow):
    a, b, c = (make_contact(owner, uow) for _ in range(3))
    with pytest.raises(ValidationFailed) as caught:
        make_interaction(owner, uow, a.id, b.id, c.id, channel="email", recipients=2)
    assert caught.value.field == "recipients"
    assert contacts.show_contact(owner, uow, a.id).touches == 0


def test_log_interaction_default_visibility_private_when_any_participant_private(owner, uow):
    accounts.update_setting(owner, uow, "default_visibility", "workspace")
    shared = make_contact(owner, uow, visibility="workspace")
    secret = make_contact(owner, uow, visibility="private")
    assert make_interaction(owner, uow, shared.id).interaction.visibility == "workspace"
    assert make_interaction(owner, uow, shared.id, secret.id).interaction.visibility == "private"
    explicit = make_interaction(owner, uow, shared.id, secret.id, visibility="workspace")
    assert explicit.interaction.visibility == "workspace"


def test_log_interaction_returns_open_follow_ups_of_participants(owner, uow):
    person = make_contact(owner, uow)
    other = make_contact(owner, uow)
    later = make_task(owner, uow, title="send the deck", contact=person.id, due="+5d")
    sooner = make_task(owner, uow, title="call back", contact=person.id, due="+1d")
    done = make_task(owner, uow, title="already done", contact=person.id)
    tasks.complete_task(owner, uow, done.id)
    make_task(owner, uow, title="someone else's", contact=other.id)
    make_task(owner, uow, title="no contact")
    logged = make_interaction(owner, uow, person.id)
    assert [t.id for t in logged.open_follow_ups] == [sooner.id, later.id]
    assert {t.contact.id for t in logged.open_follow_ups} == {person.id}


def test_log_interaction_follow_ups_exclude_teammates_private_tasks(owner, teammate, uow):
    shared = make_contact(owner, uow, visibility="workspace")
    make_task(teammate, uow, title="bea's private", contact=shared.id, visibility="private")
    visible_one = make_task(
        teammate, uow, title="bea's shared", contact=shared.id, visibility="workspace"
    )
    logged = make_interaction(owner, uow, shared.id)
    assert [t.id for t in logged.open_follow_ups] == [visible_one.id]


def test_contact_timeline_newest_first(owner, uow):
    person = make_contact(owner, uow)
    old = make_interaction(owner, uow, person.id, when="-30d")
    new = make_interaction(owner, uow, person.id, when="-1d")
    mid = make_interaction(owner, uow, person.id, when="-10d")
    timeline = interactions.contact_timeline(owner, uow, person.id)
    assert [i.id for i in timeline] == [new.interaction.id, mid.interaction.id, old.interaction.id]


def test_contact_timeline_limit(owner, uow):
    person = make_contact(owner, uow)
    for days in (5, 4, 3, 2, 1):
        make_interaction(owner, uow, person.id, when=f"-{days}d", summary=f"{days} days ago")
    timeline = interactions.contact_timeline(owner, uow, person.id, limit=2)
    assert [i.summary for i in timeline] == ["1 days ago", "2 days ago"]


def test_contact_timeline_only_this_contact(owner, uow):
    person = make_contact(owner, uow)
    other = make_contact(owner, uow)
    mine = make_interaction(owner, uow, person.id)
    make_interaction(owner, uow, other.id)
    assert [i.id for i in interactions.contact_timeline(owner, uow, person.id)] == [
        mine.interaction.id
    ]


def test_contact_timeline_teammate_sees_workspace_interactions_only(owner, teammate, uow):
    shared = make_contact(owner, uow, visibility="workspace")
    open_one = make_interaction(owner, uow, shared.id, visibility="workspace", summary="open")
    make_interaction(owner, uow, shared.id, visibility="private", summary="secret")
    seen = interactions.contact_timeline(teammate, uow, shared.id)
    assert [i.id for i in seen] == [open_one.interaction.id]
    assert len(interactions.contact_timeline(owner, uow, shared.id)) == 2


def test_contact_timeline_redacts_a_private_participant(owner, teammate, uow):
    shared = make_contact(owner, uow, visibility="workspace")
    secret = make_contact(owner, uow, name="Hidden Person", visibility="private")
    make_interaction(owner, uow, shared.id, secret.id, visibility="workspace")
    [seen] = interactions.contact_timeline(teammate, uow, shared.id)
    labels = {p.label for p in seen.participants}
    assert "Hidden Person" not in labels
    assert {p.id for p in seen.participants} == {shared.id, None}


def test_contact_timeline_of_hidden_contact_is_not_found(owner, teammate, uow):
    secret = make_contact(owner, uow, visibility="private")
    make_interaction(owner, uow, secret.id)
    with pytest.raises(NotFound) as hidden:
        interactions.contact_timeline(teammate, uow, secret.id)
    with pytest.raises(NotFound) as missing:
        interactions.contact_timeline(teammate, uow, secret.id + 10_000)
    assert hidden.value.message.replace(str(secret.id), "N") == missing.value.message.replace(
        str(secret.id + 10_000), "N"
    )


def test_last_touch_follows_log_delete_and_restore(owner, uow):
    person = make_contact(owner, uow)
    assert contacts.show_contact(owner, uow, person.id).last_touch is None
    older = make_interaction(owner, uow, person.id, when="-10d")
    newer = make_interaction(owner, uow, person.id, when="-2d")
    shown = contacts.show_contact(owner, uow, person.id)
    assert (shown.last_touch, shown.touches) == (newer.interaction.occurred_at, 2)
    assert shown.first_touch == older.interaction.occurred_at

    interactions.delete_interaction(owner, uow, newer.interaction.id)
    shown = contacts.show_contact(owner, uow, person.id)
    assert (shown.last_touch, shown.touches) == (older.interaction.occurred_at, 1)
    assert [i.id for i in interactions.contact_timeline(owner, uow, person.id)] == [
        older.interaction.id
    ]

    trash.restore_from_trash(owner, uow, "interaction", newer.interaction.id)
    shown = contacts.show_contact(owner, uow, person.id)
    assert (shown.last_touch, shown.touches) == (newer.interaction.occurred_at, 2)


def test_delete_interaction_of_only_touch_clears_last_touch(owner, uow):
    person = make_contact(owner, uow)
    only = make_interaction(owner, uow, person.id)
    interactions.delete_interaction(owner, uow, only.interaction.id)
    shown = contacts.show_contact(owner, uow, person.id)
    assert (shown.last_touch, shown.touches) == (None, 0)


def test_last_touch_ignores_teammates_private_interaction(owner, teammate, uow):
    shared = make_contact(owner, uow, visibility="workspace")
    mine = make_interaction(owner, uow, shared.id, when="-20d")
    make_interaction(teammate, uow, shared.id, when="-1d", visibility="private")
    shown = contacts.show_contact(owner, uow, shared.id)
    assert (shown.last_touch, shown.touches) == (mine.interaction.occurred_at, 1)
    [summary] = contacts.list_contacts(owner, uow)
    assert summary.last_touch == mine.interaction.occurred_at
    assert contacts.show_contact(teammate, uow, shared.id).touches == 1


def test_last_touch_includes_teammates_workspace_interaction(owner, teammate, uow):
    shared = make_contact(owner, uow, visibility="workspace")
    make_interaction(owner, uow, shared.id, when="-20d")
    theirs = make_interaction(teammate, uow, shared.id, when="-1d", visibility="workspace")
    shown = contacts.show_contact(owner, uow, shared.id)
    assert (shown.last_touch, shown.touches) == (theirs.interaction.occurred_at, 2)


def test_teammates_interaction_on_a_shared_contact_defaults_private(owner, teammate, uow):
    shared = make_contact(owner, uow, visibility="workspace")
    theirs = make_interaction(teammate, uow, shared.id)
    assert theirs.interaction.visibility == "private"
    assert interactions.contact_timeline(owner, uow, shared.id) == []


def test_delete_interaction_by_teammate_is_refused(owner, teammate, uow):
    shared = make_contact(owner, uow, visibility="workspace")
    logged = make_interaction(owner, uow, shared.id, visibility="workspace")
    with pytest.raises(PermissionDenied):
        interactions.delete_interaction(teammate, uow, logged.interaction.id)
    assert contacts.show_contact(owner, uow, shared.id).touches == 1


def test_hidden_participants_are_listed_last_whatever_their_name(owner, teammate, uow):
    hidden = make_contact(owner, uow, name="Aaron Aardvark")  # sorts first by name
    shared = make_contact(owner, uow, name="Zed Zulu", visibility="workspace")
    interactions.log_interaction(
        owner, uow, "meeting", [hidden.id, shared.id], visibility="workspace"
    )
    [seen] = interactions.contact_timeline(teammate, uow, shared.id)
    assert [p.label for p in seen.participants] == ["Zed Zulu", "a private contact"]


def test_my_trashed_contact_shows_as_deleted_not_private(owner, uow):
    gone = make_contact(owner, uow, name="Gone Person")
    kept = make_contact(owner, uow, name="Kept Person")
    interactions.log_interaction(owner, uow, "call", [gone.id, kept.id])
    contacts.delete_contact(owner, uow, gone.id)
    [seen] = interactions.contact_timeline(owner, uow, kept.id)
    assert {p.label for p in seen.participants} == {"Kept Person", "a deleted contact"}
