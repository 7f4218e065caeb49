"""Checkout Sessions: created by the API, paid on the hosted page.

Longer than 400 lines on purpose: one Stripe resource, both of its modes (subscription and
one-time payment) and its routes, kept together as every other resource module is.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ..common import (
    CHECKOUT_LIFETIME,
    StripeError,
    card_behaviour,
    merge_metadata,
    new_id,
    to_bool,
    to_int,
)
from ..consent import consent_collection, custom_text
from ..routing import Request, Route
from ..state import StoreState
from .tax import empty_address

if TYPE_CHECKING:
    from ..server import Handler


class CheckoutStore(StoreState):
    def create_checkout_session(self, params: dict[str, Any], base_url: str, request=None):
        with self.lock:
            mode = params.get("mode")
            if not mode:
                raise StripeError(
                    "Missing required param: mode.", code="parameter_missing", param="mode"
                )
            if mode not in ("subscription", "payment"):
                raise StripeError(
                    "The Stripe stand-in only supports mode=subscription and mode=payment "
                    f"(got {mode!r}).",
                    param="mode",
                )
            if mode == "payment" and params.get("subscription_data"):
                raise StripeError(
                    "You can not pass `subscription_data` in `payment` mode.",
                    param="subscription_data",
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
                if isinstance(li, dict) and li.get("price_data") and not li.get("price"):
                    price = self._inline_price(li["price_data"], f"line_items[{i}][price_data]")
                else:
                    price = self._item_price(li, f"line_items[{i}]")
                    if not price["active"]:
                        raise StripeError(
                            f"The price `{price['id']}` is not active.",
                            param=f"line_items[{i}][price]",
                        )
                if mode == "payment" and price["type"] == "recurring":
                    raise StripeError(
                        "You specified `payment` mode but passed a recurring price. Either "
                        "switch to `subscription` mode or use only one-time prices.",
                        param=f"line_items[{i}]",
                    )
                if mode == "subscription" and price["type"] != "recurring":
                    raise StripeError(
                        "You must provide at least one recurring price in `subscription` mode "
                        "when using prices.",
                        param=f"line_items[{i}][price]",
                    )
                qty = to_int(li.get("quantity", 1), f"line_items[{i}][quantity]")
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
                trial_days = to_int(
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
            discount, amount_discount = self._checkout_discount(params, customer, prices, subtotal)
            consent = consent_collection(params)
            text = custom_text(params, consent)
            tax = self._checkout_tax_params(params, customer)
            now = self.now()
            cs_id = new_id("cs_test_", 58)
            session = {
                "after_expiration": None,
                "allow_promotion_codes": (
                    to_bool(params["allow_promotion_codes"], "allow_promotion_codes")
                    if "allow_promotion_codes" in params
                    else None
                ),
                "amount_subtotal": subtotal,
                "amount_total": 0 if trial_days else subtotal - amount_discount,
                "automatic_tax": {
                    "enabled": tax["enabled"],
                    "liability": {"type": "self"} if tax["enabled"] else None,
                    # Until the reader gives their address, Stripe cannot say the tax.
                    "status": "requires_location_inputs" if tax["enabled"] else None,
                    "provider": "stripe" if tax["enabled"] else None,
                },
                "billing_address_collection": params.get("billing_address_collection"),
                "cancel_url": params.get("cancel_url"),
                "client_reference_id": params.get("client_reference_id") or None,
                "client_secret": None,
                "consent": None,
                "consent_collection": consent,
                "created": now,
                "currency": currencies.pop(),
                "custom_fields": [],
                "custom_text": text,
                "customer": customer,
                "customer_creation": "if_required" if mode == "payment" else None,
                "customer_details": None,
                "customer_email": params.get("customer_email") or None,
                "expires_at": now + CHECKOUT_LIFETIME,
                "id": cs_id,
                "invoice": None,
                "invoice_creation": None,
                "livemode": False,
                "locale": params.get("locale"),
                "metadata": merge_metadata({}, params.get("metadata")),
                "mode": mode,
                "object": "checkout.session",
                "payment_intent": None,
                "payment_link": None,
                "payment_method_collection": "if_required" if mode == "payment" else "always",
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
                "submit_type": params.get("submit_type") or None,
                "subscription": None,
                "success_url": params.get("success_url"),
                "total_details": {
                    "amount_discount": 0 if trial_days else amount_discount,
                    "amount_shipping": 0,
                    "amount_tax": 0,
                },
                "ui_mode": "hosted",
                "url": f"{base_url}/checkout/{cs_id}",
                "adaptive_pricing": {"enabled": False},
                "discounts": [discount] if discount else [],
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
                "subscription_metadata": merge_metadata({}, sub_data.get("metadata")),
                "discount": dict(discount, session=cs_id) if discount else None,
                "payment_intent_metadata": merge_metadata(
                    {}, (params.get("payment_intent_data") or {}).get("metadata")
                ),
                "tax": tax,
            }
            self.save()
            return session

    def _checkout_discount(self, params, customer, prices, subtotal):
        """The one coupon or promotion code of `discounts`, checked, and what it takes off."""
        discounts = params.get("discounts") or []
        if not discounts:
            return None, 0
        if not isinstance(discounts, list) or not all(isinstance(d, dict) for d in discounts):
            raise StripeError("Invalid array", param="discounts")
        if len(discounts) > 1:
            raise StripeError("You may only apply one discount here.", param="discounts")
        if to_bool(params.get("allow_promotion_codes", False), "allow_promotion_codes"):
            raise StripeError(
                "You may only specify one of these parameters: allow_promotion_codes, discounts.",
                param="discounts",
            )
        wanted = discounts[0]
        if wanted.get("promotion_code"):
            promo, coupon = self._redeemable_promotion_code(
                str(wanted["promotion_code"]), "discounts[0][promotion_code]", customer
            )
        elif wanted.get("coupon"):
            promo = None
            coupon = self.get("coupons", str(wanted["coupon"]), param="discounts[0][coupon]")
            if not self._coupon_valid(coupon):
                raise StripeError("This coupon cannot be redeemed.", param="discounts[0][coupon]")
        else:
            raise StripeError("Invalid object", param="discounts[0]")
        if coupon["amount_off"] is not None and coupon["currency"] != prices[0]["currency"]:
            raise StripeError(
                "The coupon's currency does not match the prices'.", param="discounts"
            )
        discount = {"coupon": coupon["id"], "promotion_code": promo["id"] if promo else None}
        return discount, min(self._discount_amount(coupon, prices), subtotal)

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

    def complete_checkout(
        self,
        cs_id: str,
        email: str,
        name: str | None,
        card_number: str,
        address: dict[str, Any] | None = None,
    ):
        """Pay a checkout session with a test card (and the billing address, when it asked
        for one).  Raises StripeError on failure."""
        with self.lock:
            session = self.get("checkout_sessions", cs_id)
            if session["status"] != "open":
                raise StripeError(f"This Checkout Session is {session['status']}.")
            behaviour = card_behaviour(card_number)
            state = self.sub_state[cs_id]
            tax = state.get("tax") or {}
            if tax.get("collect_address") and not (address or {}).get("country"):
                raise StripeError("Enter your billing address.", param="billing_address")
            if tax.get("enabled"):
                self._tax_checkout(session, address or {})
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
            if session["mode"] == "payment":
                return self._complete_payment(session, email, name, card_number, behaviour)
            cus_id = session["customer"]
            if cus_id:
                cus = self.get("customers", cus_id, param="customer")
            else:
                cus = self.create_customer({"email": email, "name": name})
                cus_id = cus["id"]
            if address and (tax.get("save_address") or not session["customer"]):
                # customer_update[address]=auto, or a customer Checkout made: renewals are
                # taxed from the address given here.
                cus["address"] = {**empty_address(), **address}
            digits = "".join(ch for ch in card_number if ch.isdigit())
            self.cards[cus_id] = {"last4": digits[-4:], "brand": "visa", "behaviour": behaviour}
            discount = state.get("discount")
            if discount and discount.get("promotion_code"):
                # Switched off or used up while the reader was typing their card: say so.
                self._redeemable_promotion_code(
                    discount["promotion_code"], "discounts[0][promotion_code]", cus_id
                )
            sub, invoice = self._create_subscription(
                cus,
                [{"price": li["price"], "quantity": li["quantity"]} for li in state["line_items"]],
                metadata=state.get("subscription_metadata") or {},
                trial_days=trial_days,
                force_paid=True,
                discount=discount,
                automatic_tax=bool(tax.get("enabled")),
            )
            session.update(
                {
                    "status": "complete",
                    "payment_status": "paid",
                    "consent": (
                        {"promotions": None, "terms_of_service": "accepted"}
                        if (session.get("consent_collection") or {}).get("terms_of_service")
                        == "required"
                        else None
                    ),
                    "subscription": sub["id"],
                    "customer": cus_id,
                    "invoice": invoice["id"],
                    "url": None,
                    "customer_details": {
                        "address": {**empty_address(), **address} if address else None,
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

    def _inline_price(self, data: Any, param: str) -> dict[str, Any]:
        """A line item's `price_data`: a price made for this session only (inactive, as
        Stripe's inline prices are), with its product from `product_data`."""
        if not isinstance(data, dict):
            raise StripeError("Invalid object", param=param)
        product = data.get("product_data")
        if not data.get("product") and not (isinstance(product, dict) and product.get("name")):
            raise StripeError(
                f"Missing required param: {param}[product_data][name].",
                code="parameter_missing",
                param=f"{param}[product_data][name]",
            )
        fields = ("currency", "unit_amount", "product", "product_data", "recurring")
        price = self.create_price({k: data[k] for k in fields if k in data})
        price["active"] = False
        return price

    def _complete_payment(self, session, email, name, card_number, behaviour):
        """Pay a `mode=payment` session: one PaymentIntent and its Charge, no subscription.
        No customer is made unless the session named one (customer_creation if_required)."""
        if behaviour in ("decline", "fail_on_charge") and session["amount_total"]:
            raise StripeError(
                "Your card was declined.",
                status=402,
                type="card_error",
                code="card_declined",
                decline_code="generic_decline",
            )
        cus_id = session["customer"]
        intent, charge = self._record_payment(
            customer=cus_id,
            amount=session["amount_total"],
            currency=session["currency"],
            description=None,
        )
        intent["metadata"] = dict(
            self.sub_state[session["id"]].get("payment_intent_metadata") or {}
        )
        charge["billing_details"]["email"] = email or None
        charge["billing_details"]["name"] = name
        charge["receipt_email"] = email or None
        intent["receipt_email"] = email or None
        session.update(
            {
                "status": "complete",
                "payment_status": "paid",
                "payment_intent": intent["id"],
                "url": None,
                "customer_details": {
                    "address": None,
                    "email": email or session.get("customer_email"),
                    "name": name,
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
        self.emit("payment_intent.succeeded", intent)
        self.emit("checkout.session.completed", session)
        self.save()
        return session


# ---------------------------------------------------------------------- HTTP routes


def checkout_create(api: Handler, req: Request):
    session = api.store.create_checkout_session(req.params, api.base_url, req.info)
    return api.render(session, req)


def checkout_list(api: Handler, req: Request):
    p = req.params
    objs = api.newest_first("checkout_sessions")
    for key in ("customer", "subscription", "status", "payment_intent"):
        if p.get(key):
            objs = [o for o in objs if o.get(key) == p[key]]
    return api.paginate(req, objs, "/v1/checkout/sessions")


def checkout_retrieve(api: Handler, req: Request):
    return api.render(api.store.get("checkout_sessions", req.arg()), req)


def checkout_line_items(api: Handler, req: Request):
    listing = api.store.checkout_line_items(req.arg())
    return api.paginate(req, listing["data"], listing["url"])


def checkout_expire(api: Handler, req: Request):
    return api.render(api.store.expire_checkout_session(req.arg(), req.info), req)


ROUTES = [
    Route("POST", "/v1/checkout/sessions", checkout_create),
    Route("GET", "/v1/checkout/sessions", checkout_list),
    Route("GET", r"/v1/checkout/sessions/([^/]+)", checkout_retrieve),
    Route("GET", r"/v1/checkout/sessions/([^/]+)/line_items", checkout_line_items),
    Route("POST", r"/v1/checkout/sessions/([^/]+)/expire", checkout_expire),
]
