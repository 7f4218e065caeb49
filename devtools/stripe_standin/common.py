"""Constants, errors and small helpers shared by every part of the Stripe stand-in."""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import secrets
import string
from typing import Any

from newsroom.stripe_defaults import API_VERSION, STANDIN_PORT  # noqa: F401 - re-exported

DOC_BASE = "https://stripe.com/docs/error-codes/"
DAY = 86400
PAST_DUE_GRACE_DAYS = 7
TRIAL_WILL_END_DAYS = 3
CHECKOUT_LIFETIME = DAY

_ALPHABET = string.ascii_letters + string.digits

# Test cards understood by the stand-in: number -> behaviour.
CARD_OK = "4242424242424242"
CARD_DECLINE = "4000000000000002"
CARD_FAIL_ON_CHARGE = "4000000000000341"
# Stripe's "authentication required" card: Checkout authenticates it on the page; each renewal
# then needs the reader to confirm the payment on the hosted invoice page.
CARD_AUTHENTICATE = "4000002760003184"
TEST_CARDS = {
    CARD_OK: "ok",
    CARD_DECLINE: "decline",
    CARD_FAIL_ON_CHARGE: "fail_on_charge",
    CARD_AUTHENTICATE: "authenticate",
}

COLLECTIONS = (
    "customers",
    "products",
    "prices",
    "checkout_sessions",
    "subscriptions",
    "invoices",
    "portal_sessions",
    "events",
    "payment_intents",
    "charges",
    "invoice_payments",
    "refunds",
    "coupons",
    "promotion_codes",
    "discounts",
    "tax_rates",
)

# id prefix -> collection, used by ``expand``.
PREFIXES = (
    ("cus_", "customers"),
    ("prod_", "products"),
    ("price_", "prices"),
    ("cs_", "checkout_sessions"),
    ("sub_", "subscriptions"),
    ("in_", "invoices"),
    ("bps_", "portal_sessions"),
    ("evt_", "events"),
    ("pi_", "payment_intents"),
    ("ch_", "charges"),
    ("inpay_", "invoice_payments"),
    ("re_", "refunds"),
    ("promo_", "promotion_codes"),
    ("di_", "discounts"),
    ("txr_", "tax_rates"),
)

OBJECT_NAMES = {
    "customers": "customer",
    "products": "product",
    "prices": "price",
    "checkout_sessions": "checkout session",
    "subscriptions": "subscription",
    "invoices": "invoice",
    "portal_sessions": "billing portal session",
    "events": "event",
    "payment_intents": "payment_intent",
    "charges": "charge",
    "invoice_payments": "invoice payment",
    "refunds": "refund",
    "coupons": "coupon",
    "promotion_codes": "promotion code",
    "discounts": "discount",
    "tax_rates": "tax rate",
}


class StripeError(Exception):
    """An error rendered as Stripe's ``{"error": {...}}`` body."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        type: str = "invalid_request_error",  # noqa: A002 - mirrors Stripe's field name
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.type = type
        self.code = code
        self.param = param
        self.decline_code = decline_code

    def body(self) -> dict[str, Any]:
        err: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.code:
            err["code"] = self.code
            err["doc_url"] = DOC_BASE + self.code.replace("_", "-")
        if self.param:
            err["param"] = self.param
        if self.decline_code:
            err["decline_code"] = self.decline_code
        return {"error": err}


def missing(name: str, collection: str, param: str = "id") -> StripeError:
    return StripeError(
        f"No such {OBJECT_NAMES.get(collection, collection)}: '{name}'",
        status=404,
        code="resource_missing",
        param=param,
    )


def new_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


def card_behaviour(number: str) -> str:
    """Classify a card number: ``ok``/``decline``/``fail_on_charge``; raise on junk."""
    digits = "".join(ch for ch in str(number) if not ch.isspace() and ch != "-")
    if not digits:
        raise StripeError("Your card number is incomplete.", code="incomplete_number")
    if not digits.isdigit() or not 12 <= len(digits) <= 19 or not _luhn_ok(digits):
        raise StripeError(
            "Your card number is invalid.", status=402, type="card_error", code="invalid_number"
        )
    if digits not in TEST_CARDS:
        raise StripeError(
            "Your card was declined. This is a test environment: use a Stripe test card such as "
            "4242 4242 4242 4242.",
            status=402,
            type="card_error",
            code="card_declined",
            decline_code="test_mode_live_card",
        )
    return TEST_CARDS[digits]


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def add_interval(ts: int, interval: str, count: int, anchor: int | None = None) -> int:
    """Add ``count`` intervals to a unix timestamp (months clamp to the month's last day)."""
    if interval == "day":
        return ts + count * DAY
    if interval == "week":
        return ts + count * 7 * DAY
    d = dt.datetime.fromtimestamp(ts, dt.UTC)
    months = count * (12 if interval == "year" else 1)
    month_index = d.month - 1 + months
    year, month = d.year + month_index // 12, month_index % 12 + 1
    want_day = dt.datetime.fromtimestamp(anchor, dt.UTC).day if anchor else d.day
    day = min(want_day, calendar.monthrange(year, month)[1])
    return int(d.replace(year=year, month=month, day=day).timestamp())


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    return {k: copy.deepcopy(v) for k, v in old.items() if new.get(k) != v}


def fmt_amount(amount: int | None, currency: str) -> str:
    if amount is None:
        return "—"
    symbol = {"usd": "$", "eur": "€", "gbp": "£"}.get(currency.lower(), "")
    value = f"{amount / 100:,.2f}"
    return f"{symbol}{value}" if symbol else f"{value} {currency.upper()}"


def fmt_date(ts: int | None) -> str:
    if not ts:
        return "—"
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%d %b %Y")


def plan_of(price: dict[str, Any]) -> dict[str, Any]:
    rec = price.get("recurring") or {}
    return {
        "active": price["active"],
        "amount": price["unit_amount"],
        "amount_decimal": price["unit_amount_decimal"],
        "billing_scheme": "per_unit",
        "created": price["created"],
        "currency": price["currency"],
        "id": price["id"],
        "interval": rec.get("interval"),
        "interval_count": rec.get("interval_count"),
        "livemode": False,
        "metadata": dict(price["metadata"]),
        "meter": None,
        "nickname": price["nickname"],
        "object": "plan",
        "product": price["product"],
        "tiers_mode": None,
        "transform_usage": None,
        "trial_period_days": None,
        "usage_type": "licensed",
    }


def merge_metadata(current: dict[str, Any], update: Any) -> dict[str, str]:
    """Merge metadata as Stripe does: '' unsets a key, an empty string for the whole
    parameter clears it."""
    result = dict(current)
    if update in (None,):
        return result
    if update == "":
        return {}
    if not isinstance(update, dict):
        raise StripeError("Invalid object", param="metadata")
    for key, value in update.items():
        if value in ("", None):
            result.pop(key, None)
        elif isinstance(value, (dict, list)):
            raise StripeError(
                "Invalid value: metadata values must be strings.", param=f"metadata[{key}]"
            )
        else:
            result[str(key)] = str(value)
    return result


def to_int(value: Any, param: str) -> int:
    try:
        if isinstance(value, bool):
            raise ValueError
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise StripeError(
            f"Invalid integer: {value}", code="parameter_invalid_integer", param=param
        ) from None


def to_bool(value: Any, param: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0", ""):
        return False
    raise StripeError(f"Invalid boolean: {value}", param=param)
