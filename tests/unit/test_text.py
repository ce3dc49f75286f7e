"""Unit tests for goodwill.domain.text: text hygiene, search folding, LIKE escaping."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from goodwill.domain.text import (
    BODY_MAX,
    NAME_MAX,
    SHORT_MAX,
    SUMMARY_MAX,
    clean_text,
    collapse_spaces,
    fold,
    like_escape,
    search_tokens,
)
from goodwill.errors import ValidationFailed

# --------------------------------------------------------------------------- fold


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Zoë", "zoe"),
        ("ÅNGSTRÖM", "angstrom"),
        ("Zoë Ångström", "zoe angstrom"),
        ("Ada", "ada"),
        ("José Núñez", "jose nunez"),
        ("François", "francois"),
        ("Dvořák", "dvorak"),
        ("İstanbul", "istanbul"),
    ],
)
def test_fold_lowercases_and_strips_accents(raw: str, expected: str) -> None:
    assert fold(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ø", "o"),
        ("Ø", "o"),
        ("Søren", "soren"),
        ("ł", "l"),
        ("Ł", "l"),
        ("Łódź", "lodz"),
        ("æ", "ae"),
        ("Æ", "ae"),
        ("Ærø", "aero"),
        ("œ", "oe"),
        ("Œuvre", "oeuvre"),
        ("đ", "d"),
        ("Đ", "d"),
        ("þ", "th"),
        ("Þór", "thor"),
        ("ı", "i"),
    ],
)
def test_fold_maps_letters_unicode_does_not_decompose(raw: str, expected: str) -> None:
    assert fold(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ß", "ss"),
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("ẞ", "ss"),
    ],
)
def test_fold_casefolds_sharp_s(raw: str, expected: str) -> None:
    assert fold(raw) == expected


def test_fold_makes_sharp_s_and_ss_spellings_equal() -> None:
    assert fold("Straße") == fold("STRASSE") == fold("strasse")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ǿ", "o"),  # LATIN CAPITAL LETTER O WITH STROKE AND ACUTE
        ("Ǣ", "ae"),  # LATIN CAPITAL LETTER AE WITH MACRON
        ("ǽ", "ae"),  # LATIN SMALL LETTER AE WITH ACUTE
    ],
)
def test_fold_maps_accented_stroke_and_ligature_letters_to_their_base(
    raw: str, expected: str
) -> None:
    # These decompose (NFKD) to ø/æ plus a mark; the base letter must then be folded
    # exactly as a bare ø/æ is, or 'Ǿ' will never match a search for 'o'.
    assert fold(raw) == expected
    assert fold(raw) == fold(unicodedata.normalize("NFKD", raw)[0])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Ada   Lovelace  ", "ada lovelace"),
        ("Ada\tKing\nLovelace", "ada king lovelace"),
        ("Ada\u00a0Lovelace", "ada lovelace"),  # no-break space
        ("Ada\u2003\u2003Lovelace", "ada lovelace"),  # em spaces
        ("\n\t ", ""),
        ("", ""),
    ],
)
def test_fold_collapses_and_trims_whitespace(raw: str, expected: str) -> None:
    assert fold(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ﬁle", "file"),  # ligature
        ("ＡＢＣ", "abc"),  # fullwidth
        ("Ⅻ", "xii"),  # roman numeral
    ],
)
def test_fold_applies_compatibility_decomposition(raw: str, expected: str) -> None:
    assert fold(raw) == expected


@settings(max_examples=200)
@given(st.text())
@example("Ǿ")
@example("Ǣ")
@example("Ǽ")
@example("Zoë Ångström")
def test_fold_is_idempotent(value: str) -> None:
    once = fold(value)
    assert fold(once) == once


@settings(max_examples=200)
@given(st.text())
@example("Zoë\u0301\u0308")
@example("e\u0301\u0327")
def test_fold_output_contains_no_combining_marks(value: str) -> None:
    folded = fold(value)
    assert not any(unicodedata.combining(ch) for ch in folded)


@settings(max_examples=200)
@given(st.text())
def test_fold_output_has_single_inner_spaces_and_no_edges(value: str) -> None:
    folded = fold(value)
    assert folded == folded.strip()
    assert "  " not in folded
    assert all(ch == " " or not ch.isspace() for ch in folded)


@settings(max_examples=200)
@given(
    st.text(
        alphabet=st.characters(categories=["Lu", "Ll"], max_codepoint=0x24F),
        max_size=20,
    )
)
def test_fold_ignores_case_of_latin_letters(value: str) -> None:
    assert fold(value.upper()) == fold(value.lower()) == fold(value)


# ----------------------------------------------------------------- search_tokens


def test_search_tokens_splits_folded_query_into_words() -> None:
    assert search_tokens("  Zoë   ÅNGSTRÖM ") == ["zoe", "angstrom"]


def test_search_tokens_of_blank_query_is_empty() -> None:
    assert search_tokens("   \t ") == []


# ------------------------------------------------------------------ like_escape


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("100%", "100\\%"),
        ("a_b", "a\\_b"),
        ("back\\slash", "back\\\\slash"),
        ("\\%", "\\\\\\%"),
        ("\\_", "\\\\\\_"),
        ("50%_off\\", "50\\%\\_off\\\\"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_like_escape_escapes_wildcards_and_backslash(raw: str, expected: str) -> None:
    assert like_escape(raw) == expected


def _like_unescape(escaped: str) -> str:
    """Read an escaped LIKE pattern as SQL would with ESCAPE '\\'; fail on bare wildcards."""
    out: list[str] = []
    i = 0
    while i < len(escaped):
        ch = escaped[i]
        if ch == "\\":
            assert i + 1 < len(escaped), "dangling escape character"
            assert escaped[i + 1] in "\\%_", f"needless escape of {escaped[i + 1]!r}"
            out.append(escaped[i + 1])
            i += 2
            continue
        assert ch not in "%_", f"unescaped wildcard {ch!r} at {i}"
        out.append(ch)
        i += 1
    return "".join(out)


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from("ab%_\\ é")))
def test_like_escape_round_trips_to_a_literal_pattern(value: str) -> None:
    assert _like_unescape(like_escape(value)) == value


# ------------------------------------------------------------------- clean_text


def test_clean_text_strips_surrounding_whitespace() -> None:
    assert clean_text("  Ada Lovelace \n", "name", max_len=NAME_MAX) == "Ada Lovelace"


def test_clean_text_keeps_inner_whitespace() -> None:
    assert clean_text("Ada   Lovelace", "name", max_len=NAME_MAX) == "Ada   Lovelace"


@pytest.mark.parametrize("blank", [None, "", "   ", "\t\n"])
def test_clean_text_turns_blank_into_none(blank: str | None) -> None:
    assert clean_text(blank, "nickname", max_len=NAME_MAX) is None


def test_clean_text_required_none_names_field() -> None:
    with pytest.raises(ValidationFailed) as info:
        clean_text(None, "title", max_len=NAME_MAX, required=True)
    assert info.value.field == "title"
    assert "title" in str(info.value)
    assert "required" in str(info.value)


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_clean_text_required_blank_is_rejected(blank: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        clean_text(blank, "title", max_len=NAME_MAX, required=True)
    assert info.value.field == "title"
    assert "blank" in str(info.value)


@pytest.mark.parametrize("value", ["\x00", "Ada\x00", "  \x00  ", "a\x00b"])
def test_clean_text_rejects_nul_bytes(value: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        clean_text(value, "summary", max_len=SUMMARY_MAX)
    assert info.value.field == "summary"
    assert "summary" in str(info.value)
    assert "NUL" in str(info.value)


def test_clean_text_rejects_nul_even_when_not_required_and_otherwise_blank() -> None:
    with pytest.raises(ValidationFailed):
        clean_text("\x00", "nickname", max_len=NAME_MAX, required=False)


def test_clean_text_rejects_over_long_text_naming_field_and_limit() -> None:
    with pytest.raises(ValidationFailed) as info:
        clean_text("x" * (NAME_MAX + 1), "first name", max_len=NAME_MAX)
    message = str(info.value)
    assert info.value.field == "first name"
    assert message.startswith("first name:")
    assert f"limit is {NAME_MAX}" in message
    assert str(NAME_MAX + 1) in message


def test_clean_text_formats_large_limits_with_thousands_separators() -> None:
    with pytest.raises(ValidationFailed) as info:
        clean_text("x" * (SUMMARY_MAX + 5), "summary", max_len=SUMMARY_MAX)
    assert "limit is 10,000" in str(info.value)
    assert "10,005" in str(info.value)


def test_clean_text_accepts_text_exactly_at_the_limit() -> None:
    value = "x" * SHORT_MAX
    assert clean_text(value, "email", max_len=SHORT_MAX) == value


def test_clean_text_measures_length_after_stripping() -> None:
    value = "   " + "x" * 10 + "   "
    assert clean_text(value, "f", max_len=10) == "x" * 10


def test_text_limits_are_ordered() -> None:
    assert 0 < NAME_MAX < SHORT_MAX < SUMMARY_MAX < BODY_MAX


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Ada\tLovelace", "U+0009"),
        ("Ada\nLovelace", "U+000A"),
        ("a\x1bb", "U+001B"),
        ("a\x7f", "U+007F"),
    ],
)
def test_clean_text_one_line_field_rejects_control_characters(value: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        clean_text(value, "title", max_len=NAME_MAX)
    assert info.value.field == "title"
    assert "control character" in str(info.value)
    assert code in str(info.value)


def test_clean_text_one_line_field_strips_edge_line_breaks_before_checking() -> None:
    assert clean_text("\n\tAda Lovelace\r\n", "title", max_len=NAME_MAX) == "Ada Lovelace"


def test_clean_text_multiline_field_allows_line_breaks_and_tabs() -> None:
    value = "first line\r\n\tindented\nlast"
    assert clean_text(value, "body", max_len=BODY_MAX, multiline=True) == value


@pytest.mark.parametrize("value", ["bell\x07", "esc\x1b[31m", "a\x7fb"])
def test_clean_text_multiline_field_still_rejects_other_controls(value: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        clean_text(value, "body", max_len=BODY_MAX, multiline=True)
    assert info.value.field == "body"
    assert "control character" in str(info.value)


def test_clean_text_multiline_field_rejects_nul() -> None:
    with pytest.raises(ValidationFailed) as info:
        clean_text("a\nb\x00", "body", max_len=BODY_MAX, multiline=True)
    assert "NUL" in str(info.value)


_NO_CONTROLS = st.characters(exclude_categories=["Cc", "Cs"])


@settings(max_examples=200)
@given(
    st.text(alphabet=st.one_of(_NO_CONTROLS, st.sampled_from(" \u00a0\u2003"))), st.integers(1, 50)
)
def test_clean_text_result_is_stripped_and_within_limit(value: str, limit: int) -> None:
    try:
        result = clean_text(value, "f", max_len=limit)
    except ValidationFailed as exc:
        assert len(value.strip()) > limit
        assert exc.field == "f"
        assert f"limit is {limit}" in str(exc)
        return
    if result is None:
        assert value.strip() == ""
    else:
        assert result == value.strip()
        assert 0 < len(result) <= limit


# --------------------------------------------------------------- collapse_spaces


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a  b", "a b"),
        ("  a \t\n b  ", "a b"),
        ("a", "a"),
        ("   ", ""),
    ],
)
def test_collapse_spaces(raw: str, expected: str) -> None:
    assert collapse_spaces(raw) == expected


def test_collapse_spaces_does_not_change_case() -> None:
    assert collapse_spaces("Ada  LOVELACE") == "Ada LOVELACE"
    assert re.fullmatch(r"\S+( \S+)*", collapse_spaces(" x\t y\n\nz "))
