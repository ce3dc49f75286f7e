"""Merging two contacts' fields: keep's values win, gaps are filled, clashes are named."""

from __future__ import annotations

from datetime import date

from goodwill.domain.merging import MergeFields, merge_custom_fields, merge_fields


def test_merge_fields_keeps_names_and_fills_the_empty_ones():
    merged, conflicts = merge_fields(
        MergeFields(first_name="Maria", last_name="Chen"),
        MergeFields(first_name="maria", last_name="Lopez", nickname="Mia", how_met="PyCon"),
    )
    assert (merged.first_name, merged.last_name) == ("Maria", "Chen")
    assert (merged.nickname, merged.how_met) == ("Mia", "PyCon")
    assert conflicts == ["last name: keeps 'Chen', drops 'Lopez'"]


def test_merge_fields_met_on_is_the_earliest():
    early, late = date(2019, 3, 1), date(2021, 7, 9)
    merged, conflicts = merge_fields(MergeFields(met_on=late), MergeFields(met_on=early))
    assert merged.met_on == early
    assert conflicts == ["met on: keeps the earlier 2019-03-01, drops 2021-07-09"]
    assert merge_fields(MergeFields(), MergeFields(met_on=late))[0].met_on == late
    assert merge_fields(MergeFields(met_on=early), MergeFields())[0].met_on == early


def test_merge_fields_closer_tier_wins_with_its_cadence():
    merged, conflicts = merge_fields(
        MergeFields(tier="B", cadence_days=90), MergeFields(tier="A", cadence_days=21)
    )
    assert (merged.tier, merged.cadence_days) == ("A", 21)
    assert conflicts == ["tier: keeps the closer A, drops B"]
    merged, conflicts = merge_fields(
        MergeFields(tier="A", cadence_days=30), MergeFields(tier="C", cadence_days=180)
    )
    assert (merged.tier, merged.cadence_days, conflicts) == (
        "A",
        30,
        ["tier: keeps the closer A, drops C"],
    )
    merged, conflicts = merge_fields(MergeFields(), MergeFields(tier="C", cadence_days=180))
    assert (merged.tier, merged.cadence_days, conflicts) == ("C", 180, [])


def test_merge_fields_birthday_fills_gaps_and_year():
    no_year = MergeFields(birthday_month=5, birthday_day=6)
    with_year = MergeFields(birthday_month=5, birthday_day=6, birthday_year=1990)
    merged, conflicts = merge_fields(no_year, with_year)
    assert (merged.birthday_month, merged.birthday_day, merged.birthday_year) == (5, 6, 1990)
    assert conflicts == []
    assert merge_fields(MergeFields(), no_year)[0].birthday_day == 6
    _, conflicts = merge_fields(with_year, MergeFields(birthday_month=7, birthday_day=8))
    assert conflicts == ["birthday: keeps 1990-05-06, drops --07-08"]


def test_merge_fields_appends_addresses_and_vcard_lines_once():
    home = {"label": "home", "city": "Lyon"}
    work = {"label": "work", "city": "Paris"}
    merged, _ = merge_fields(
        MergeFields(addresses=[home], vcard_extra=["X-A:1"]),
        MergeFields(addresses=[home, work], vcard_extra=["X-A:1", "X-B:2"]),
    )
    assert merged.addresses == [home, work]
    assert merged.vcard_extra == ["X-A:1", "X-B:2"]


def test_merge_fields_photo_clash_is_named_without_the_data():
    merged, conflicts = merge_fields(
        MergeFields(photo="PHOTO;ENCODING=b:AAAA"), MergeFields(photo="PHOTO;ENCODING=b:BBBB")
    )
    assert merged.photo == "PHOTO;ENCODING=b:AAAA"
    assert conflicts == ["photo: keeps this contact's, drops the other's"]
    assert merge_fields(MergeFields(), MergeFields(vcard_uid="u-1"))[0].vcard_uid == "u-1"


def test_merge_custom_fields_keeps_the_others_value_under_a_merged_key():
    merged, conflicts = merge_custom_fields({"a": "1", "b": "2"}, {"a": "1", "b": "3", "c": "4"})
    assert merged == {"a": "1", "b": "2", "b (merged)": "3", "c": "4"}
    assert conflicts == ["field 'b': keeps '2', the other's is kept as 'b (merged)'"]
    merged, _ = merge_custom_fields({"b": "2", "b (merged)": "9"}, {"b": "3"})
    assert merged == {"b": "2", "b (merged)": "9", "b (merged 2)": "3"}
