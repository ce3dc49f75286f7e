"""search_contacts: accent-, case- and phone-aware, literal wildcards, same on both databases."""

from __future__ import annotations

import pytest

from goodwill.errors import ValidationFailed
from goodwill.services import contacts
from tests.factories import make_contact


def _ids(actor, uow, query, **options) -> list[int]:
    return [c.id for c in contacts.search_contacts(actor, uow, query, **options)]


@pytest.fixture
def people(owner, uow) -> dict[str, int]:
    """A small address book, by first name -> id."""
    rows = {
        "zoe": make_contact(owner, uow, name="Zoë Ångström", add_emails=["zoe@physics.example"]),
        "ada": make_contact(
            owner,
            uow,
            name="Ada Lovelace",
            add_emails=["ada.lovelace@engines.example"],
            add_phones=["(415) 555-0100"],
        ),
        "adam": make_contact(owner, uow, name="Adam Smith", add_emails=["adam@wealth.example"]),
        "ann": make_contact(owner, uow, name="Ann Marie Jones"),
        "annu": make_contact(owner, uow, name="Ann_Marie Underscore"),
        "pct": make_contact(owner, uow, name="Percy Fifty", nickname="50% off"),
        "grace": make_contact(
            owner, uow, name="Grace Hopper", add_phones=["+44 20 7946 0958"], nickname="Amazing"
        ),
    }
    return {key: detail.id for key, detail in rows.items()}


def test_search_contacts_accent_insensitive(owner, uow, people):
    assert _ids(owner, uow, "zoe") == [people["zoe"]]
    assert _ids(owner, uow, "angstrom") == [people["zoe"]]
    assert _ids(owner, uow, "ÅNGSTRÖM") == [people["zoe"]]


def test_search_contacts_case_insensitive(owner, uow, people):
    assert _ids(owner, uow, "LOVELACE") == [people["ada"]]
    assert _ids(owner, uow, "lOvElAcE") == [people["ada"]]


def test_search_contacts_multi_token_needs_every_token(owner, uow, people):
    assert _ids(owner, uow, "ada love") == [people["ada"]]
    assert _ids(owner, uow, "love ada") == [people["ada"]]
    assert _ids(owner, uow, "ada smith") == [people["adam"]]
    assert _ids(owner, uow, "ada hopper") == []


@pytest.mark.parametrize(
    "query",
    ["+1 415-555-0100", "4155550100", "(415) 555-0100", "415.555.0100", "14155550100"],
)
def test_search_contacts_phone_in_any_format(owner, uow, people, query):
    assert _ids(owner, uow, query) == [people["ada"]]


def test_search_contacts_partial_phone_and_foreign_number(owner, uow, people):
    assert _ids(owner, uow, "555-0100") == [people["ada"]]
    assert _ids(owner, uow, "+44 20 7946 0958") == [people["grace"]]
    assert _ids(owner, uow, "7946 0958") == [people["grace"]]
    assert _ids(owner, uow, "555-0199") == []


def test_search_contacts_partial_email(owner, uow, people):
    assert _ids(owner, uow, "lovelace@eng") == [people["ada"]]
    assert _ids(owner, uow, "wealth.example") == [people["adam"]]


def test_search_contacts_nickname(owner, uow, people):
    assert _ids(owner, uow, "amazing") == [people["grace"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("%", ["pct"]), ("50%", ["pct"]), ("_", ["annu"]), ("n_m", ["annu"]), ("%a%", [])],
)
def test_search_contacts_like_wildcards_are_literal(owner, uow, people, query, expected):
    assert _ids(owner, uow, query) == [people[key] for key in expected]


def test_search_contacts_backslash_is_literal(owner, uow, people):
    odd = make_contact(owner, uow, name="Back Slash", nickname="a\\b")
    assert _ids(owner, uow, "a\\b") == [odd.id]
    assert _ids(owner, uow, "\\") == [odd.id]


def test_search_contacts_query_with_nothing_searchable_finds_nothing(owner, uow, people):
    assert _ids(owner, uow, "\u0301") == []


def test_search_contacts_blank_query_fails(owner, uow, people):
    with pytest.raises(ValidationFailed, match="query"):
        contacts.search_contacts(owner, uow, "   ")


def test_search_contacts_results_ordered_by_last_name(owner, uow):
    zeta = make_contact(owner, uow, name="Ada Zeta", add_emails=["z@guild.example"])
    alpha = make_contact(owner, uow, name="Bob Alpha", add_emails=["a@guild.example"])
    mid = make_contact(owner, uow, name="Cy Mid", add_emails=["m@guild.example"])
    alpha2 = make_contact(owner, uow, name="Aaron Alpha", add_emails=["a2@guild.example"])
    assert _ids(owner, uow, "guild") == [alpha2.id, alpha.id, mid.id, zeta.id]


def test_search_contacts_expected_ids_on_every_database(owner, uow, people):
    expected = {
        "ada": ["ada", "adam"],
        "ann": ["ann", "annu"],
        "example": ["zoe", "ada", "adam"],
        "marie": ["ann", "annu"],
        "o": ["zoe", "pct", "grace", "ann", "ada", "annu"],
    }
    for query, keys in expected.items():
        assert _ids(owner, uow, query) == [people[k] for k in keys], query


def test_search_contacts_limit(owner, uow, people):
    assert _ids(owner, uow, "o", limit=2) == [people["zoe"], people["pct"]]


def test_search_contacts_never_shows_teammates_private_contacts(owner, teammate, uow, people):
    make_contact(
        teammate,
        uow,
        name="Zoe Private",
        add_emails=["zp@physics.example"],
        add_phones=["(415) 555-0100"],
    )
    shared = make_contact(teammate, uow, name="Zoe Shared", visibility="workspace")
    assert _ids(owner, uow, "zoe") == [people["zoe"], shared.id]
    assert _ids(owner, uow, "physics") == [people["zoe"]]
    assert _ids(owner, uow, "4155550100") == [people["ada"]]
    assert _ids(owner, uow, "private") == []


def test_search_contacts_teammate_sees_only_own_and_shared(owner, teammate, uow, people):
    mine = make_contact(teammate, uow, name="Zoe Private", visibility="private")
    assert _ids(teammate, uow, "zoe") == [mine.id]
    assert _ids(teammate, uow, "4155550100") == []


def test_search_contacts_with_long_folded_keys_works_on_every_database(owner, uow):
    # Folding lengthens 'ß' to 'ss': the stored keys must still fit their columns.
    long_name = make_contact(owner, uow, name=None, first_name="ß" * 200, last_name="Weiß" * 50)
    emails = [f"{'a' * 60}{i}@{'b' * 60}.{'c' * 60}.{'d' * 60}.example" for i in range(5)]
    many = make_contact(owner, uow, name="Many Mails", add_emails=emails)
    assert _ids(owner, uow, "weiss") == [long_name.id]
    assert _ids(owner, uow, "a0@bbb") == [many.id]
    for email in emails:
        assert contacts.show_contact(owner, uow, email.upper()).id == many.id
