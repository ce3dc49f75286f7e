"""Strength bands: the list's strength filter (domain.strength.STRENGTH_BANDS)."""

from __future__ import annotations

import pytest

from goodwill.domain.strength import in_band, parse_band
from goodwill.errors import ValidationFailed


@pytest.mark.parametrize(
    ("points", "band"),
    [(0, "weak"), (24.4, "weak"), (24.6, "medium"), (25, "medium"), (59.4, "medium"),
     (59.6, "strong"), (60, "strong"), (100, "strong")],
)  # fmt: skip
def test_a_score_falls_in_exactly_one_band_as_shown_rounded(points, band):
    assert in_band(points, band)
    assert [b for b in ("strong", "medium", "weak") if in_band(points, b)] == [band]


def test_band_names_are_checked():
    assert parse_band(" Strong ") == "strong"
    with pytest.raises(ValidationFailed, match="strong, medium, weak"):
        parse_band("enormous")
