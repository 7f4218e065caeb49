"""Stripe Tax, as far as Newsroom uses it: `automatic_tax` on Checkout and the subscriptions
it makes. The tax comes from the customer's billing address at a fixed rate per country (the
stand-in's own small table, not Stripe's registrations), added on top of the price (Stripe's
"exclusive" tax behaviour), and is shown where Stripe shows it: `total_details.amount_tax` on
the Checkout Session, `total_taxes` and each line's `taxes` on the invoice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..common import StripeError, new_id, to_bool
from ..routing import Request, Route
from ..state import StoreState

if TYPE_CHECKING:
    from ..server import Handler

# country -> (percentage, display name, Stripe's tax_type). Anywhere else: no tax is due.
RATES: dict[str, tuple[int, str, str]] = {
    "GB": (20, "VAT", "vat"),
    "IE": (23, "VAT", "vat"),
    "DE": (19, "VAT", "vat"),
    "FR": (20, "TVA", "vat"),
}
# The countries the hosted Checkout offers in its address form.
COUNTRIES = {
    "GB": "United Kingdom",
    "IE": "Ireland",
    "DE": "Germany",
    "FR": "France",
    "US": "United States",
}


def empty_address() -> dict[str, Any]:
    return {
        "city": None,
        "country": None,
        "line1": None,
        "line2": None,
        "postal_code": None,
        "state": None,
    }


class TaxStore(StoreState):
    def _tax_rate(self, country: str) -> dict[str, Any] | None:
        """The tax rate Stripe Tax applies in `country` (made once, then reused), or None."""
        if country not in RATES:
            return None
        for rate in self.data["tax_rates"].values():
            if rate["jurisdiction"] == country:
                return rate
        percentage, name, kind = RATES[country]
        rate = {
            "active": True,
            "country": country,
            "created": self.now(),
            "description": f"{name} {COUNTRIES.get(country, country)}",
            "display_name": name,
            "effective_percentage": percentage,
            "id": new_id("txr_"),
            "inclusive": False,
            "jurisdiction": country,
            "jurisdiction_level": "country",
            "livemode": False,
            "metadata": {},
            "object": "tax_rate",
            "percentage": percentage,
            "state": None,
            "tax_type": kind,
            "flat_amount": None,
            "rate_type": "percentage",
        }
        self.data["tax_rates"][rate["id"]] = rate
        return rate

    def _taxes(self, country: str | None, taxable: int) -> list[dict[str, Any]]:
        """Stripe's `taxes` entries for `taxable` (after discounts) in `country`."""
        rate = self._tax_rate(country or "")
        if rate is None or taxable <= 0:
            return []
        return [
            {
                "amount": round(taxable * rate["percentage"] / 100),
                "tax_behavior": "exclusive",
                "tax_rate_details": {"tax_rate": rate["id"]},
                "taxability_reason": "standard_rated",
                "taxable_amount": taxable,
                "type": "tax_rate_details",
            }
        ]

    def _checkout_tax_params(self, params, customer) -> dict[str, Any]:
        """`automatic_tax`, `billing_address_collection` and `customer_update`, checked as
        Stripe checks them; what the hosted page and the payment need to know of them."""
        automatic = params.get("automatic_tax") or {}
        if not isinstance(automatic, dict):
            raise StripeError("Invalid object", param="automatic_tax")
        enabled = to_bool(automatic.get("enabled", False), "automatic_tax[enabled]")
        collection = params.get("billing_address_collection") or "auto"
        if collection not in ("auto", "required"):
            raise StripeError(
                f"Invalid billing_address_collection: must be one of auto or required "
                f"(got {collection!r}).",
                param="billing_address_collection",
            )
        update = params.get("customer_update") or {}
        if not isinstance(update, dict):
            raise StripeError("Invalid object", param="customer_update")
        if update and not customer:
            raise StripeError(
                "customer_update can only be used with customer.", param="customer_update"
            )
        address_update = update.get("address") or "never"
        if address_update not in ("auto", "never"):
            raise StripeError("Invalid customer_update[address].", param="customer_update[address]")
        if (
            enabled
            and customer
            and address_update != "auto"
            and not self._customer_country(str(customer))
        ):
            raise StripeError(
                "Automatic tax calculation in Checkout requires a valid address on the "
                "Customer. Add a valid address to the Customer or set "
                "`customer_update[address]` to 'auto' to save the address entered in Checkout.",
                param="automatic_tax[enabled]",
            )
        return {
            "enabled": enabled,
            # Stripe Tax needs the address, so Checkout asks for it whenever tax is on.
            "collect_address": enabled or collection == "required",
            "save_address": address_update == "auto",
        }

    def _tax_checkout(self, session: dict[str, Any], address: dict[str, Any]) -> None:
        """Stripe Tax on the session's total, from the address the reader gave; a trial's
        first payment is nothing, so nothing is taxed today."""
        taxes = self._taxes(address.get("country"), session["amount_total"] or 0)
        amount_tax = sum(t["amount"] for t in taxes)
        session["total_details"]["amount_tax"] = amount_tax
        session["amount_total"] = (session["amount_total"] or 0) + amount_tax
        session["automatic_tax"]["status"] = "complete"

    def _customer_country(self, cus_id: str) -> str | None:
        cus = self.data["customers"].get(cus_id) or {}
        return (cus.get("address") or {}).get("country")


# ---------------------------------------------------------------------- HTTP routes


def tax_rate_retrieve(api: Handler, req: Request):
    return api.render(api.store.get("tax_rates", req.arg()), req)


def tax_rate_list(api: Handler, req: Request):
    return api.paginate(req, api.newest_first("tax_rates"), "/v1/tax_rates")


ROUTES = [
    Route("GET", "/v1/tax_rates", tax_rate_list),
    Route("GET", r"/v1/tax_rates/([^/]+)", tax_rate_retrieve),
]
