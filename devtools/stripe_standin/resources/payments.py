"""Payments and refunds: the PaymentIntent and Charge behind each paid amount, the
InvoicePayment that ties a paid invoice to its PaymentIntent, and refunds of either.

Every paid amount goes through ``_record_payment``: an invoice paid with a card does (see
``InvoiceStore._mark_paid``), and so can any other purchase the stand-in learns (a one-time
Checkout payment, say). ``POST /v1/refunds`` then refunds by ``payment_intent`` or by
``charge``, in full or in part, as Stripe does.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ..common import StripeError, merge_metadata, new_id, to_int
from ..routing import Request, Route
from ..state import StoreState

if TYPE_CHECKING:
    from ..server import Handler

REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")


class PaymentStore(StoreState):
    def _record_payment(
        self, *, customer: str | None, amount: int, currency: str, description: str | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """A succeeded PaymentIntent and its Charge for ``amount``; returns (intent, charge)."""
        now = self.now()
        pi_id, ch_id = new_id("pi_"), new_id("ch_")
        card = self.cards.get(customer or "", {})
        charge = {
            "amount": amount,
            "amount_captured": amount,
            "amount_refunded": 0,
            "application": None,
            "application_fee": None,
            "application_fee_amount": None,
            "balance_transaction": new_id("txn_"),
            "billing_details": {
                "address": None,
                "email": None,
                "name": None,
                "phone": None,
                "tax_id": None,
            },
            "calculated_statement_descriptor": "NEWSROOM",
            "captured": True,
            "created": now,
            "currency": currency,
            "customer": customer,
            "description": description,
            "disputed": False,
            "failure_balance_transaction": None,
            "failure_code": None,
            "failure_message": None,
            "fraud_details": {},
            "id": ch_id,
            "livemode": False,
            "metadata": {},
            "object": "charge",
            "on_behalf_of": None,
            "outcome": {
                "advice_code": None,
                "network_advice_code": None,
                "network_decline_code": None,
                "network_status": "approved_by_network",
                "reason": None,
                "seller_message": "Payment complete.",
                "type": "authorized",
            },
            "paid": True,
            "payment_intent": pi_id,
            "payment_method": new_id("pm_"),
            "payment_method_details": {
                "card": {"brand": card.get("brand", "visa"), "last4": card.get("last4", "4242")},
                "type": "card",
            },
            "receipt_email": None,
            "receipt_number": None,
            "receipt_url": None,
            "refunded": False,
            "refunds": {
                "data": [],
                "has_more": False,
                "object": "list",
                "url": f"/v1/charges/{ch_id}/refunds",
            },
            "review": None,
            "shipping": None,
            "source": None,
            "source_transfer": None,
            "statement_descriptor": None,
            "statement_descriptor_suffix": None,
            "status": "succeeded",
            "transfer_data": None,
            "transfer_group": None,
        }
        intent = {
            "amount": amount,
            "amount_capturable": 0,
            "amount_details": {"tip": {}},
            "amount_received": amount,
            "application": None,
            "application_fee_amount": None,
            "automatic_payment_methods": None,
            "canceled_at": None,
            "cancellation_reason": None,
            "capture_method": "automatic",
            "client_secret": f"{pi_id}_secret_{new_id('', 24)}",
            "confirmation_method": "automatic",
            "created": now,
            "currency": currency,
            "customer": customer,
            "customer_account": None,
            "description": description,
            "excluded_payment_method_types": None,
            "id": pi_id,
            "last_payment_error": None,
            "latest_charge": ch_id,
            "livemode": False,
            "managed_payments": {"enabled": False},
            "metadata": {},
            "next_action": None,
            "object": "payment_intent",
            "on_behalf_of": None,
            "payment_method": charge["payment_method"],
            "payment_method_configuration_details": None,
            "payment_method_options": {},
            "payment_method_types": ["card"],
            "processing": None,
            "receipt_email": None,
            "review": None,
            "setup_future_usage": None,
            "shipping": None,
            "source": None,
            "statement_descriptor": None,
            "statement_descriptor_suffix": None,
            "status": "succeeded",
            "transfer_data": None,
            "transfer_group": None,
        }
        self.data["charges"][ch_id] = charge
        self.data["payment_intents"][pi_id] = intent
        return intent, charge

    def _record_invoice_payment(self, invoice: dict[str, Any]) -> None:
        """Pay ``invoice`` by card: a PaymentIntent, its Charge and the InvoicePayment."""
        now = self.now()
        intent = None
        if invoice["amount_paid"]:
            intent, _charge = self._record_payment(
                customer=invoice["customer"],
                amount=invoice["amount_paid"],
                currency=invoice["currency"],
                description="Subscription creation"
                if invoice["billing_reason"] == "subscription_create"
                else "Subscription update",
            )
        inpay_id = new_id("inpay_")
        self.data["invoice_payments"][inpay_id] = {
            "amount_paid": invoice["amount_paid"],
            "amount_requested": invoice["amount_due"],
            "created": now,
            "currency": invoice["currency"],
            "id": inpay_id,
            "invoice": invoice["id"],
            "is_default": True,
            "livemode": False,
            "object": "invoice_payment",
            "payment": {
                "payment_intent": intent["id"] if intent else None,
                "type": "payment_intent",
            },
            "status": "paid",
            "status_transitions": {"canceled_at": None, "paid_at": now},
        }

    def create_refund(self, params: dict[str, Any], request=None) -> dict[str, Any]:
        with self.lock:
            charge = self._charge_to_refund(params)
            remaining = charge["amount_captured"] - charge["amount_refunded"]
            if remaining <= 0:
                raise StripeError(
                    f"Charge {charge['id']} has already been refunded.",
                    code="charge_already_refunded",
                )
            amount = remaining
            if params.get("amount") not in (None, ""):
                amount = to_int(params["amount"], "amount")
                if amount <= 0:
                    raise StripeError(
                        "Invalid positive integer", code="parameter_invalid_integer", param="amount"
                    )
                if amount > remaining:
                    raise StripeError(
                        f"Refund amount ({amount}) is greater than unrefunded amount on charge "
                        f"({remaining})",
                        code="amount_too_large",
                        param="amount",
                    )
            reason = params.get("reason") or None
            if reason is not None and reason not in REFUND_REASONS:
                raise StripeError(f"Invalid reason: {reason}", param="reason")
            refund = {
                "amount": amount,
                "balance_transaction": new_id("txn_"),
                "charge": charge["id"],
                "created": self.now(),
                "currency": charge["currency"],
                "customer": charge["customer"],
                "customer_account": None,
                "destination_details": {"card": {"type": "refund"}, "type": "card"},
                "id": new_id("re_"),
                "metadata": merge_metadata({}, params.get("metadata")),
                "object": "refund",
                "payment_intent": charge["payment_intent"],
                "payment_method": charge["payment_method"],
                "reason": reason,
                "receipt_number": None,
                "source_transfer_reversal": None,
                "status": "succeeded",
                "transfer_reversal": None,
            }
            self.data["refunds"][refund["id"]] = refund
            old = {"amount_refunded": charge["amount_refunded"], "refunded": charge["refunded"]}
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] >= charge["amount_captured"]
            charge["refunds"]["data"].insert(0, copy.deepcopy(refund))
            self.emit("refund.created", refund, request=request)
            self.emit("charge.refunded", charge, old, request=request)
            self.save()
            return refund

    def _charge_to_refund(self, params: dict[str, Any]) -> dict[str, Any]:
        charge_id, intent_id = params.get("charge"), params.get("payment_intent")
        if bool(charge_id) == bool(intent_id):
            raise StripeError(
                "You must pass either a charge or a payment_intent (and not both)."
                if charge_id
                else "One of the following params should be provided for this request: "
                "payment_intent or charge.",
                code="parameter_missing" if not charge_id else None,
            )
        if intent_id:
            intent = self.get("payment_intents", str(intent_id), param="payment_intent")
            if not intent["latest_charge"]:
                raise StripeError(
                    f"This PaymentIntent ({intent_id}) does not have a successful charge to "
                    "refund.",
                    code="charge_not_refundable",
                    param="payment_intent",
                )
            return self.data["charges"][intent["latest_charge"]]
        return self.get("charges", str(charge_id), param="charge")


# ---------------------------------------------------------------------- HTTP routes


def refund_create(api: Handler, req: Request):
    return api.render(api.store.create_refund(req.params, req.info), req)


def refund_list(api: Handler, req: Request):
    objs = api.newest_first("refunds")
    for key in ("charge", "payment_intent"):
        if req.params.get(key):
            objs = [o for o in objs if o[key] == req.params[key]]
    return api.paginate(req, objs, "/v1/refunds")


def refund_retrieve(api: Handler, req: Request):
    return api.render(api.store.get("refunds", req.arg()), req)


def charge_retrieve(api: Handler, req: Request):
    return api.render(api.store.get("charges", req.arg()), req)


def payment_intent_retrieve(api: Handler, req: Request):
    return api.render(api.store.get("payment_intents", req.arg()), req)


def invoice_payment_list(api: Handler, req: Request):
    p = req.params
    objs = api.newest_first("invoice_payments")
    if p.get("invoice"):
        objs = [o for o in objs if o["invoice"] == p["invoice"]]
    if p.get("status"):
        objs = [o for o in objs if o["status"] == p["status"]]
    payment = p.get("payment")
    if isinstance(payment, dict) and payment.get("payment_intent"):
        objs = [o for o in objs if o["payment"]["payment_intent"] == payment["payment_intent"]]
    return api.paginate(req, objs, "/v1/invoice_payments")


def invoice_payment_retrieve(api: Handler, req: Request):
    return api.render(api.store.get("invoice_payments", req.arg()), req)


ROUTES = [
    Route("POST", "/v1/refunds", refund_create),
    Route("GET", "/v1/refunds", refund_list),
    Route("GET", r"/v1/refunds/([^/]+)", refund_retrieve),
    Route("GET", r"/v1/charges/([^/]+)", charge_retrieve),
    Route("GET", r"/v1/payment_intents/([^/]+)", payment_intent_retrieve),
    Route("GET", "/v1/invoice_payments", invoice_payment_list),
    Route("GET", r"/v1/invoice_payments/([^/]+)", invoice_payment_retrieve),
]
