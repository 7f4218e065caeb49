"""Billing portal sessions and the actions of the hosted portal page."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ..common import StripeError, diff, fmt_amount, fmt_date, new_id
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
            flow = self._portal_flow(params.get("flow_data"), str(cus_id))
            bps_id = new_id("bps_")
            bps = {
                "configuration": params.get("configuration") or self.portal_configuration,
                "created": self.now(),
                "customer": cus_id,
                "flow": flow,
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

    def _portal_flow(self, flow_data: Any, cus_id: str) -> dict[str, Any] | None:
        """`flow_data` checked as Stripe checks it, as the session's `flow` (a deep link).

        The stand-in knows the cancellation flow (with a retention coupon or without);
        the portal configuration's cancellation feature is on, at period end.
        """
        if flow_data in (None, ""):
            return None
        if not isinstance(flow_data, dict):
            raise StripeError("Invalid object", param="flow_data")
        kind = flow_data.get("type")
        if kind != "subscription_cancel":
            raise StripeError(
                f"The Stripe stand-in only supports flow_data[type]=subscription_cancel "
                f"(got {kind!r}).",
                param="flow_data[type]",
            )
        cancel = flow_data.get("subscription_cancel")
        if not isinstance(cancel, dict) or not cancel.get("subscription"):
            raise StripeError(
                "Missing required param: flow_data[subscription_cancel][subscription].",
                code="parameter_missing",
                param="flow_data[subscription_cancel][subscription]",
            )
        sub_param = "flow_data[subscription_cancel][subscription]"
        sub = self.get("subscriptions", str(cancel["subscription"]), param=sub_param)
        if sub["customer"] != cus_id:
            raise StripeError("The subscription does not belong to this customer.", param=sub_param)
        if sub["status"] == "canceled" or sub["cancel_at_period_end"]:
            raise StripeError(
                "You can't cancel a subscription that is already canceled or set to cancel.",
                param=sub_param,
            )
        retention = cancel.get("retention")
        if retention not in (None, ""):
            retention = self._portal_retention(retention, sub)
        after = flow_data.get("after_completion") or {"type": "portal_homepage"}
        if not isinstance(after, dict) or after.get("type") not in (
            "hosted_confirmation",
            "portal_homepage",
            "redirect",
        ):
            raise StripeError("Invalid flow_data[after_completion].", param="flow_data")
        redirect = after.get("redirect") if after["type"] == "redirect" else None
        if after["type"] == "redirect" and not (
            isinstance(redirect, dict) and redirect.get("return_url")
        ):
            raise StripeError(
                "Missing required param: flow_data[after_completion][redirect][return_url].",
                code="parameter_missing",
                param="flow_data[after_completion][redirect][return_url]",
            )
        confirmation = after.get("hosted_confirmation")
        return {
            "after_completion": {
                "hosted_confirmation": {
                    "custom_message": (confirmation or {}).get("custom_message") or None
                }
                if after["type"] == "hosted_confirmation"
                else None,
                "redirect": {"return_url": redirect["return_url"]} if redirect else None,
                "type": after["type"],
            },
            "subscription_cancel": {"retention": retention or None, "subscription": sub["id"]},
            "subscription_update": None,
            "subscription_update_confirm": None,
            "type": "subscription_cancel",
        }

    def _portal_retention(self, retention: Any, sub: dict[str, Any]) -> dict[str, Any]:
        param = "flow_data[subscription_cancel][retention]"
        if not isinstance(retention, dict) or retention.get("type") != "coupon_offer":
            raise StripeError("Invalid retention: type must be coupon_offer.", param=param)
        offer = retention.get("coupon_offer")
        if not isinstance(offer, dict) or not offer.get("coupon"):
            raise StripeError(
                f"Missing required param: {param}[coupon_offer][coupon].",
                code="parameter_missing",
                param=f"{param}[coupon_offer][coupon]",
            )
        coupon = self.get("coupons", str(offer["coupon"]), param=f"{param}[coupon_offer][coupon]")
        if not self._coupon_valid(coupon):
            raise StripeError(
                "This coupon cannot be redeemed.", param=f"{param}[coupon_offer][coupon]"
            )
        if sub["status"] != "active":
            raise StripeError(
                "A retention coupon can only be offered on an active subscription.", param=param
            )
        return {"coupon_offer": {"coupon": coupon["id"]}, "type": "coupon_offer"}

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
            if action == "accept_retention":
                message = self._accept_retention(bps, sub)
            elif action == "switch":
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

    def _accept_retention(self, bps: dict[str, Any], sub: dict[str, Any]) -> str:
        """The reader took the retention coupon: it becomes the subscription's discount, from
        now, and the subscription carries on (customer.subscription.updated follows)."""
        flow = bps.get("flow") or {}
        retention = (flow.get("subscription_cancel") or {}).get("retention")
        if not retention or flow["subscription_cancel"]["subscription"] != sub["id"]:
            raise StripeError("There is no offer to accept here.")
        flags = self.sub_state.setdefault(bps["id"], {})
        if flags.get("retention_accepted"):
            raise StripeError("You have already accepted this offer.")
        coupon = self.data["coupons"][retention["coupon_offer"]["coupon"]]
        if not self._coupon_valid(coupon):
            raise StripeError("This offer is no longer available.")
        discount = self._discount(
            coupon, None, customer=sub["customer"], subscription=sub["id"], start=self.now()
        )
        self.data["discounts"][discount["id"]] = discount
        sub["discounts"] = [discount["id"]]
        coupon["times_redeemed"] += 1
        self._coupon_valid(coupon)
        flags["retention_accepted"] = True
        return f"Offer accepted: {coupon_terms(coupon)}. Your subscription continues."


def coupon_terms(coupon: dict[str, Any]) -> str:
    """A coupon in words, as the portal shows it: "50% off for 3 months"."""
    if coupon["percent_off"] is not None:
        off = f"{coupon['percent_off']:g}% off"
    else:
        off = f"{fmt_amount(coupon['amount_off'], coupon['currency'])} off"
    if coupon["duration"] == "once":
        return f"{off} your next payment"
    if coupon["duration"] == "repeating":
        months = coupon["duration_in_months"]
        return f"{off} for {months} month{'s' if months != 1 else ''}"
    return f"{off} for as long as you subscribe"


# ---------------------------------------------------------------------- HTTP routes


def portal_create(api: Handler, req: Request):
    bps = api.store.create_portal_session(req.params, api.base_url, req.info)
    return api.render(bps, req)


ROUTES = [
    Route("POST", "/v1/billing_portal/sessions", portal_create),
]
