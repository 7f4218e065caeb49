"""Promotion codes: the customer-facing codes of a coupon, which can be switched off."""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING, Any

from ..common import StripeError, merge_metadata, new_id, to_bool, to_int
from ..routing import Request, Route
from ..state import StoreState

if TYPE_CHECKING:
    from ..server import Handler

CODE = re.compile(r"[A-Za-z0-9-]{1,500}")


class PromotionCodeStore(StoreState):
    def create_promotion_code(self, params: dict[str, Any], request=None) -> dict[str, Any]:
        with self.lock:
            promotion = params.get("promotion") or {}
            if not isinstance(promotion, dict) or not promotion.get("coupon"):
                raise StripeError(
                    "Missing required param: promotion[coupon].",
                    code="parameter_missing",
                    param="promotion[coupon]",
                )
            coupon = self.get("coupons", str(promotion["coupon"]), param="promotion[coupon]")
            code = str(params.get("code") or secrets.token_hex(4).upper())
            if not CODE.fullmatch(code):
                raise StripeError(
                    "Promotion codes may contain only letters, digits and dashes.", param="code"
                )
            if any(
                p["active"] and p["code"].lower() == code.lower()
                for p in self.data["promotion_codes"].values()
            ):
                raise StripeError(
                    "An active promotion code with this code already exists.",
                    code="resource_already_exists",
                    param="code",
                )
            expires_at = params.get("expires_at")
            max_redemptions = params.get("max_redemptions")
            restrictions = params.get("restrictions") or {}
            promo = {
                "active": to_bool(params.get("active", True), "active"),
                "code": code,
                "created": self.now(),
                "customer": params.get("customer") or None,
                "customer_account": None,
                "expires_at": None
                if expires_at in (None, "")
                else to_int(expires_at, "expires_at"),
                "id": new_id("promo_"),
                "livemode": False,
                "max_redemptions": None
                if max_redemptions in (None, "")
                else to_int(max_redemptions, "max_redemptions"),
                "metadata": merge_metadata({}, params.get("metadata")),
                "object": "promotion_code",
                "promotion": {"coupon": coupon["id"], "type": "coupon"},
                "restrictions": {
                    "first_time_transaction": to_bool(
                        restrictions.get("first_time_transaction", False),
                        "restrictions[first_time_transaction]",
                    ),
                    "minimum_amount": None,
                    "minimum_amount_currency": None,
                },
                "times_redeemed": 0,
            }
            self.data["promotion_codes"][promo["id"]] = promo
            self.emit("promotion_code.created", promo, request=request)
            self.save()
            return promo

    def update_promotion_code(self, promo_id: str, params: dict[str, Any], request=None):
        with self.lock:
            promo = self.get("promotion_codes", promo_id)
            before = dict(promo)
            if "active" in params:
                promo["active"] = to_bool(params["active"], "active")
            if "metadata" in params:
                promo["metadata"] = merge_metadata(promo["metadata"], params["metadata"])
            self.emit("promotion_code.updated", promo, previous=before, request=request)
            self.save()
            return promo

    def _redeemable_promotion_code(self, promo_id: str, param: str, customer: str | None):
        """The promotion code and its coupon, if they may be redeemed now; else a clear error."""
        promo = self.get("promotion_codes", promo_id, param=param)
        coupon = self.data["coupons"][promo["promotion"]["coupon"]]
        now = self.now()
        if (
            not promo["active"]
            or (promo["expires_at"] and promo["expires_at"] <= now)
            or (
                promo["max_redemptions"] is not None
                and promo["times_redeemed"] >= promo["max_redemptions"]
            )
            or (promo["customer"] and promo["customer"] != customer)
            or not self._coupon_valid(coupon)
        ):
            raise StripeError(
                "This promotion code cannot be redeemed.",
                code="promotion_code_invalid",
                param=param,
            )
        if (
            promo["restrictions"]["first_time_transaction"]
            and customer
            and any(s["customer"] == customer for s in self.data["subscriptions"].values())
        ):
            raise StripeError(
                "This promotion code is only for first-time customers.",
                code="promotion_code_invalid",
                param=param,
            )
        return promo, coupon


# ---------------------------------------------------------------------- HTTP routes


def promotion_code_create(api: Handler, req: Request):
    return api.render(api.store.create_promotion_code(req.params, req.info), req)


def promotion_code_update(api: Handler, req: Request):
    return api.render(api.store.update_promotion_code(req.arg(), req.params, req.info), req)


def promotion_code_list(api: Handler, req: Request):
    objs = api.newest_first("promotion_codes")
    if "code" in req.params:
        objs = [o for o in objs if o["code"].lower() == str(req.params["code"]).lower()]
    if "active" in req.params:
        want = str(req.params["active"]).lower() == "true"
        objs = [o for o in objs if o["active"] == want]
    if "coupon" in req.params:
        objs = [o for o in objs if o["promotion"]["coupon"] == req.params["coupon"]]
    return api.paginate(req, objs, "/v1/promotion_codes")


def promotion_code_retrieve(api: Handler, req: Request):
    return api.render(api.store.get("promotion_codes", req.arg()), req)


ROUTES = [
    Route("POST", "/v1/promotion_codes", promotion_code_create),
    Route("GET", "/v1/promotion_codes", promotion_code_list),
    Route("POST", r"/v1/promotion_codes/([^/]+)", promotion_code_update),
    Route("GET", r"/v1/promotion_codes/([^/]+)", promotion_code_retrieve),
]
