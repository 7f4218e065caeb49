"""State, object templates, simulated clock and billing lifecycle for the Stripe stand-in.

Everything here is plain data (dicts shaped like Stripe's API objects) guarded by one
re-entrant lock.  The HTTP layer (``server.py``) and the hosted pages (``pages.py``) call
into :class:`Store`; the store reports every new event to an ``on_event`` callback, which
the webhook dispatcher uses to queue deliveries.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import json
import os
import secrets
import string
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

API_VERSION = "2026-10-28.endive"
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
TEST_CARDS = {
    CARD_OK: "ok",
    CARD_DECLINE: "decline",
    CARD_FAIL_ON_CHARGE: "fail_on_charge",
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


def _diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    return {k: copy.deepcopy(v) for k, v in old.items() if new.get(k) != v}


def fmt_amount(amount: int | None, currency: str) -> str:
    if amount is None:
        return "—"
    symbol = {"usd": "$", "eur": "€", "gbp": "£"}.get(currency.lower(), "")
    value = f"{amount / 100:,.2f}"
    return f"{symbol}{value}" if symbol else f"{value} {currency.upper()}"


class Store:
    """All stand-in state.  Public methods take the lock; ``_``-methods expect it held."""

    def __init__(self, state_file: str | None = None) -> None:
        self.lock = threading.RLock()
        self.state_file = state_file
        self.on_event: Callable[[dict[str, Any]], None] | None = None
        self.pending_webhooks = lambda: 0
        self._clear()
        if state_file and os.path.exists(state_file):
            self._load()

    # ------------------------------------------------------------------ state
    def _clear(self) -> None:
        self.data: dict[str, dict[str, dict[str, Any]]] = {c: {} for c in COLLECTIONS}
        self.deleted_customers: set[str] = set()
        self.cards: dict[str, dict[str, str]] = {}
        self.sub_state: dict[str, dict[str, Any]] = {}  # internal per-subscription flags
        self.idempotency: dict[str, dict[str, Any]] = {}
        self.clock_offset = 0
        self.portal_configuration = new_id("bpc_")

    def reset(self) -> None:
        with self.lock:
            self._clear()
            self.save()

    def _item_price(self, item: Any, param: str) -> dict:
        """The price a line item or subscription item names, or Stripe's error for it."""
        if not isinstance(item, dict) or not item.get("price"):
            raise StripeError(
                f"Missing required param: {param}[price].",
                code="parameter_missing",
                param=f"{param}[price]",
            )
        price = self.data["prices"].get(str(item["price"]))
        if price is None:
            raise StripeError(
                f"No such price: '{item['price']}'",
                code="resource_missing",
                param=f"{param}[price]",
            )
        return price

    def save(self) -> None:
        if not self.state_file:
            return
        with self.lock:
            state = {
                "version": 1,
                "data": self.data,
                "deleted_customers": sorted(self.deleted_customers),
                "cards": self.cards,
                "sub_state": self.sub_state,
                "clock_offset": self.clock_offset,
                "portal_configuration": self.portal_configuration,
            }
            directory = os.path.dirname(os.path.abspath(self.state_file))
            os.makedirs(directory, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".standin-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(state, fh)
            os.replace(tmp, self.state_file)

    def _load(self) -> None:
        try:
            with open(self.state_file, encoding="utf-8") as fh:  # type: ignore[arg-type]
                state = json.load(fh)
        except (OSError, ValueError):
            return  # unreadable state: start empty rather than crash
        for c in COLLECTIONS:
            self.data[c] = dict(state.get("data", {}).get(c, {}))
        self.deleted_customers = set(state.get("deleted_customers", []))
        self.cards = dict(state.get("cards", {}))
        self.sub_state = dict(state.get("sub_state", {}))
        self.clock_offset = int(state.get("clock_offset", 0))
        self.portal_configuration = state.get("portal_configuration", self.portal_configuration)

    # ------------------------------------------------------------------ clock
    def now(self) -> int:
        return int(time.time()) + self.clock_offset

    # ------------------------------------------------------------------ lookups
    def get(self, collection: str, obj_id: str, param: str = "id") -> dict[str, Any]:
        with self.lock:
            obj = self.data[collection].get(obj_id)
            if obj is None:
                raise missing(obj_id, collection, param)
            return obj

    def find(self, obj_id: str) -> dict[str, Any] | None:
        for prefix, collection in PREFIXES:
            if obj_id.startswith(prefix):
                return self.data[collection].get(obj_id)
        return None

    # ------------------------------------------------------------------ events
    def emit(
        self,
        event_type: str,
        obj: dict[str, Any],
        previous: dict[str, Any] | None = None,
        request: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"object": copy.deepcopy(obj)}
        if previous is not None:
            data["previous_attributes"] = previous
        event = {
            "api_version": API_VERSION,
            "created": self.now(),
            "data": data,
            "id": new_id("evt_"),
            "livemode": False,
            "object": "event",
            "pending_webhooks": self.pending_webhooks(),
            "request": {
                "id": (request or {}).get("id"),
                "idempotency_key": (request or {}).get("idempotency_key"),
            },
            "type": event_type,
        }
        self.data["events"][event["id"]] = event
        if self.on_event:
            self.on_event(copy.deepcopy(event))
        return event

    # ------------------------------------------------------------------ customers
    def create_customer(self, params: dict[str, Any], request=None) -> dict[str, Any]:
        with self.lock:
            cus = {
                "address": None,
                "balance": 0,
                "created": self.now(),
                "currency": None,
                "default_source": None,
                "delinquent": False,
                "description": params.get("description"),
                "discount": None,
                "email": params.get("email") or None,
                "id": new_id("cus_", 14),
                "invoice_prefix": secrets.token_hex(4).upper(),
                "invoice_settings": {
                    "custom_fields": None,
                    "default_payment_method": None,
                    "footer": None,
                    "rendering_options": None,
                },
                "livemode": False,
                "metadata": _metadata({}, params.get("metadata")),
                "name": params.get("name") or None,
                "next_invoice_sequence": 1,
                "object": "customer",
                "phone": params.get("phone") or None,
                "preferred_locales": list(params.get("preferred_locales") or []),
                "shipping": None,
                "tax_exempt": "none",
                "test_clock": None,
            }
            self.data["customers"][cus["id"]] = cus
            self.emit("customer.created", cus, request=request)
            self.save()
            return cus

    def update_customer(self, cus_id: str, params: dict[str, Any], request=None):
        with self.lock:
            cus = self.get("customers", cus_id)
            old = copy.deepcopy(cus)
            for key in ("email", "name", "description", "phone"):
                if key in params:
                    cus[key] = params[key] or None
            if "metadata" in params:
                cus["metadata"] = _metadata(cus["metadata"], params["metadata"])
            prev = _diff(old, cus)
            if prev:
                self.emit("customer.updated", cus, prev, request=request)
            self.save()
            return cus

    def delete_customer(self, cus_id: str, request=None) -> dict[str, Any]:
        with self.lock:
            cus = self.get("customers", cus_id)
            for sub in self.data["subscriptions"].values():
                if sub["customer"] == cus_id and sub["status"] not in ("canceled",):
                    self._cancel_now(sub, request=request, reason="cancellation_requested")
            del self.data["customers"][cus_id]
            self.deleted_customers.add(cus_id)
            self.cards.pop(cus_id, None)
            self.emit("customer.deleted", cus, request=request)
            self.save()
            return {"deleted": True, "id": cus_id, "object": "customer"}

    def set_card(self, cus_id: str, number: str) -> dict[str, str]:
        with self.lock:
            self.get("customers", cus_id, param="customer")
            behaviour = card_behaviour(number)
            if behaviour == "decline":
                raise StripeError(
                    "Your card was declined.",
                    status=402,
                    type="card_error",
                    code="card_declined",
                    decline_code="generic_decline",
                )
            digits = "".join(ch for ch in number if ch.isdigit())
            card = {"last4": digits[-4:], "brand": "visa", "behaviour": behaviour}
            self.cards[cus_id] = card
            self.save()
            return card

    def card_ok(self, cus_id: str) -> bool:
        # Customers created through the API without a card are treated as paying by 4242.
        return self.cards.get(cus_id, {}).get("behaviour", "ok") == "ok"

    # ------------------------------------------------------------------ catalogue
    def create_product(self, params: dict[str, Any], request=None) -> dict[str, Any]:
        with self.lock:
            if not params.get("name"):
                raise StripeError(
                    "Missing required param: name.", code="parameter_missing", param="name"
                )
            prod_id = params.get("id") or new_id("prod_", 14)
            if prod_id in self.data["products"]:
                raise StripeError(
                    f"Product already exists: {prod_id}",
                    code="resource_already_exists",
                    param="id",
                )
            now = self.now()
            prod = {
                "active": _bool(params.get("active", True), "active"),
                "created": now,
                "default_price": None,
                "description": params.get("description") or None,
                "id": prod_id,
                "images": list(params.get("images") or []),
                "livemode": False,
                "marketing_features": [],
                "metadata": _metadata({}, params.get("metadata")),
                "name": params["name"],
                "object": "product",
                "package_dimensions": None,
                "shippable": None,
                "statement_descriptor": None,
                "tax_code": None,
                "unit_label": None,
                "updated": now,
                "url": None,
                "type": "service",
            }
            self.data["products"][prod_id] = prod
            self.emit("product.created", prod, request=request)
            self.save()
            return prod

    def create_price(self, params: dict[str, Any], request=None) -> dict[str, Any]:
        with self.lock:
            currency = params.get("currency")
            if not currency:
                raise StripeError(
                    "Missing required param: currency.", code="parameter_missing", param="currency"
                )
            if "unit_amount" not in params:
                raise StripeError(
                    "Missing required param: unit_amount.",
                    code="parameter_missing",
                    param="unit_amount",
                )
            amount = _int(params["unit_amount"], "unit_amount")
            if amount < 0:
                raise StripeError(
                    "This value must be greater than or equal to 0.",
                    code="parameter_invalid_integer",
                    param="unit_amount",
                )
            recurring = None
            if params.get("recurring"):
                rec = params["recurring"]
                if not isinstance(rec, dict) or rec.get("interval") not in (
                    "day",
                    "week",
                    "month",
                    "year",
                ):
                    raise StripeError(
                        "Invalid recurring[interval]: must be one of day, week, month, or year",
                        param="recurring[interval]",
                    )
                recurring = {
                    "interval": rec["interval"],
                    "interval_count": _int(
                        rec.get("interval_count", 1), "recurring[interval_count]"
                    ),
                    "meter": None,
                    "usage_type": "licensed",
                    "trial_period_days": None,
                }
            if params.get("product"):
                prod = self.get("products", str(params["product"]), param="product")
            elif isinstance(params.get("product_data"), dict):
                prod = self.create_product(params["product_data"], request=request)
            else:
                raise StripeError(
                    "Missing required param: product.", code="parameter_missing", param="product"
                )
            lookup_key = params.get("lookup_key") or None
            if lookup_key:
                holders = [p for p in self.data["prices"].values() if p["lookup_key"] == lookup_key]
                if holders and not _bool(
                    params.get("transfer_lookup_key", False), "transfer_lookup_key"
                ):
                    raise StripeError(
                        f"A price (`{holders[0]['id']}`) already uses that lookup key.",
                        param="lookup_key",
                    )
                for holder in holders:
                    holder["lookup_key"] = None
            price = {
                "active": _bool(params.get("active", True), "active"),
                "billing_scheme": "per_unit",
                "created": self.now(),
                "currency": str(currency).lower(),
                "custom_unit_amount": None,
                "id": new_id("price_"),
                "livemode": False,
                "lookup_key": lookup_key,
                "metadata": _metadata({}, params.get("metadata")),
                "nickname": params.get("nickname") or None,
                "object": "price",
                "product": prod["id"],
                "recurring": recurring,
                "tax_behavior": "unspecified",
                "tiers_mode": None,
                "transform_quantity": None,
                "type": "recurring" if recurring else "one_time",
                "unit_amount": amount,
                "unit_amount_decimal": str(amount),
            }
            self.data["prices"][price["id"]] = price
            self.emit("price.created", price, request=request)
            self.save()
            return price

    def price_label(self, price: dict[str, Any]) -> str:
        label = fmt_amount(price["unit_amount"], price["currency"])
        rec = price.get("recurring")
        if rec:
            n = rec["interval_count"]
            label += f" / {rec['interval']}" if n == 1 else f" every {n} {rec['interval']}s"
        return label

    def product_name(self, price: dict[str, Any]) -> str:
        prod = self.data["products"].get(price["product"])
        return prod["name"] if prod else price["product"]

    # ------------------------------------------------------------------ checkout
    def create_checkout_session(self, params: dict[str, Any], base_url: str, request=None):
        with self.lock:
            mode = params.get("mode")
            if not mode:
                raise StripeError(
                    "Missing required param: mode.", code="parameter_missing", param="mode"
                )
            if mode != "subscription":
                raise StripeError(
                    f"The Stripe stand-in only supports mode=subscription (got {mode!r}).",
                    param="mode",
                )
            raw_items = params.get("line_items")
            if not raw_items:
                raise StripeError(
                    "Missing required param: line_items.",
                    code="parameter_missing",
                    param="line_items",
                )
            if not isinstance(raw_items, list):
                raise StripeError("Invalid array", param="line_items")
            items = []
            for i, li in enumerate(raw_items):
                price = self._item_price(li, f"line_items[{i}]")
                if not price["active"]:
                    raise StripeError(
                        f"The price `{price['id']}` is not active.", param=f"line_items[{i}][price]"
                    )
                if price["type"] != "recurring":
                    raise StripeError(
                        "You must provide at least one recurring price in `subscription` mode "
                        "when using prices.",
                        param=f"line_items[{i}][price]",
                    )
                qty = _int(li.get("quantity", 1), f"line_items[{i}][quantity]")
                if qty < 1:
                    raise StripeError(
                        "Quantity must be at least 1.", param=f"line_items[{i}][quantity]"
                    )
                items.append({"price": price["id"], "quantity": qty})
            customer = params.get("customer") or None
            if customer:
                self.get("customers", str(customer), param="customer")
            if customer and params.get("customer_email"):
                raise StripeError(
                    "You may only specify one of these parameters: customer, customer_email.",
                    param="customer_email",
                )
            sub_data = params.get("subscription_data") or {}
            if not isinstance(sub_data, dict):
                raise StripeError("Invalid object", param="subscription_data")
            trial_days = None
            if sub_data.get("trial_period_days") not in (None, ""):
                trial_days = _int(
                    sub_data["trial_period_days"], "subscription_data[trial_period_days]"
                )
                if trial_days < 1:
                    raise StripeError(
                        "trial_period_days must be at least 1.",
                        param="subscription_data[trial_period_days]",
                    )
            prices = [self.data["prices"][it["price"]] for it in items]
            currencies = {p["currency"] for p in prices}
            if len(currencies) > 1:
                raise StripeError("All prices must use the same currency.", param="line_items")
            subtotal = sum(
                p["unit_amount"] * it["quantity"] for p, it in zip(prices, items, strict=True)
            )
            now = self.now()
            cs_id = new_id("cs_test_", 58)
            session = {
                "after_expiration": None,
                "allow_promotion_codes": (
                    _bool(params["allow_promotion_codes"], "allow_promotion_codes")
                    if "allow_promotion_codes" in params
                    else None
                ),
                "amount_subtotal": subtotal,
                "amount_total": 0 if trial_days else subtotal,
                "automatic_tax": {
                    "enabled": False,
                    "liability": None,
                    "status": None,
                    "provider": None,
                },
                "billing_address_collection": params.get("billing_address_collection"),
                "cancel_url": params.get("cancel_url"),
                "client_reference_id": params.get("client_reference_id") or None,
                "client_secret": None,
                "consent": None,
                "consent_collection": None,
                "created": now,
                "currency": currencies.pop(),
                "custom_fields": [],
                "custom_text": {
                    "after_submit": None,
                    "shipping_address": None,
                    "submit": None,
                    "terms_of_service_acceptance": None,
                },
                "customer": customer,
                "customer_creation": None,
                "customer_details": None,
                "customer_email": params.get("customer_email") or None,
                "expires_at": now + CHECKOUT_LIFETIME,
                "id": cs_id,
                "invoice": None,
                "invoice_creation": None,
                "livemode": False,
                "locale": params.get("locale"),
                "metadata": _metadata({}, params.get("metadata")),
                "mode": "subscription",
                "object": "checkout.session",
                "payment_intent": None,
                "payment_link": None,
                "payment_method_collection": "always",
                "payment_method_configuration_details": None,
                "payment_method_options": {},
                "payment_method_types": ["card"],
                "payment_status": "unpaid",
                "phone_number_collection": {"enabled": False},
                "recovered_from": None,
                "saved_payment_method_options": None,
                "setup_intent": None,
                "shipping_address_collection": None,
                "shipping_cost": None,
                "shipping_options": [],
                "status": "open",
                "submit_type": None,
                "subscription": None,
                "success_url": params.get("success_url"),
                "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
                "ui_mode": "hosted",
                "url": f"{base_url}/checkout/{cs_id}",
                "adaptive_pricing": {"enabled": False},
                "discounts": [],
                "collected_information": None,
                "permissions": None,
                "wallet_options": None,
                "origin_context": None,
                "currency_conversion": None,
                "customer_account": None,
                "integration_identifier": None,
                "managed_payments": {"enabled": False},
            }
            self.data["checkout_sessions"][cs_id] = session
            self.sub_state[cs_id] = {
                "line_items": [
                    {"id": new_id("li_"), "price": it["price"], "quantity": it["quantity"]}
                    for it in items
                ],
                "trial_period_days": trial_days,
                "subscription_metadata": _metadata({}, sub_data.get("metadata")),
            }
            self.save()
            return session

    def checkout_line_items(self, cs_id: str, base: str = "") -> dict[str, Any]:
        session = self.get("checkout_sessions", cs_id)
        rows = []
        for li in self.sub_state.get(cs_id, {}).get("line_items", []):
            price = self.data["prices"][li["price"]]
            amount = price["unit_amount"] * li["quantity"]
            rows.append(
                {
                    "amount_discount": 0,
                    "amount_subtotal": amount,
                    "amount_tax": 0,
                    "amount_total": amount,
                    "currency": price["currency"],
                    "description": self.product_name(price),
                    "id": li["id"],
                    "object": "item",
                    "price": copy.deepcopy(price),
                    "quantity": li["quantity"],
                    "metadata": {},
                    "adjustable_quantity": None,
                }
            )
        return {
            "object": "list",
            "data": rows,
            "has_more": False,
            "url": f"/v1/checkout/sessions/{session['id']}/line_items",
        }

    def expire_checkout_session(self, cs_id: str, request=None) -> dict[str, Any]:
        with self.lock:
            session = self.get("checkout_sessions", cs_id)
            if session["status"] != "open":
                raise StripeError(
                    'Only Checkout Sessions with a status in ["open"] can be expired.',
                    param="session",
                )
            self._expire_session(session, request)
            self.save()
            return session

    def _expire_session(self, session: dict[str, Any], request=None) -> None:
        session["status"] = "expired"
        session["url"] = None
        self.emit("checkout.session.expired", session, request=request)

    def complete_checkout(self, cs_id: str, email: str, name: str | None, card_number: str):
        """Pay a checkout session with a test card.  Raises StripeError on failure."""
        with self.lock:
            session = self.get("checkout_sessions", cs_id)
            if session["status"] != "open":
                raise StripeError(f"This Checkout Session is {session['status']}.")
            behaviour = card_behaviour(card_number)
            state = self.sub_state[cs_id]
            trial_days = state.get("trial_period_days")
            if behaviour == "decline" or (
                behaviour == "fail_on_charge"
                and not trial_days
                and (session["amount_total"] or 0) > 0
            ):
                raise StripeError(
                    "Your card was declined.",
                    status=402,
                    type="card_error",
                    code="card_declined",
                    decline_code="generic_decline",
                )
            cus_id = session["customer"]
            if cus_id:
                cus = self.get("customers", cus_id, param="customer")
            else:
                cus = self.create_customer({"email": email, "name": name})
                cus_id = cus["id"]
            digits = "".join(ch for ch in card_number if ch.isdigit())
            self.cards[cus_id] = {"last4": digits[-4:], "brand": "visa", "behaviour": behaviour}
            sub, invoice = self._create_subscription(
                cus,
                [{"price": li["price"], "quantity": li["quantity"]} for li in state["line_items"]],
                metadata=state.get("subscription_metadata") or {},
                trial_days=trial_days,
                force_paid=True,
            )
            session.update(
                {
                    "status": "complete",
                    "payment_status": "paid",
                    "subscription": sub["id"],
                    "customer": cus_id,
                    "invoice": invoice["id"],
                    "url": None,
                    "customer_details": {
                        "address": None,
                        "email": email or cus["email"],
                        "name": name or cus["name"],
                        "phone": None,
                        "tax_exempt": "none",
                        "tax_ids": [],
                        "business_name": None,
                        "individual_name": None,
                    },
                    "collected_information": {
                        "business_name": None,
                        "individual_name": None,
                        "shipping_details": None,
                    },
                }
            )
            self.emit("checkout.session.completed", session)
            self.save()
            return session

    # ------------------------------------------------------------------ subscriptions
    def _item(self, sub_id: str, price: dict[str, Any], quantity: int, start: int, end: int):
        return {
            "created": self.now(),
            "discounts": [],
            "id": new_id("si_", 14),
            "metadata": {},
            "object": "subscription_item",
            "price": copy.deepcopy(price),
            "quantity": quantity,
            "subscription": sub_id,
            "tax_rates": [],
            "plan": _plan(price),
            "current_period_end": end,
            "current_period_start": start,
            "billing_thresholds": None,
        }

    def create_subscription(self, params: dict[str, Any], request=None) -> dict[str, Any]:
        with self.lock:
            cus_id = params.get("customer")
            if not cus_id:
                raise StripeError(
                    "Missing required param: customer.", code="parameter_missing", param="customer"
                )
            cus = self.get("customers", str(cus_id), param="customer")
            raw = params.get("items")
            if not raw or not isinstance(raw, list):
                raise StripeError(
                    "Missing required param: items.", code="parameter_missing", param="items"
                )
            items = []
            for i, it in enumerate(raw):
                price = self._item_price(it, f"items[{i}]")
                if price["type"] != "recurring":
                    raise StripeError(
                        "The price specified is not recurring.", param=f"items[{i}][price]"
                    )
                items.append(
                    {
                        "price": price["id"],
                        "quantity": _int(it.get("quantity", 1), f"items[{i}][quantity]"),
                    }
                )
            trial_days = None
            if params.get("trial_period_days") not in (None, ""):
                trial_days = _int(params["trial_period_days"], "trial_period_days")
            sub, _ = self._create_subscription(
                cus,
                items,
                metadata=_metadata({}, params.get("metadata")),
                trial_days=trial_days,
                force_paid=False,
                request=request,
            )
            self.save()
            return sub

    def _create_subscription(self, cus, items, *, metadata, trial_days, force_paid, request=None):
        now = self.now()
        sub_id = new_id("sub_")
        first_price = self.data["prices"][items[0]["price"]]
        rec = first_price["recurring"]
        if trial_days:
            start, end = now, now + trial_days * DAY
        else:
            start, end = now, add_interval(now, rec["interval"], rec["interval_count"])
        sub = {
            "application": None,
            "application_fee_percent": None,
            "automatic_tax": {"enabled": False, "liability": None, "disabled_reason": None},
            "billing_cycle_anchor": end if trial_days else now,
            "billing_cycle_anchor_config": None,
            "cancel_at": None,
            "canceled_at": None,
            "cancellation_details": {"comment": None, "feedback": None, "reason": None},
            "collection_method": "charge_automatically",
            "created": now,
            "currency": first_price["currency"],
            "customer": cus["id"],
            "days_until_due": None,
            "default_payment_method": None,
            "default_source": None,
            "default_tax_rates": [],
            "description": None,
            "discounts": [],
            "ended_at": None,
            "id": sub_id,
            "invoice_settings": {
                "account_tax_ids": None,
                "issuer": {"type": "self"},
                "custom_fields": None,
                "description": None,
                "footer": None,
            },
            "items": {
                "data": [
                    self._item(sub_id, self.data["prices"][it["price"]], it["quantity"], start, end)
                    for it in items
                ],
                "has_more": False,
                "object": "list",
                "url": f"/v1/subscription_items?subscription={sub_id}",
            },
            "latest_invoice": None,
            "livemode": False,
            "metadata": dict(metadata),
            "next_pending_invoice_item_invoice": None,
            "object": "subscription",
            "on_behalf_of": None,
            "pause_collection": None,
            "payment_settings": {
                "payment_method_options": None,
                "payment_method_types": None,
                "save_default_payment_method": "off",
            },
            "pending_invoice_item_interval": None,
            "pending_setup_intent": None,
            "pending_update": None,
            "schedule": None,
            "start_date": now,
            "status": "trialing" if trial_days else "active",
            "test_clock": None,
            "transfer_data": None,
            "trial_end": end if trial_days else None,
            "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
            "trial_start": now if trial_days else None,
            "cancel_at_period_end": False,
            "billing_thresholds": None,
            "billing_mode": {"type": "classic", "flexible": None},
            "customer_account": None,
            "managed_payments": {"enabled": False},
            "billing_schedules": [],
        }
        paid = force_paid or trial_days or self.card_ok(cus["id"])
        invoice = self._invoice(
            sub, "subscription_create", zero=bool(trial_days), period=(start, end)
        )
        self.data["subscriptions"][sub_id] = sub
        self.sub_state[sub_id] = {"trial_will_end_sent": False, "past_due_since": None}
        if cus["currency"] is None:
            cus["currency"] = sub["currency"]
        if not paid:
            sub["status"] = "incomplete"
        sub["latest_invoice"] = invoice["id"]
        self.emit("customer.subscription.created", sub, request=request)
        if paid:
            self._mark_paid(invoice)
            self.emit("invoice.paid", invoice, request=request)
        else:
            self._mark_failed(invoice)
            self.emit("invoice.payment_failed", invoice, request=request)
        return sub, invoice

    def _invoice(
        self,
        sub,
        billing_reason: str,
        *,
        zero: bool,
        period: tuple[int, int],
        invoice_period: tuple[int, int] | None = None,
    ) -> dict[str, Any]:
        now = self.now()
        cus = self.data["customers"].get(sub["customer"]) or {}
        in_id = new_id("in_")
        lines = []
        for item in sub["items"]["data"]:
            price = item["price"]
            amount = 0 if zero else price["unit_amount"] * item["quantity"]
            desc = f"{item['quantity']} × {self.product_name(price)}"
            desc += " (Trial period)" if zero else f" (at {self.price_label(price)})"
            lines.append(
                {
                    "amount": amount,
                    "currency": price["currency"],
                    "description": desc,
                    "discount_amounts": [],
                    "discountable": True,
                    "discounts": [],
                    "id": new_id("il_"),
                    "invoice": in_id,
                    "livemode": False,
                    "metadata": {},
                    "object": "line_item",
                    "period": {"end": period[1], "start": period[0]},
                    "quantity": item["quantity"],
                    "subscription": sub["id"],
                    "pretax_credit_amounts": [],
                    "taxes": [],
                    "parent": {
                        "invoice_item_details": None,
                        "subscription_item_details": {
                            "invoice_item": None,
                            "proration": False,
                            "proration_details": {"credited_items": None},
                            "subscription": sub["id"],
                            "subscription_item": item["id"],
                        },
                        "type": "subscription_item_details",
                    },
                    "pricing": {
                        "price_details": {"price": price["id"], "product": price["product"]},
                        "type": "price_details",
                        "unit_amount_decimal": price["unit_amount_decimal"],
                    },
                    "subtotal": amount,
                    "quantity_decimal": str(item["quantity"]),
                }
            )
        total = sum(line["amount"] for line in lines)
        seq = cus.get("next_invoice_sequence", 1)
        if cus:
            cus["next_invoice_sequence"] = seq + 1
        inv_period = invoice_period or (now, now)
        invoice = {
            "account_country": "US",
            "account_name": "Newsroom (Stripe stand-in)",
            "account_tax_ids": None,
            "amount_due": total,
            "amount_paid": 0,
            "amount_remaining": total,
            "amount_shipping": 0,
            "application": None,
            "attempt_count": 0,
            "attempted": False,
            "auto_advance": True,
            "automatic_tax": {
                "enabled": False,
                "liability": None,
                "status": None,
                "disabled_reason": None,
                "provider": None,
            },
            "billing_reason": billing_reason,
            "collection_method": "charge_automatically",
            "created": now,
            "currency": sub["currency"],
            "custom_fields": None,
            "customer": sub["customer"],
            "customer_address": None,
            "customer_email": cus.get("email"),
            "customer_name": cus.get("name"),
            "customer_phone": cus.get("phone"),
            "customer_shipping": None,
            "customer_tax_exempt": "none",
            "customer_tax_ids": [],
            "default_payment_method": None,
            "default_source": None,
            "default_tax_rates": [],
            "description": None,
            "discounts": [],
            "due_date": None,
            "effective_at": now,
            "ending_balance": 0,
            "footer": None,
            "from_invoice": None,
            "hosted_invoice_url": None,
            "id": in_id,
            "invoice_pdf": None,
            "issuer": {"type": "self"},
            "last_finalization_error": None,
            "latest_revision": None,
            "lines": {
                "data": lines,
                "has_more": False,
                "object": "list",
                "url": f"/v1/invoices/{in_id}/lines",
            },
            "livemode": False,
            "metadata": {},
            "next_payment_attempt": None,
            "number": f"{cus.get('invoice_prefix', 'STANDIN')}-{seq:04d}",
            "object": "invoice",
            "on_behalf_of": None,
            "payment_settings": {
                "default_mandate": None,
                "payment_method_options": None,
                "payment_method_types": None,
            },
            "period_end": inv_period[1],
            "period_start": inv_period[0],
            "post_payment_credit_notes_amount": 0,
            "pre_payment_credit_notes_amount": 0,
            "receipt_number": None,
            "rendering": None,
            "shipping_cost": None,
            "shipping_details": None,
            "starting_balance": 0,
            "statement_descriptor": None,
            "status": "open",
            "status_transitions": {
                "finalized_at": now,
                "marked_uncollectible_at": None,
                "paid_at": None,
                "voided_at": None,
            },
            # Present in Stripe's published fixture but no longer populated since
            # 2025-03-31.basil: use parent.subscription_details.subscription.
            "subscription": None,
            "subtotal": total,
            "subtotal_excluding_tax": total,
            "test_clock": None,
            "total": total,
            "total_discount_amounts": [],
            "total_excluding_tax": total,
            "webhooks_delivered_at": now,
            "automatically_finalizes_at": None,
            "total_pretax_credit_amounts": [],
            "total_taxes": [],
            "amount_overpaid": 0,
            "parent": {
                "quote_details": None,
                "subscription_details": {
                    "metadata": dict(sub["metadata"]),
                    "subscription": sub["id"],
                },
                "type": "subscription_details",
            },
            "customer_account": None,
        }
        self.data["invoices"][in_id] = invoice
        return invoice

    def _mark_paid(self, invoice: dict[str, Any]) -> None:
        now = self.now()
        invoice.update(
            {
                "amount_paid": invoice["amount_due"],
                "amount_remaining": 0,
                "attempt_count": invoice["attempt_count"] + (1 if invoice["amount_due"] else 0),
                "attempted": True,
                "auto_advance": False,
                "next_payment_attempt": None,
                "status": "paid",
            }
        )
        invoice["status_transitions"]["paid_at"] = now

    def _mark_failed(self, invoice: dict[str, Any]) -> None:
        invoice.update(
            {
                "attempt_count": invoice["attempt_count"] + 1,
                "attempted": True,
                "next_payment_attempt": self.now() + 3 * DAY,
            }
        )

    def update_subscription(self, sub_id: str, params: dict[str, Any], request=None):
        with self.lock:
            sub = self.get("subscriptions", sub_id)
            if sub["status"] == "canceled" and set(params) - {
                "metadata",
                "cancellation_details",
                "expand",
            }:
                raise StripeError(
                    "A canceled subscription can only update its cancellation_details and metadata."
                )
            old = copy.deepcopy(sub)
            if "cancel_at_period_end" in params:
                flag = _bool(params["cancel_at_period_end"], "cancel_at_period_end")
                self._set_cancel_at_period_end(sub, flag)
            if params.get("items"):
                if not isinstance(params["items"], list):
                    raise StripeError("Invalid array", param="items")
                for i, it in enumerate(params["items"]):
                    if not isinstance(it, dict):
                        raise StripeError("Invalid object", param=f"items[{i}]")
                    self._switch_item(
                        sub, it.get("id"), it.get("price"), it.get("quantity"), f"items[{i}]"
                    )
            if "metadata" in params:
                sub["metadata"] = _metadata(sub["metadata"], params["metadata"])
            if "cancellation_details" in params and isinstance(
                params["cancellation_details"], dict
            ):
                for key in ("comment", "feedback"):
                    if key in params["cancellation_details"]:
                        sub["cancellation_details"][key] = (
                            params["cancellation_details"][key] or None
                        )
            prev = _diff(old, sub)
            if prev:
                self.emit("customer.subscription.updated", sub, prev, request=request)
            self.save()
            return sub

    def _set_cancel_at_period_end(self, sub: dict[str, Any], flag: bool) -> None:
        if flag:
            sub["cancel_at_period_end"] = True
            sub["cancel_at"] = sub["items"]["data"][0]["current_period_end"]
            sub["canceled_at"] = self.now()
            sub["cancellation_details"]["reason"] = "cancellation_requested"
        else:
            sub["cancel_at_period_end"] = False
            sub["cancel_at"] = None
            sub["canceled_at"] = None
            sub["cancellation_details"]["reason"] = None

    def _switch_item(self, sub, item_id, price_id, quantity, param: str) -> None:
        items = sub["items"]["data"]
        if item_id:
            matches = [it for it in items if it["id"] == item_id]
            if not matches:
                raise StripeError(
                    f"No such subscription item: '{item_id}'",
                    code="resource_missing",
                    param=f"{param}[id]",
                )
            item = matches[0]
        elif len(items) == 1 and price_id:
            # Stripe would add a second item here; the stand-in's subscriptions are
            # single-item, so treat it as a switch of the only item.
            item = items[0]
        else:
            raise StripeError(
                "Missing required param: id.", code="parameter_missing", param=f"{param}[id]"
            )
        if price_id:
            price = self.data["prices"].get(str(price_id))
            if price is None:
                raise StripeError(
                    f"No such price: '{price_id}'", code="resource_missing", param=f"{param}[price]"
                )
            if price["type"] != "recurring" or not price["active"]:
                raise StripeError(
                    "The price must be an active recurring price.", param=f"{param}[price]"
                )
            if price["currency"] != sub["currency"]:
                raise StripeError(
                    "Cannot switch a subscription to a price in another currency.",
                    param=f"{param}[price]",
                )
            item["price"] = copy.deepcopy(price)
            item["plan"] = _plan(price)
        if quantity not in (None, ""):
            item["quantity"] = _int(quantity, f"{param}[quantity]")

    def cancel_subscription(self, sub_id: str, request=None) -> dict[str, Any]:
        with self.lock:
            sub = self.get("subscriptions", sub_id)
            if sub["status"] == "canceled":
                raise StripeError(
                    f"No such subscription: '{sub_id}'; a similar object exists but it has "
                    "been canceled.",
                    status=404,
                    code="resource_missing",
                    param="id",
                )
            self._cancel_now(sub, request=request, reason="cancellation_requested")
            self.save()
            return sub

    def _cancel_now(self, sub, *, request=None, reason: str, at: int | None = None) -> None:
        at = at or self.now()
        sub["status"] = "canceled"
        sub["ended_at"] = at
        sub["canceled_at"] = sub["canceled_at"] or at
        sub["cancellation_details"]["reason"] = sub["cancellation_details"]["reason"] or reason
        self.emit("customer.subscription.deleted", sub, request=request)

    def portal_action(self, bps_id: str, action: str, sub_id: str, price_id: str | None) -> str:
        """Apply a billing-portal form action; returns a confirmation message."""
        with self.lock:
            bps = self.get("portal_sessions", bps_id)
            sub = self.data["subscriptions"].get(sub_id)
            if sub is None or sub["customer"] != bps["customer"]:
                raise StripeError("That subscription does not belong to this customer.")
            if sub["status"] == "canceled":
                raise StripeError("This subscription is already canceled.")
            old = copy.deepcopy(sub)
            if action == "switch":
                if not price_id:
                    raise StripeError("Choose a plan to switch to.")
                self._switch_item(sub, sub["items"]["data"][0]["id"], price_id, None, "price")
                message = f"Your plan was changed to {self.product_name(sub['items']['data'][0]['price'])}."  # noqa: E501
            elif action == "cancel_at_period_end":
                self._set_cancel_at_period_end(sub, True)
                end = sub["items"]["data"][0]["current_period_end"]
                message = f"Your subscription will be canceled on {fmt_date(end)}."
            elif action == "resume":
                self._set_cancel_at_period_end(sub, False)
                message = "Your subscription was renewed; it will no longer be canceled."
            elif action == "cancel_now":
                self._cancel_now(sub, reason="cancellation_requested")
                self.save()
                return "Your subscription was canceled."
            else:
                raise StripeError("Unknown action.")
            prev = _diff(old, sub)
            if prev:
                self.emit("customer.subscription.updated", sub, prev)
            self.save()
            return message

    # ------------------------------------------------------------------ portal
    def create_portal_session(self, params: dict[str, Any], base_url: str, request=None):
        with self.lock:
            cus_id = params.get("customer")
            if not cus_id:
                raise StripeError(
                    "Missing required param: customer.", code="parameter_missing", param="customer"
                )
            self.get("customers", str(cus_id), param="customer")
            bps_id = new_id("bps_")
            bps = {
                "configuration": params.get("configuration") or self.portal_configuration,
                "created": self.now(),
                "customer": cus_id,
                "flow": None,
                "id": bps_id,
                "livemode": False,
                "locale": params.get("locale"),
                "object": "billing_portal.session",
                "on_behalf_of": None,
                "return_url": params.get("return_url"),
                "url": f"{base_url}/portal/{bps_id}",
                "customer_account": None,
            }
            self.data["portal_sessions"][bps_id] = bps
            self.save()
            return bps

    # ------------------------------------------------------------------ clock + lifecycle
    def advance(self, seconds: int) -> dict[str, Any]:
        """Move the simulated clock forward and run every billing transition that is due."""
        if seconds < 0:
            raise StripeError("The clock can only move forward.", param="seconds")
        with self.lock:
            before = len(self.data["events"])
            target = self.now() + seconds
            # Step through due transitions in chronological order, so that e.g. an advance
            # of two months renews twice and each event carries a plausible timestamp.
            for _ in range(10000):
                due = self._next_transition(target)
                if due is None:
                    break
                when, fn = due
                self.clock_offset = max(self.clock_offset, when - int(time.time()))
                fn()
            self.clock_offset = target - int(time.time())
            self.save()
            new_events = list(self.data["events"])[before:]
            return {"now": self.now(), "offset": self.clock_offset, "events": new_events}

    def _next_transition(self, target: int):
        best = None

        def consider(when, fn):
            nonlocal best
            if when <= target and (best is None or when < best[0]):
                best = (when, fn)

        for session in self.data["checkout_sessions"].values():
            if session["status"] == "open":
                consider(session["expires_at"], lambda s=session: self._expire_session(s))
        for sub in self.data["subscriptions"].values():
            status = sub["status"]
            end = sub["items"]["data"][0]["current_period_end"]
            st = self.sub_state.setdefault(
                sub["id"], {"trial_will_end_sent": False, "past_due_since": None}
            )
            if status == "trialing":
                if not st.get("trial_will_end_sent") and sub["trial_end"]:
                    consider(
                        sub["trial_end"] - TRIAL_WILL_END_DAYS * DAY,
                        lambda s=sub: self._trial_will_end(s),
                    )
                consider(end, lambda s=sub: self._period_end(s))
            elif status in ("active", "past_due"):
                if status == "past_due" and st.get("past_due_since"):
                    consider(
                        st["past_due_since"] + PAST_DUE_GRACE_DAYS * DAY,
                        lambda s=sub: self._mark_unpaid(s),
                    )
                consider(end, lambda s=sub: self._period_end(s))
        return best

    def _trial_will_end(self, sub) -> None:
        self.sub_state[sub["id"]]["trial_will_end_sent"] = True
        self.emit("customer.subscription.trial_will_end", sub)

    def _mark_unpaid(self, sub) -> None:
        old = copy.deepcopy(sub)
        sub["status"] = "unpaid"
        self.sub_state[sub["id"]]["past_due_since"] = None
        self.emit("customer.subscription.updated", sub, _diff(old, sub))

    def _period_end(self, sub) -> None:
        items = sub["items"]["data"]
        start, end = items[0]["current_period_start"], items[0]["current_period_end"]
        if sub["cancel_at_period_end"]:
            self._cancel_now(sub, reason="cancellation_requested", at=end)
            return
        old = copy.deepcopy(sub)
        rec = items[0]["price"]["recurring"]
        anchor = sub["billing_cycle_anchor"]
        new_end = add_interval(end, rec["interval"], rec["interval_count"], anchor=anchor)
        for item in items:
            item["current_period_start"] = end
            item["current_period_end"] = new_end
        was_trial = sub["status"] == "trialing"
        invoice = self._invoice(
            sub,
            "subscription_cycle",
            zero=False,
            period=(end, new_end),
            invoice_period=(start, end),
        )
        sub["latest_invoice"] = invoice["id"]
        if self.card_ok(sub["customer"]) or invoice["amount_due"] == 0:
            self._mark_paid(invoice)
            sub["status"] = "active"
            self.sub_state[sub["id"]]["past_due_since"] = None
            self.emit("invoice.paid", invoice)
        else:
            self._mark_failed(invoice)
            if sub["status"] != "past_due" or was_trial:
                self.sub_state[sub["id"]]["past_due_since"] = end
            sub["status"] = "past_due"
            self.emit("invoice.payment_failed", invoice)
        self.emit("customer.subscription.updated", sub, _diff(old, sub))


def fmt_date(ts: int | None) -> str:
    if not ts:
        return "—"
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%d %b %Y")


def _plan(price: dict[str, Any]) -> dict[str, Any]:
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


def _metadata(current: dict[str, Any], update: Any) -> dict[str, str]:
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


def _int(value: Any, param: str) -> int:
    try:
        if isinstance(value, bool):
            raise ValueError
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise StripeError(
            f"Invalid integer: {value}", code="parameter_invalid_integer", param=param
        ) from None


def _bool(value: Any, param: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0", ""):
        return False
    raise StripeError(f"Invalid boolean: {value}", param=param)
