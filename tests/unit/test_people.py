"""Unit tests for goodwill.domain.people: names, emails, phones, tiers, cadences."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.domain.people import (
    DEFAULT_CADENCE_DAYS,
    MAX_CADENCE_DAYS,
    Phone,
    Tier,
    Visibility,
    check_cadence_days,
    contact_search_key,
    default_cadences,
    is_default_cadence,
    normalize_email,
    normalize_phone,
    parse_cadence,
    parse_cadence_defaults,
    parse_custom_field,
    parse_tier,
    parse_visibility,
    person_name,
    phone_query_digits,
    resolve_cadence,
    split_full_name,
    stored_cadence_defaults,
    tier_label,
    validate_region,
)
from goodwill.domain.text import NAME_MAX, SHORT_MAX
from goodwill.errors import ValidationFailed

# ----------------------------------------------------------------- normalize_email


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ann@example.com", "ann@example.com"),
        ("Ann@Example.COM", "ann@example.com"),
        ("  ANN.LEE+crm@EXAMPLE.org \n", "ann.lee+crm@example.org"),
    ],
)
def test_normalize_email_lowercases_and_strips(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


def test_normalize_email_dedupes_case_variants() -> None:
    assert normalize_email("Ann@X.com") == normalize_email("ann@x.COM")


@pytest.mark.parametrize(
    "raw",
    ["nope", "ann@", "@example.com", "ann@@example.com", "ann@example", "ann example@x.com"],
)
def test_normalize_email_rejects_malformed_addresses_naming_the_field(raw: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        normalize_email(raw, field="work email")
    assert info.value.field == "work email"
    assert str(info.value).startswith("work email:")
    assert "not a valid email address" in str(info.value)


def test_normalize_email_default_field_is_email() -> None:
    with pytest.raises(ValidationFailed) as info:
        normalize_email("nope")
    assert info.value.field == "email"


@pytest.mark.parametrize("raw", ["", "   "])
def test_normalize_email_requires_a_value(raw: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        normalize_email(raw)
    assert info.value.field == "email"
    assert "blank" in str(info.value)


def test_normalize_email_rejects_over_long_input() -> None:
    with pytest.raises(ValidationFailed) as info:
        normalize_email("a" * SHORT_MAX + "@example.com")
    assert info.value.field == "email"
    assert f"limit is {SHORT_MAX}" in str(info.value)


def test_normalize_email_rejects_nul_byte() -> None:
    with pytest.raises(ValidationFailed) as info:
        normalize_email("ann@example.com\x00")
    assert "NUL" in str(info.value)


# ----------------------------------------------------------------- normalize_phone


@pytest.mark.parametrize(
    "raw", ["+1 415-555-0100", "(415) 555-0100", "415.555.0100", "4155550100", "+14155550100"]
)
def test_normalize_phone_us_formats_share_one_e164(raw: str) -> None:
    phone = normalize_phone(raw, "US")
    assert phone == Phone(e164="+14155550100", digits="14155550100")


def test_normalize_phone_french_national_number() -> None:
    phone = normalize_phone("01 42 68 53 00", "FR")
    assert phone.e164 == "+33142685300"
    assert phone.digits == "33142685300"


def test_normalize_phone_region_is_case_insensitive() -> None:
    assert normalize_phone("01 42 68 53 00", "fr").e164 == "+33142685300"


def test_normalize_phone_international_number_ignores_default_region() -> None:
    assert normalize_phone("+33 1 42 68 53 00", "US").e164 == "+33142685300"


def test_normalize_phone_default_region_supplies_the_country_code() -> None:
    assert normalize_phone("020 7946 0000", "GB").e164 == "+442079460000"
    assert normalize_phone("030 123456", "DE").e164.startswith("+4930")


@pytest.mark.parametrize("raw", ["hello", "12", "call me", "+", "1-800-FLOWERS-AND-MORE-TEXT"])
def test_normalize_phone_rejects_garbage_naming_the_field(raw: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        normalize_phone(raw, "US", field="mobile")
    assert info.value.field == "mobile"
    assert str(info.value).startswith("mobile:")


def test_normalize_phone_national_number_without_valid_region_is_rejected() -> None:
    with pytest.raises(ValidationFailed) as info:
        normalize_phone("415 555 0100", "ZZ")
    assert info.value.field == "phone"


@pytest.mark.parametrize("raw", ["", "   "])
def test_normalize_phone_requires_a_value(raw: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        normalize_phone(raw, "US")
    assert info.value.field == "phone"


def test_normalize_phone_rejects_over_long_input() -> None:
    with pytest.raises(ValidationFailed) as info:
        normalize_phone("1" * 65, "US")
    assert "limit is 64" in str(info.value)


def test_phone_digits_reversed() -> None:
    assert Phone(e164="+14155550100", digits="14155550100").digits_reversed == "00105555141"


def test_normalize_phone_digits_are_e164_without_plus() -> None:
    phone = normalize_phone("(415) 555-0100", "US")
    assert "+" + phone.digits == phone.e164
    assert phone.digits.isdigit()


# -------------------------------------------------------------- phone_query_digits


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("+1 (415) 555-0100", "14155550100"),
        ("415.555.0100", "4155550100"),
        ("415/555 0100", "4155550100"),
        ("  01 42 68 53 00  ", "0142685300"),
        ("555010", "555010"),
    ],
)
def test_phone_query_digits_extracts_digits_of_phone_like_queries(
    query: str, expected: str
) -> None:
    assert phone_query_digits(query) == expected


@pytest.mark.parametrize(
    "query", ["Ada Lovelace", "ada", "Zoë", "555-0100 ext", "call 4155550100", "", "   "]
)
def test_phone_query_digits_is_none_for_names_and_mixed_text(query: str) -> None:
    assert phone_query_digits(query) is None


@pytest.mark.parametrize("query", ["12345", "+1", "(12) 3", "---"])
def test_phone_query_digits_is_none_for_too_few_digits(query: str) -> None:
    assert phone_query_digits(query) is None


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from("0123456789 ()+.-/"), max_size=30))
def test_phone_query_digits_returns_only_the_digits_or_none(query: str) -> None:
    result = phone_query_digits(query)
    digits = "".join(ch for ch in query if ch.isdigit())
    if len(digits) >= 6 and query.strip():
        assert result == digits
    else:
        assert result is None


# ----------------------------------------------------------------- validate_region


@pytest.mark.parametrize(("raw", "expected"), [("US", "US"), ("us", "US"), (" fr ", "FR")])
def test_validate_region_normalizes_case_and_space(raw: str, expected: str) -> None:
    assert validate_region(raw) == expected


@pytest.mark.parametrize("raw", ["XX", "USA", "001", "", "U S"])
def test_validate_region_rejects_unknown_codes(raw: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        validate_region(raw)
    assert info.value.field == "default_region"
    assert "two-letter region" in str(info.value)


def test_validate_region_uses_given_field() -> None:
    with pytest.raises(ValidationFailed) as info:
        validate_region("XX", field="region")
    assert info.value.field == "region"


# ----------------------------------------------------------------- visibility/tier


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("private", Visibility.PRIVATE),
        (" WORKSPACE ", Visibility.WORKSPACE),
        ("Private", Visibility.PRIVATE),
    ],
)
def test_parse_visibility(raw: str, expected: Visibility) -> None:
    assert parse_visibility(raw) is expected


def test_parse_visibility_rejects_unknown_value() -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_visibility("public")
    assert info.value.field == "visibility"
    assert "private, workspace" in str(info.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("inner", Tier.INNER),
        (" Network ", Tier.NETWORK),
        ("WIDER", Tier.WIDER),
        ("inner  circle", Tier.INNER),
    ],
)
def test_parse_tier_accepts_names_case_insensitively(raw: str, expected: Tier) -> None:
    assert parse_tier(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("A", Tier.INNER), ("a", Tier.INNER), (" b ", Tier.NETWORK), ("C", Tier.WIDER)],
)
def test_parse_tier_accepts_the_old_letters_as_aliases(raw: str, expected: Tier) -> None:
    assert parse_tier(raw) is expected


def test_tier_letters_alias_the_names_and_are_what_is_stored() -> None:
    assert (Tier.A, Tier.B, Tier.C) == (Tier.INNER, Tier.NETWORK, Tier.WIDER)
    assert [t.value for t in Tier] == ["A", "B", "C"]  # the contacts.tier column's codes
    assert [t.label for t in Tier] == ["inner", "network", "wider"]
    assert [tier_label(code) for code in ("A", "B", "C", None)] == [
        "inner",
        "network",
        "wider",
        None,
    ]


@pytest.mark.parametrize("raw", [None, "", "  ", "none", "NONE", "-"])
def test_parse_tier_none_values_clear_the_tier(raw: str | None) -> None:
    assert parse_tier(raw) is None


@pytest.mark.parametrize("raw", ["D", "AB", "1", "tier a"])
def test_parse_tier_rejects_unknown_tiers(raw: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_tier(raw, field="closeness")
    assert info.value.field == "closeness"
    assert "inner, network, wider (or A, B, C), or none" in str(info.value)


# ------------------------------------------------------------------ parse_cadence


@pytest.mark.parametrize(
    ("raw", "days"),
    [
        ("45", 45),
        ("45d", 45),
        ("30d", 30),
        ("6w", 42),
        ("3m", 90),
        ("1y", 365),
        ("10y", 3650),
        (" 2W ", 14),
        ("1 D", 1),
        ("1", 1),
        (str(MAX_CADENCE_DAYS), MAX_CADENCE_DAYS),
    ],
)
def test_parse_cadence_converts_units_to_days(raw: str, days: int) -> None:
    assert parse_cadence(raw) == days


@pytest.mark.parametrize("raw", ["", "abc", "3x", "-3d", "1.5w", "d", "3 d 4", "3dd", "w6"])
def test_parse_cadence_rejects_malformed_values(raw: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_cadence(raw)
    assert info.value.field == "cadence"
    assert "30d, 6w, 3m or 1y" in str(info.value)


@pytest.mark.parametrize("raw", ["0", "0d", "0w", "0y", str(MAX_CADENCE_DAYS + 1), "11y", "523w"])
def test_parse_cadence_rejects_zero_and_over_max(raw: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_cadence(raw, field="every")
    assert info.value.field == "every"
    assert f"between 1 and {MAX_CADENCE_DAYS}" in str(info.value)


def test_parse_cadence_rejects_absurdly_long_numbers_as_validation_error() -> None:
    # User input: a huge digit string must be a ValidationFailed, not a bare ValueError
    # from int()'s 4300-digit limit escaping to the CLI.
    with pytest.raises(ValidationFailed) as info:
        parse_cadence("9" * 5000)
    assert info.value.field == "cadence"


@settings(max_examples=200)
@given(st.integers(min_value=1, max_value=MAX_CADENCE_DAYS))
def test_parse_cadence_plain_days_round_trip(days: int) -> None:
    assert parse_cadence(str(days)) == days
    assert parse_cadence(f"{days}d") == days


# ---------------------------------------------------------------- resolve_cadence


def test_resolve_cadence_without_tier_is_none() -> None:
    assert resolve_cadence(None, None, DEFAULT_CADENCE_DAYS) is None
    assert resolve_cadence(None, 45, DEFAULT_CADENCE_DAYS) is None


@pytest.mark.parametrize(
    ("tier", "days"), [(Tier.INNER, 30), (Tier.NETWORK, 90), (Tier.WIDER, 365)]
)
def test_resolve_cadence_defaults_from_tier(tier: Tier, days: int) -> None:
    assert resolve_cadence(tier, None, DEFAULT_CADENCE_DAYS) == days
    assert DEFAULT_CADENCE_DAYS[tier] == days


def test_resolve_cadence_explicit_override_wins() -> None:
    assert resolve_cadence(Tier.C, 14, DEFAULT_CADENCE_DAYS) == 14
    assert resolve_cadence(Tier.A, 365, DEFAULT_CADENCE_DAYS) == 365


def test_resolve_cadence_takes_the_workspace_default() -> None:
    workspace = parse_cadence_defaults({"inner": 45})
    assert resolve_cadence(Tier.INNER, None, workspace) == 45
    assert resolve_cadence(Tier.NETWORK, None, workspace) == 90
    assert resolve_cadence(Tier.INNER, 14, workspace) == 14


def test_a_default_cadence_now_or_of_an_earlier_version_is_not_a_choice() -> None:
    d = DEFAULT_CADENCE_DAYS
    assert is_default_cadence(Tier.WIDER, 365, d) and is_default_cadence(Tier.WIDER, 180, d)
    assert is_default_cadence(Tier.INNER, 30, d) and not is_default_cadence(Tier.INNER, 180, d)
    assert not is_default_cadence(Tier.NETWORK, 45, d)
    assert not is_default_cadence(None, 30, d) and not is_default_cadence(Tier.INNER, None, d)


def test_the_default_is_the_workspace_s_not_the_domain_s() -> None:
    workspace = parse_cadence_defaults({"inner": 45, "wider": 200})
    assert is_default_cadence(Tier.INNER, 45, workspace)
    # 30 is no longer what inner gives: a contact holding it chose it.
    assert not is_default_cadence(Tier.INNER, 30, workspace)
    assert default_cadences(Tier.WIDER, workspace) == {200, 180}
    assert default_cadences(Tier.NETWORK, workspace) == {90}


def test_parse_cadence_defaults_overlays_the_domain_defaults() -> None:
    assert parse_cadence_defaults(None) == DEFAULT_CADENCE_DAYS
    assert parse_cadence_defaults({}) == DEFAULT_CADENCE_DAYS
    assert parse_cadence_defaults({"network": 60}) == {
        Tier.INNER: 30, Tier.NETWORK: 60, Tier.WIDER: 365,
    }  # fmt: skip


@pytest.mark.parametrize(
    "stored",
    [{"inner": 0}, {"inner": MAX_CADENCE_DAYS + 1}, {"inner": "45"}, {"inner": True},
     {"inner": 4.5}, {"A": 45}, {"closest": 45}],
)  # fmt: skip
def test_parse_cadence_defaults_ignores_what_it_cannot_trust(stored: dict[str, object]) -> None:
    assert parse_cadence_defaults(stored) == DEFAULT_CADENCE_DAYS


def test_stored_cadence_defaults_keeps_only_the_changed_tiers() -> None:
    assert stored_cadence_defaults(DEFAULT_CADENCE_DAYS) is None
    changed = {**DEFAULT_CADENCE_DAYS, Tier.WIDER: 400}
    assert stored_cadence_defaults(changed) == {"wider": 400}
    assert parse_cadence_defaults(stored_cadence_defaults(changed)) == changed


@pytest.mark.parametrize("days", [0, -1, MAX_CADENCE_DAYS + 1, True])
def test_check_cadence_days_refuses_out_of_range(days: int) -> None:
    with pytest.raises(ValidationFailed) as info:
        check_cadence_days(days)
    assert info.value.field == "days"


@settings(max_examples=100)
@given(st.integers(min_value=1, max_value=MAX_CADENCE_DAYS))
def test_every_day_count_in_range_round_trips_as_a_default(days: int) -> None:
    chosen = {**DEFAULT_CADENCE_DAYS, Tier.NETWORK: check_cadence_days(days)}
    assert parse_cadence_defaults(stored_cadence_defaults(chosen)) == chosen
    assert resolve_cadence(Tier.NETWORK, None, chosen) == days


def test_every_tier_has_a_default_cadence_within_bounds() -> None:
    assert set(DEFAULT_CADENCE_DAYS) == set(Tier)
    assert all(1 <= d <= MAX_CADENCE_DAYS for d in DEFAULT_CADENCE_DAYS.values())


# -------------------------------------------------------------------- person_name


def test_person_name_builds_display_name() -> None:
    assert person_name("Ada", "Lovelace") == ("Ada", "Lovelace", "Ada Lovelace")


def test_person_name_collapses_and_strips_spaces() -> None:
    assert person_name("  Ada   King ", " Lovelace\n") == (
        "Ada King",
        "Lovelace",
        "Ada King Lovelace",
    )


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("Cher", None, ("Cher", None, "Cher")),
        ("Cher", "  ", ("Cher", None, "Cher")),
        (None, "Lovelace", (None, "Lovelace", "Lovelace")),
        ("", "Lovelace", (None, "Lovelace", "Lovelace")),
    ],
)
def test_person_name_accepts_a_single_name(
    first: str | None, last: str | None, expected: tuple[str | None, str | None, str]
) -> None:
    assert person_name(first, last) == expected


@pytest.mark.parametrize(("first", "last"), [(None, None), ("", ""), ("  ", "\t")])
def test_person_name_needs_a_first_or_last_name(first: str | None, last: str | None) -> None:
    with pytest.raises(ValidationFailed) as info:
        person_name(first, last)
    assert info.value.field == "name"


def test_person_name_rejects_over_long_first_name() -> None:
    with pytest.raises(ValidationFailed) as info:
        person_name("x" * (NAME_MAX + 1), "Lovelace")
    assert info.value.field == "first name"
    assert f"limit is {NAME_MAX}" in str(info.value)


def test_person_name_rejects_control_characters_inside_a_name() -> None:
    with pytest.raises(ValidationFailed) as info:
        person_name("Ada\tKing", "Lovelace")
    assert info.value.field == "first name"
    assert "control character" in str(info.value)


def test_person_name_rejects_nul_in_last_name() -> None:
    with pytest.raises(ValidationFailed) as info:
        person_name("Ada", "Love\x00lace")
    assert info.value.field == "last name"


# ---------------------------------------------------------------- split_full_name


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("Ada Lovelace", ("Ada", "Lovelace")),
        ("Ada King Lovelace", ("Ada King", "Lovelace")),
        ("Cher", ("Cher", None)),
        ("  Ada   King   Lovelace  ", ("Ada King", "Lovelace")),
        ("Zoë Ångström", ("Zoë", "Ångström")),
    ],
)
def test_split_full_name(full: str, expected: tuple[str | None, str | None]) -> None:
    assert split_full_name(full) == expected


@pytest.mark.parametrize("full", ["", "   "])
def test_split_full_name_requires_a_name(full: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        split_full_name(full)
    assert info.value.field == "name"


def test_split_full_name_rejects_over_long_input() -> None:
    with pytest.raises(ValidationFailed) as info:
        split_full_name("x" * (NAME_MAX * 2 + 1))
    assert f"limit is {NAME_MAX * 2}" in str(info.value)


@settings(max_examples=200)
@given(st.lists(st.text(alphabet="abcXYZé", min_size=1, max_size=8), min_size=1, max_size=5))
def test_split_full_name_rejoins_to_collapsed_input(words: list[str]) -> None:
    first, last = split_full_name("  " + "   ".join(words) + " ")
    assert " ".join(p for p in (first, last) if p) == " ".join(words)
    assert first is not None
    assert (last is None) == (len(words) == 1)


# ------------------------------------------------------------- contact_search_key


def test_contact_search_key_folds_name_nickname_and_extras() -> None:
    key = contact_search_key("Zoë Ångström", "Zo", ["ACME Corp", "Straße"])
    assert key == "zoe angstrom zo acme corp strasse"


def test_contact_search_key_skips_missing_parts() -> None:
    assert contact_search_key("Ada  Lovelace") == "ada lovelace"
    assert contact_search_key("Ada", None, ["", "x"]) == "ada x"


# -------------------------------------------------------------- parse_custom_field


def test_parse_custom_field_splits_key_and_value() -> None:
    assert parse_custom_field("birthday=1815-12-10") == ("birthday", "1815-12-10")


def test_parse_custom_field_strips_key_and_value() -> None:
    assert parse_custom_field("  team  =  Analytical Engine  ") == ("team", "Analytical Engine")


def test_parse_custom_field_splits_on_first_equals_only() -> None:
    assert parse_custom_field("formula=a=b+c") == ("formula", "a=b+c")


@pytest.mark.parametrize("raw", ["team=", "team=   "])
def test_parse_custom_field_empty_value_removes_the_field(raw: str) -> None:
    assert parse_custom_field(raw) == ("team", None)


def test_parse_custom_field_without_equals_is_rejected() -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_custom_field("team")
    assert info.value.field == "field"
    assert "key=value" in str(info.value)


@pytest.mark.parametrize("raw", ["=value", "  =value"])
def test_parse_custom_field_requires_a_key(raw: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_custom_field(raw)
    assert info.value.field == "field name"


def test_parse_custom_field_rejects_over_long_key() -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_custom_field("k" * 101 + "=v")
    assert info.value.field == "field name"
    assert "limit is 100" in str(info.value)


def test_parse_custom_field_value_error_names_the_key() -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_custom_field("team=" + "v" * (SHORT_MAX * 4 + 1))
    assert info.value.field == "field team"
    assert "limit is 2,000" in str(info.value)
