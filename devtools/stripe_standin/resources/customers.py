"""Customers and the test card each one pays with."""

from __future__ import annotations

import copy
import secrets
from typing import TYPE_CHECKING, Any

from ..common import StripeError, card_behaviour, diff, merge_metadata, new_id
from ..routing import Request, Route
from ..state import StoreState

if TYPE_CHECKING:
    from ..server import Handler


class CustomerStore(StoreState):
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
                "metadata": merge_metadata({}, params.get("metadata")),
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
                cus["metadata"] = merge_metadata(cus["metadata"], params["metadata"])
            prev = diff(old, cus)
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


# ---------------------------------------------------------------------- HTTP routes


def customer_create(api: Handler, req: Request):
    return api.render(api.store.create_customer(req.params, req.info), req)


def customer_list(api: Handler, req: Request):
    objs = api.newest_first("customers")
    if req.params.get("email"):
        objs = [c for c in objs if (c["email"] or "") == req.params["email"]]
    return api.paginate(req, objs, "/v1/customers")


def customer_retrieve(api: Handler, req: Request):
    cid = req.arg()
    if cid in api.store.deleted_customers:
        return {"deleted": True, "id": cid, "object": "customer"}
    return api.render(api.store.get("customers", cid), req)


def customer_update(api: Handler, req: Request):
    return api.render(api.store.update_customer(req.arg(), req.params, req.info), req)


def customer_delete(api: Handler, req: Request):
    return api.store.delete_customer(req.arg(), req.info)


ROUTES = [
    Route("POST", "/v1/customers", customer_create),
    Route("GET", "/v1/customers", customer_list),
    Route("GET", r"/v1/customers/([^/]+)", customer_retrieve),
    Route("POST", r"/v1/customers/([^/]+)", customer_update),
    Route("DELETE", r"/v1/customers/([^/]+)", customer_delete),
]
