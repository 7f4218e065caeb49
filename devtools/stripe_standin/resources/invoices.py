"""Invoices, built for a subscription when it starts or renews."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ..common import DAY, new_id
from ..routing import Request, Route
from ..state import StoreState

if TYPE_CHECKING:
    from ..server import Handler


class InvoiceStore(StoreState):
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
        subtotal = sum(line["amount"] for line in lines)
        # A subscription's discount takes its share off while its coupon's duration lasts.
        discount_ids, discount_amounts = [], []
        for di_id in sub.get("discounts") or []:
            discount = self.data["discounts"].get(di_id)
            if zero or discount is None or not self.discount_applies(discount, now):
                continue
            coupon = self.data["coupons"][discount["source"]["coupon"]]
            prices = [item["price"] for item in sub["items"]["data"]]
            off = min(self._discount_amount(coupon, prices), subtotal)
            discount_ids.append(di_id)
            discount_amounts.append({"amount": off, "discount": di_id})
        total_excluding_tax = subtotal - sum(d["amount"] for d in discount_amounts)
        # Stripe Tax (resources/tax.py): from the customer's address, on top of the price.
        automatic_tax = bool((sub.get("automatic_tax") or {}).get("enabled"))
        country = self._customer_country(sub["customer"]) if automatic_tax else None
        taxes = self._taxes(country, total_excluding_tax) if automatic_tax else []
        if taxes and lines:
            lines[0]["taxes"] = taxes
        total = total_excluding_tax + sum(t["amount"] for t in taxes)
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
                "enabled": automatic_tax,
                "liability": {"type": "self"} if automatic_tax else None,
                "status": ("complete" if country else "requires_location_inputs")
                if automatic_tax
                else None,
                "disabled_reason": None,
                "provider": "stripe" if automatic_tax else None,
            },
            "billing_reason": billing_reason,
            "collection_method": "charge_automatically",
            "created": now,
            "currency": sub["currency"],
            "custom_fields": None,
            "customer": sub["customer"],
            "customer_address": copy.deepcopy(cus.get("address")),
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
            "discounts": discount_ids,
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
            "subtotal": subtotal,
            "subtotal_excluding_tax": subtotal,
            "test_clock": None,
            "total": total,
            "total_discount_amounts": discount_amounts,
            "total_excluding_tax": total_excluding_tax,
            "webhooks_delivered_at": now,
            "automatically_finalizes_at": None,
            "total_pretax_credit_amounts": [],
            "total_taxes": copy.deepcopy(taxes),
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
        # The card payment behind it (resources/payments.py): what a refund refunds.
        self._record_invoice_payment(invoice)

    def _mark_failed(self, invoice: dict[str, Any]) -> None:
        invoice.update(
            {
                "attempt_count": invoice["attempt_count"] + 1,
                "attempted": True,
                "next_payment_attempt": self.now() + 3 * DAY,
            }
        )


# ---------------------------------------------------------------------- HTTP routes


def invoice_list(api: Handler, req: Request):
    p = req.params
    objs = api.newest_first("invoices")
    if p.get("customer"):
        objs = [o for o in objs if o["customer"] == p["customer"]]
    if p.get("subscription"):
        objs = [
            o
            for o in objs
            if o["parent"]["subscription_details"]["subscription"] == p["subscription"]
        ]
    if p.get("status"):
        objs = [o for o in objs if o["status"] == p["status"]]
    return api.paginate(req, objs, "/v1/invoices")


def invoice_retrieve(api: Handler, req: Request):
    return api.render(api.store.get("invoices", req.arg()), req)


def invoice_lines(api: Handler, req: Request):
    invoice = api.store.get("invoices", req.arg())
    return api.paginate(req, invoice["lines"]["data"], invoice["lines"]["url"])


ROUTES = [
    Route("GET", "/v1/invoices", invoice_list),
    Route("GET", r"/v1/invoices/([^/]+)", invoice_retrieve),
    Route("GET", r"/v1/invoices/([^/]+)/lines", invoice_lines),
]
