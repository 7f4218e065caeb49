"""Prices: one-off or recurring amounts of a product."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..common import StripeError, fmt_amount, merge_metadata, new_id, to_bool, to_int
from ..routing import Request, Route
from ..state import StoreState

if TYPE_CHECKING:
    from ..server import Handler


class PriceStore(StoreState):
    def create_price(self, params: dict[str, Any], request=None) -> dict[str, Any]:
        with self.lock:
            currency = params.get("currency")
            if not currency:
                raise StripeError(
                    "Missing required param: currency.", code="parameter_missing", param="currency"
                )
            if "unit_amount" not in params:
                raise StripeError(
                    "Missing required param: unit_amount.",
                    code="parameter_missing",
                    param="unit_amount",
                )
            amount = to_int(params["unit_amount"], "unit_amount")
            if amount < 0:
                raise StripeError(
                    "This value must be greater than or equal to 0.",
                    code="parameter_invalid_integer",
                    param="unit_amount",
                )
            recurring = None
            if params.get("recurring"):
                rec = params["recurring"]
                if not isinstance(rec, dict) or rec.get("interval") not in (
                    "day",
                    "week",
                    "month",
                    "year",
                ):
                    raise StripeError(
                        "Invalid recurring[interval]: must be one of day, week, month, or year",
                        param="recurring[interval]",
                    )
                recurring = {
                    "interval": rec["interval"],
                    "interval_count": to_int(
                        rec.get("interval_count", 1), "recurring[interval_count]"
                    ),
                    "meter": None,
                    "usage_type": "licensed",
                    "trial_period_days": None,
                }
            if params.get("product"):
                prod = self.get("products", str(params["product"]), param="product")
            elif isinstance(params.get("product_data"), dict):
                prod = self.create_product(params["product_data"], request=request)
            else:
                raise StripeError(
                    "Missing required param: product.", code="parameter_missing", param="product"
                )
            lookup_key = params.get("lookup_key") or None
            if lookup_key:
                holders = [p for p in self.data["prices"].values() if p["lookup_key"] == lookup_key]
                if holders and not to_bool(
                    params.get("transfer_lookup_key", False), "transfer_lookup_key"
                ):
                    raise StripeError(
                        f"A price (`{holders[0]['id']}`) already uses that lookup key.",
                        param="lookup_key",
                    )
                for holder in holders:
                    holder["lookup_key"] = None
            price = {
                "active": to_bool(params.get("active", True), "active"),
                "billing_scheme": "per_unit",
                "created": self.now(),
                "currency": str(currency).lower(),
                "custom_unit_amount": None,
                "id": new_id("price_"),
                "livemode": False,
                "lookup_key": lookup_key,
                "metadata": merge_metadata({}, params.get("metadata")),
                "nickname": params.get("nickname") or None,
                "object": "price",
                "product": prod["id"],
                "recurring": recurring,
                "tax_behavior": "unspecified",
                "tiers_mode": None,
                "transform_quantity": None,
                "type": "recurring" if recurring else "one_time",
                "unit_amount": amount,
                "unit_amount_decimal": str(amount),
            }
            self.data["prices"][price["id"]] = price
            self.emit("price.created", price, request=request)
            self.save()
            return price

    def price_label(self, price: dict[str, Any]) -> str:
        label = fmt_amount(price["unit_amount"], price["currency"])
        rec = price.get("recurring")
        if rec:
            n = rec["interval_count"]
            label += f" / {rec['interval']}" if n == 1 else f" every {n} {rec['interval']}s"
        return label

    def _item_price(self, item: Any, param: str) -> dict:
        """The price a line item or subscription item names, or Stripe's error for it."""
        if not isinstance(item, dict) or not item.get("price"):
            raise StripeError(
                f"Missing required param: {param}[price].",
                code="parameter_missing",
                param=f"{param}[price]",
            )
        price = self.data["prices"].get(str(item["price"]))
        if price is None:
            raise StripeError(
                f"No such price: '{item['price']}'",
                code="resource_missing",
                param=f"{param}[price]",
            )
        return price


# ---------------------------------------------------------------------- HTTP routes


def price_create(api: Handler, req: Request):
    return api.render(api.store.create_price(req.params, req.info), req)


def price_list(api: Handler, req: Request):
    p = req.params
    objs = api.newest_first("prices")
    if "active" in p:
        want = str(p["active"]).lower() == "true"
        objs = [o for o in objs if o["active"] == want]
    if p.get("product"):
        objs = [o for o in objs if o["product"] == p["product"]]
    if p.get("type"):
        objs = [o for o in objs if o["type"] == p["type"]]
    if p.get("currency"):
        objs = [o for o in objs if o["currency"] == str(p["currency"]).lower()]
    if "lookup_keys" in p:
        keys = p["lookup_keys"] if isinstance(p["lookup_keys"], list) else [p["lookup_keys"]]
        objs = [o for o in objs if o["lookup_key"] in keys]
    return api.paginate(req, objs, "/v1/prices")


def price_retrieve(api: Handler, req: Request):
    return api.render(api.store.get("prices", req.arg()), req)


ROUTES = [
    Route("POST", "/v1/prices", price_create),
    Route("GET", "/v1/prices", price_list),
    Route("GET", r"/v1/prices/([^/]+)", price_retrieve),
]
