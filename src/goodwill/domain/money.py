"""Money as goodwill keeps it: exact Decimal amounts with at most four decimals, stored
as integers of ten-thousandths on every database, each with its ISO 4217 currency, and
never converted from one currency to another."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pycountry

from goodwill.errors import ValidationFailed

E4 = 10_000  # money is stored as an integer of ten-thousandths
MONEY_PLACES = 4
# Stored as a signed 64-bit integer of ten-thousandths; a trillion leaves ample room.
MONEY_MAX = Decimal("999999999999.9999")


def parse_money(value: str | Decimal | int, field: str = "value") -> Decimal:
    """An exact amount ≥ 0 with at most 4 decimals: '12000', '12,000.50', Decimal, int."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValidationFailed(field, "give an exact amount (text, Decimal or int), not a float")
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "").replace(" ", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationFailed(field, f"'{value[:40]}' is not an amount") from None
    else:
        amount = Decimal(value)
    if not amount.is_finite():
        raise ValidationFailed(field, f"'{value}' is not an amount")
    if amount < 0:
        raise ValidationFailed(field, "must not be negative")
    if amount > MONEY_MAX:
        raise ValidationFailed(field, f"must be at most {MONEY_MAX:,}")
    if amount != amount.quantize(Decimal(1).scaleb(-MONEY_PLACES)):
        raise ValidationFailed(field, f"has more than {MONEY_PLACES} decimals")
    return amount


def to_e4(amount: Decimal) -> int:
    """An amount as the exact integer of ten-thousandths it is stored as."""
    scaled = amount * E4
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more than {MONEY_PLACES} decimals")
    return int(scaled)


def from_e4(stored: int) -> Decimal:
    return Decimal(stored) / E4


def parse_currency(code: str, field: str = "currency") -> str:
    """An ISO 4217 code, upper-cased: 'eur' -> 'EUR'."""
    text = code.strip().upper()
    if not (len(text) == 3 and text.isascii() and text.isalpha()) or (
        pycountry.currencies.get(alpha_3=text) is None
    ):
        raise ValidationFailed(field, f"'{code.strip()[:20]}' is not an ISO 4217 code")
    return text


def format_money(amount: Decimal | None, currency: str | None) -> str:
    """'12,000.00 USD': thousands separators, cents, and decimals beyond them if any."""
    if amount is None:
        return ""
    exponent = amount.normalize().as_tuple().exponent
    places = max(2, -exponent if isinstance(exponent, int) else 0)
    text = f"{amount:,.{min(places, MONEY_PLACES)}f}"
    return f"{text} {currency}" if currency else text
