"""Coupons: what a discount takes off, for how long, for which products, how many times."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..common import StripeError, add_interval, merge_metadata, new_id, to_int
from ..routing import Request, Route
from ..state import StoreState

if TYPE_CHECKING:
    from ..server import Handler

DURATIONS = ("once", "repeating", "forever")


class CouponStore(StoreState):
    def create_coupon(self, params: dict[str, Any], request=None) -> dict[str, Any]:
        with self.lock:
            percent = params.get("percent_off")
            amount = params.get("amount_off")
            if (percent in (None, "")) == (amount in (None, "")):
                raise StripeError(
                    "You must specify exactly one of percent_off or amount_off.",
                    param="percent_off",
                )
            currency = None
            if percent not in (None, ""):
                try:
                    percent = float(percent)
                except (TypeError, ValueError):
                    raise StripeError(f"Invalid decimal: {percent}", param="percent_off") from None
                if not 0 < percent <= 100:
                    raise StripeError("percent_off must be between 0 and 100.", param="percent_off")
                amount = None
            else:
                amount = to_int(amount, "amount_off")
                currency = str(params.get("currency") or "").lower()
                if amount < 1 or not currency:
                    raise StripeError(
                        "amount_off must be positive and needs a currency.", param="amount_off"
                    )
                percent = None
            duration = params.get("duration") or "once"
            if duration not in DURATIONS:
                raise StripeError(f"Invalid duration: {duration}", param="duration")
            months = None
            if duration == "repeating":
                months = to_int(params.get("duration_in_months"), "duration_in_months")
                if months < 1:
                    raise StripeError(
                        "duration_in_months must be positive.", param="duration_in_months"
                    )
            products = (params.get("applies_to") or {}).get("products") or []
            if not isinstance(products, list):
                raise StripeError("Invalid array", param="applies_to[products]")
            for i, product in enumerate(products):
                self.get("products", str(product), param=f"applies_to[products][{i}]")
            coupon_id = params.get("id") or new_id("", 8)
            if coupon_id in self.data["coupons"]:
                raise StripeError(
                    f"Coupon already exists: {coupon_id}", code="resource_already_exists"
                )
            max_redemptions = params.get("max_redemptions")
            redeem_by = params.get("redeem_by")
            coupon = {
                "amount_off": amount,
                "created": self.now(),
                "currency": currency,
                "duration": duration,
                "duration_in_months": months,
                "id": coupon_id,
                "livemode": False,
                "max_redemptions": None
                if max_redemptions in (None, "")
                else to_int(max_redemptions, "max_redemptions"),
                "metadata": merge_metadata({}, params.get("metadata")),
                "name": params.get("name") or None,
                "object": "coupon",
                "percent_off": percent,
                "redeem_by": None if redeem_by in (None, "") else to_int(redeem_by, "redeem_by"),
                "times_redeemed": 0,
                "valid": True,
            }
            # Shown only when expanded, as Stripe does.
            self.coupon_products[coupon_id] = [str(p) for p in products]
            self.data["coupons"][coupon_id] = coupon
            self.emit("coupon.created", coupon, request=request)
            self.save()
            return coupon

    def _coupon_valid(self, coupon: dict[str, Any]) -> bool:
        """Whether the coupon can still be redeemed now (its `valid`, kept up to date)."""
        coupon["valid"] = not (
            (coupon["redeem_by"] and coupon["redeem_by"] <= self.now())
            or (
                coupon["max_redemptions"] is not None
                and coupon["times_redeemed"] >= coupon["max_redemptions"]
            )
        )
        return coupon["valid"]

    def _discount_amount(self, coupon: dict[str, Any], prices: list[dict[str, Any]]) -> int:
        """What the coupon takes off one invoice of these prices."""
        products = self.coupon_products.get(coupon["id"]) or []
        eligible = sum(p["unit_amount"] for p in prices if not products or p["product"] in products)
        if coupon["percent_off"] is not None:
            return round(eligible * coupon["percent_off"] / 100)
        return min(coupon["amount_off"], eligible)

    def _discount(self, coupon, promo, *, customer, subscription, start, session=None):
        """A discount object for a subscription, ending when the coupon's duration does."""
        end = None
        if coupon["duration"] == "repeating":
            end = add_interval(start, "month", coupon["duration_in_months"])
        return {
            "checkout_session": session,
            "customer": customer,
            "customer_account": None,
            "end": end,
            "id": new_id("di_"),
            "invoice": None,
            "invoice_item": None,
            "object": "discount",
            "promotion_code": promo["id"] if promo else None,
            "source": {"coupon": coupon["id"], "type": "coupon"},
            "start": start,
            "subscription": subscription,
            "subscription_item": None,
        }

    def discount_applies(self, discount: dict[str, Any], when: int) -> bool:
        coupon = self.data["coupons"].get(discount["source"]["coupon"]) or {}
        if coupon.get("duration") == "once":
            return when <= discount["start"]
        return discount["end"] is None or when < discount["end"]


# ---------------------------------------------------------------------- HTTP routes


def coupon_create(api: Handler, req: Request):
    return api.render(api.store.create_coupon(req.params, req.info), req)


def coupon_list(api: Handler, req: Request):
    return api.paginate(req, api.newest_first("coupons"), "/v1/coupons")


def coupon_retrieve(api: Handler, req: Request):
    coupon = api.store.get("coupons", req.arg())
    with api.store.lock:
        api.store._coupon_valid(coupon)
    return api.render(coupon, req)


ROUTES = [
    Route("POST", "/v1/coupons", coupon_create),
    Route("GET", "/v1/coupons", coupon_list),
    Route("GET", r"/v1/coupons/([^/]+)", coupon_retrieve),
]
