"""Requests to the hosted Checkout and billing portal pages (the HTML is in ``pages.py``)."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from typing import TYPE_CHECKING, Any

from . import pages
from .common import StripeError
from .consent import terms_required
from .params import parse_params
from .resources.tax import COUNTRIES

if TYPE_CHECKING:
    from .server import Handler


def handle(handler: Handler, path: str) -> None:
    method = handler.command
    if path in ("/", ""):
        handler.send_html(200, pages.index_page(handler.base_url))
        return
    kind, _, obj_id = path.strip("/").partition("/")
    obj_id = urllib.parse.unquote(obj_id)
    if method not in ("GET", "HEAD", "POST"):
        raise StripeError("Method not allowed.", status=405)
    store = handler.store
    with store.lock:
        if kind == "invoice":
            _invoice_page(handler, obj_id, method)
            return
        if kind == "checkout":
            session = store.data["checkout_sessions"].get(obj_id)
            if session is None:
                handler.send_html(
                    404,
                    pages.message_page(
                        "Checkout session not found",
                        "This checkout link is invalid or the session no longer exists.",
                    ),
                )
                return
            if session["status"] == "open" and session["expires_at"] <= store.now():
                store._expire_session(session)
                store.save()
            if method == "POST" and session["status"] == "open":
                _checkout_post(handler, session)
                return
            handler.send_html(200, pages.checkout_page(store, session))
        else:
            bps = store.data["portal_sessions"].get(obj_id)
            if bps is None:
                handler.send_html(
                    404,
                    pages.message_page(
                        "Portal session not found",
                        "This billing portal link is invalid or has expired.",
                    ),
                )
                return
            if method == "POST":
                form = parse_params(handler.read_body())
                try:
                    message = store.portal_action(
                        obj_id,
                        str(form.get("action", "")),
                        str(form.get("subscription", "")),
                        str(form.get("price") or "") or None,
                    )
                except StripeError as err:
                    handler.send_html(400, pages.portal_page(store, bps, error=err.message))
                    return
                after = (bps.get("flow") or {}).get("after_completion") or {}
                if after.get("type") == "redirect":
                    # A deep link's flow is done: back to the site, as Stripe does.
                    target = after["redirect"]["return_url"]
                    handler.send_body(303, b"", "text/plain", {"Location": target})
                    return
                handler.send_html(200, pages.portal_page(store, bps, message=message))
                return
            handler.send_html(200, pages.portal_page(store, bps))


def _invoice_page(handler: Handler, in_id: str, method: str) -> None:
    """The hosted invoice page: an invoice that needs the reader's confirmation, and a button
    that stands for the bank's 3-D Secure check."""
    store = handler.store
    invoice = store.data["invoices"].get(in_id)
    if invoice is None or not invoice.get("hosted_invoice_url"):
        handler.send_html(
            404, pages.message_page("Invoice not found", "This invoice link is invalid.")
        )
        return
    if method == "POST" and invoice["status"] != "paid":
        store.confirm_invoice_payment(in_id)
    handler.send_html(200, pages.invoice_page(store, invoice))


def _checkout_post(handler: Handler, session: dict[str, Any]) -> None:
    store = handler.store
    form = parse_params(handler.read_body())
    values = {
        k: str(form.get(k, "")).strip()
        for k in (
            "email",
            "card_number",
            "card_expiry",
            "card_cvc",
            "card_name",
            "terms_of_service",
            *ADDRESS,
        )
    }
    asks_address = (store.sub_state.get(session["id"], {}).get("tax") or {}).get("collect_address")
    error = _validate_card_form(values, store.now()) or (
        _validate_address(values) if asks_address else None
    )
    if not error and terms_required(session) and values["terms_of_service"] != "accepted":
        error = "Please agree to the terms of service to continue."
    if error:
        handler.send_html(400, pages.checkout_page(store, session, error=error, values=values))
        return
    try:
        store.complete_checkout(
            session["id"],
            values["email"],
            values["card_name"] or None,
            values["card_number"],
            address={
                "country": values["address_country"],
                "line1": values["address_line1"],
                "city": values["address_city"] or None,
                "postal_code": values["address_postal_code"],
            }
            if asks_address
            else None,
        )
    except StripeError as err:
        status = 402 if err.type == "card_error" else 400
        handler.send_html(
            status, pages.checkout_page(store, session, error=err.message, values=values)
        )
        return
    target = session.get("success_url")
    if target:
        target = target.replace("{CHECKOUT_SESSION_ID}", session["id"])
        handler.send_body(303, b"", "text/plain", {"Location": target})
    else:
        handler.send_html(
            200, pages.message_page("Payment complete", "Thanks! Your subscription is active.")
        )


ADDRESS = ("address_country", "address_line1", "address_city", "address_postal_code")


def _validate_address(values: dict[str, str]) -> str | None:
    if values["address_country"] not in COUNTRIES:
        return "Choose your country."
    if not values["address_line1"] or not values["address_postal_code"]:
        return "Enter your billing address: its first line and postal code."
    return None


def _validate_card_form(values: dict[str, str], now: int) -> str | None:
    if not values["email"] or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", values["email"]):
        return "Enter a valid email address."
    if not values["card_number"]:
        return "Your card number is incomplete."
    m = re.fullmatch(r"(\d{1,2})\s*/?\s*(\d{2}|\d{4})", values["card_expiry"])
    if not m:
        return "Your card's expiration date is incomplete. Use MM / YY."
    month, year = int(m.group(1)), int(m.group(2))
    year = year + 2000 if year < 100 else year
    if not 1 <= month <= 12:
        return "Your card's expiration month is invalid."
    today = dt.datetime.fromtimestamp(now, dt.UTC)
    if (year, month) < (today.year, today.month):
        return "Your card's expiration date is in the past."
    if not re.fullmatch(r"\d{3,4}", values["card_cvc"]):
        return "Your card's security code is incomplete."
    return None
