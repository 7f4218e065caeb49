"""Billing portal sessions and the actions of the hosted portal page."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ..common import StripeError, diff, fmt_date, new_id
from ..routing import Request, Route
from ..state import StoreState

if TYPE_CHECKING:
    from ..server import Handler


class PortalStore(StoreState):
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
            prev = diff(old, sub)
            if prev:
                self.emit("customer.subscription.updated", sub, prev)
            self.save()
            return message


# ---------------------------------------------------------------------- HTTP routes


def portal_create(api: Handler, req: Request):
    bps = api.store.create_portal_session(req.params, api.base_url, req.info)
    return api.render(bps, req)


ROUTES = [
    Route("POST", "/v1/billing_portal/sessions", portal_create),
]
