"""Subscriptions: creation, updates, cancellation and what happens at period end.

Longer than 400 lines on purpose: a subscription's whole lifecycle (create, update, cancel,
renew, fail) in one resource module, as Stripe documents it.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ..common import (
    DAY,
    StripeError,
    add_interval,
    diff,
    merge_metadata,
    new_id,
    plan_of,
    to_bool,
    to_int,
)
from ..routing import Request, Route
from ..state import StoreState

if TYPE_CHECKING:
    from ..server import Handler


class SubscriptionStore(StoreState):
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
            "plan": plan_of(price),
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
                        "quantity": to_int(it.get("quantity", 1), f"items[{i}][quantity]"),
                    }
                )
            trial_days = None
            if params.get("trial_period_days") not in (None, ""):
                trial_days = to_int(params["trial_period_days"], "trial_period_days")
            sub, _ = self._create_subscription(
                cus,
                items,
                metadata=merge_metadata({}, params.get("metadata")),
                trial_days=trial_days,
                force_paid=False,
                request=request,
            )
            self.save()
            return sub

    def _create_subscription(
        self,
        cus,
        items,
        *,
        metadata,
        trial_days,
        force_paid,
        request=None,
        discount=None,
        automatic_tax=False,
    ):
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
            "automatic_tax": {
                "enabled": automatic_tax,
                "liability": {"type": "self"} if automatic_tax else None,
                "disabled_reason": None,
            },
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
        if discount:
            self._apply_discount(sub, discount, start=end if trial_days else now)
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

    def _apply_discount(self, sub, discount: dict[str, Any], *, start: int) -> None:
        """Attach a Checkout discount to a new subscription and count its redemption.

        After a trial the discount starts with the first charge, so a one-off coupon takes
        its share off that charge rather than off the free trial.
        """
        coupon = self.data["coupons"][discount["coupon"]]
        promo = self.data["promotion_codes"].get(discount.get("promotion_code") or "")
        di = self._discount(
            coupon,
            promo,
            customer=sub["customer"],
            subscription=sub["id"],
            start=start,
            session=discount.get("session"),
        )
        self.data["discounts"][di["id"]] = di
        sub["discounts"] = [di["id"]]
        coupon["times_redeemed"] += 1
        self._coupon_valid(coupon)
        if promo:
            promo["times_redeemed"] += 1

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
                flag = to_bool(params["cancel_at_period_end"], "cancel_at_period_end")
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
                sub["metadata"] = merge_metadata(sub["metadata"], params["metadata"])
            if "cancellation_details" in params and isinstance(
                params["cancellation_details"], dict
            ):
                for key in ("comment", "feedback"):
                    if key in params["cancellation_details"]:
                        sub["cancellation_details"][key] = (
                            params["cancellation_details"][key] or None
                        )
            prev = diff(old, sub)
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
            item["plan"] = plan_of(price)
        if quantity not in (None, ""):
            item["quantity"] = to_int(quantity, f"{param}[quantity]")

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

    def _trial_will_end(self, sub) -> None:
        self.sub_state[sub["id"]]["trial_will_end_sent"] = True
        self.emit("customer.subscription.trial_will_end", sub)

    def _mark_unpaid(self, sub) -> None:
        old = copy.deepcopy(sub)
        sub["status"] = "unpaid"
        self.sub_state[sub["id"]]["past_due_since"] = None
        self.emit("customer.subscription.updated", sub, diff(old, sub))

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
            if self.cards.get(sub["customer"], {}).get("behaviour") == "authenticate":
                # Strong customer authentication: the bank wants the reader to confirm.
                invoice["hosted_invoice_url"] = f"{self.hosted_base}/invoice/{invoice['id']}"
                self.emit("invoice.payment_action_required", invoice)
            else:
                self.emit("invoice.payment_failed", invoice)
        self.emit("customer.subscription.updated", sub, diff(old, sub))

    def confirm_invoice_payment(self, in_id: str) -> dict[str, Any]:
        """The reader confirmed an invoice on its hosted page (3-D Secure passed): pay it."""
        with self.lock:
            invoice = self.get("invoices", in_id)
            if invoice["status"] == "paid":
                return invoice
            self._mark_paid(invoice)
            self.emit("invoice.paid", invoice)
            sub_id = invoice["parent"]["subscription_details"]["subscription"]
            sub = self.data["subscriptions"].get(sub_id)
            if sub is not None and sub["status"] == "past_due" and sub["latest_invoice"] == in_id:
                old = copy.deepcopy(sub)
                sub["status"] = "active"
                self.sub_state[sub_id]["past_due_since"] = None
                self.emit("customer.subscription.updated", sub, diff(old, sub))
            self.save()
            return invoice


# ---------------------------------------------------------------------- HTTP routes


def subscription_create(api: Handler, req: Request):
    return api.render(api.store.create_subscription(req.params, req.info), req)


def subscription_list(api: Handler, req: Request):
    p = req.params
    objs = api.newest_first("subscriptions")
    status = p.get("status")
    if not status:
        objs = [o for o in objs if o["status"] not in ("canceled", "incomplete_expired")]
    elif status == "ended":
        objs = [o for o in objs if o["status"] in ("canceled", "incomplete_expired")]
    elif status != "all":
        objs = [o for o in objs if o["status"] == status]
    if p.get("customer"):
        objs = [o for o in objs if o["customer"] == p["customer"]]
    if p.get("price"):
        objs = [
            o for o in objs if any(it["price"]["id"] == p["price"] for it in o["items"]["data"])
        ]
    return api.paginate(req, objs, "/v1/subscriptions")


def subscription_retrieve(api: Handler, req: Request):
    return api.render(api.store.get("subscriptions", req.arg()), req)


def subscription_update(api: Handler, req: Request):
    return api.render(api.store.update_subscription(req.arg(), req.params, req.info), req)


def subscription_cancel(api: Handler, req: Request):
    return api.render(api.store.cancel_subscription(req.arg(), req.info), req)


ROUTES = [
    Route("POST", "/v1/subscriptions", subscription_create),
    Route("GET", "/v1/subscriptions", subscription_list),
    Route("GET", r"/v1/subscriptions/([^/]+)", subscription_retrieve),
    Route("POST", r"/v1/subscriptions/([^/]+)", subscription_update),
    Route("DELETE", r"/v1/subscriptions/([^/]+)", subscription_cancel),
]
