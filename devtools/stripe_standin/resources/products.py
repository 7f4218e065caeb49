"""Products of the catalogue."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..common import StripeError, merge_metadata, new_id, to_bool
from ..routing import Request, Route
from ..state import StoreState

if TYPE_CHECKING:
    from ..server import Handler


class ProductStore(StoreState):
    def create_product(self, params: dict[str, Any], request=None) -> dict[str, Any]:
        with self.lock:
            if not params.get("name"):
                raise StripeError(
                    "Missing required param: name.", code="parameter_missing", param="name"
                )
            prod_id = params.get("id") or new_id("prod_", 14)
            if prod_id in self.data["products"]:
                raise StripeError(
                    f"Product already exists: {prod_id}",
                    code="resource_already_exists",
                    param="id",
                )
            now = self.now()
            prod = {
                "active": to_bool(params.get("active", True), "active"),
                "created": now,
                "default_price": None,
                "description": params.get("description") or None,
                "id": prod_id,
                "images": list(params.get("images") or []),
                "livemode": False,
                "marketing_features": [],
                "metadata": merge_metadata({}, params.get("metadata")),
                "name": params["name"],
                "object": "product",
                "package_dimensions": None,
                "shippable": None,
                "statement_descriptor": None,
                "tax_code": None,
                "unit_label": None,
                "updated": now,
                "url": None,
                "type": "service",
            }
            self.data["products"][prod_id] = prod
            self.emit("product.created", prod, request=request)
            self.save()
            return prod

    def product_name(self, price: dict[str, Any]) -> str:
        prod = self.data["products"].get(price["product"])
        return prod["name"] if prod else price["product"]


# ---------------------------------------------------------------------- HTTP routes


def product_create(api: Handler, req: Request):
    return api.render(api.store.create_product(req.params, req.info), req)


def product_list(api: Handler, req: Request):
    objs = api.newest_first("products")
    if "active" in req.params:
        want = str(req.params["active"]).lower() == "true"
        objs = [o for o in objs if o["active"] == want]
    return api.paginate(req, objs, "/v1/products")


def product_retrieve(api: Handler, req: Request):
    return api.render(api.store.get("products", req.arg()), req)


ROUTES = [
    Route("POST", "/v1/products", product_create),
    Route("GET", "/v1/products", product_list),
    Route("GET", r"/v1/products/([^/]+)", product_retrieve),
]
