"""Unit tests for goodwill.errors: the one error tree and its exit codes."""

from __future__ import annotations

import pytest

from goodwill.errors import (
    Ambiguous,
    Conflict,
    GoodwillError,
    ImportFailed,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)

MAIN_KINDS: list[type[GoodwillError]] = [
    NotFound,
    Conflict,
    ValidationFailed,
    PermissionDenied,
    ImportFailed,
]


@pytest.mark.parametrize(
    "kind", [NotFound, Conflict, Ambiguous, ValidationFailed, PermissionDenied, ImportFailed]
)
def test_every_error_subclasses_goodwill_error(kind: type[GoodwillError]) -> None:
    assert issubclass(kind, GoodwillError)
    assert issubclass(kind, Exception)


def test_main_error_kinds_have_distinct_non_zero_exit_codes() -> None:
    codes = [kind.exit_code for kind in MAIN_KINDS]
    assert all(isinstance(code, int) and code != 0 for code in codes)
    assert len(set(codes)) == len(MAIN_KINDS)


def test_main_error_kinds_differ_from_the_generic_exit_code() -> None:
    assert GoodwillError.exit_code != 0
    assert all(kind.exit_code != GoodwillError.exit_code for kind in MAIN_KINDS)


def test_ambiguous_is_a_conflict_with_its_exit_code() -> None:
    error = Ambiguous("several people match 'ann'", ["Ann Lee (#1)", "Ann Ko (#2)"])
    assert isinstance(error, Conflict)
    assert error.exit_code == Conflict.exit_code


def test_ambiguous_lists_candidates_in_message() -> None:
    error = Ambiguous("several people match 'ann'", ["Ann Lee (#1)", "Ann Ko (#2)"])
    assert str(error) == "several people match 'ann': Ann Lee (#1); Ann Ko (#2)"
    assert error.message == str(error)
    assert error.candidates == ["Ann Lee (#1)", "Ann Ko (#2)"]


def test_ambiguous_without_candidates_keeps_plain_message() -> None:
    error = Ambiguous("several people match", [])
    assert str(error) == "several people match"
    assert error.candidates == []


def test_validation_failed_carries_field_and_reason() -> None:
    error = ValidationFailed("email", "is not valid")
    assert error.field == "email"
    assert error.reason == "is not valid"
    assert str(error) == "email: is not valid"
    assert error.message == "email: is not valid"


def test_validation_failed_without_field_is_just_the_reason() -> None:
    error = ValidationFailed("", "something is off")
    assert str(error) == "something is off"
    assert error.field == ""


@pytest.mark.parametrize(
    "kind", [NotFound, Conflict, PermissionDenied, ImportFailed, GoodwillError]
)
def test_simple_errors_keep_their_message(kind: type[GoodwillError]) -> None:
    error = kind("task #3 does not exist")
    assert error.message == "task #3 does not exist"
    assert str(error) == "task #3 does not exist"


def test_errors_can_be_caught_as_goodwill_error() -> None:
    with pytest.raises(GoodwillError) as info:
        raise ValidationFailed("tier", "bad")
    assert info.value.exit_code == ValidationFailed.exit_code
