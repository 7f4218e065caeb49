"""The Stripe stand-in's store: its state plus the behaviour of every Stripe resource.

The state (collections, persistence, clock, events) lives in ``state.py``; each resource
(customers, prices, checkout sessions, subscriptions ...) is a mixin in ``resources/``, which
also holds that resource's HTTP route table.  To teach the stand-in a new resource, add a module
there with a ``StoreState`` mixin and a ``ROUTES`` list, add its collection to ``common.py``, and
list it here and in ``server.RESOURCE_MODULES``.
"""

from __future__ import annotations

from .resources.checkout import CheckoutStore
from .resources.clock import ClockStore
from .resources.coupons import CouponStore
from .resources.customers import CustomerStore
from .resources.invoices import InvoiceStore
from .resources.payments import PaymentStore
from .resources.portal import PortalStore
from .resources.prices import PriceStore
from .resources.products import ProductStore
from .resources.promotion_codes import PromotionCodeStore
from .resources.subscriptions import SubscriptionStore
from .resources.tax import TaxStore


class Store(
    CustomerStore,
    ProductStore,
    PriceStore,
    CouponStore,
    PromotionCodeStore,
    CheckoutStore,
    SubscriptionStore,
    InvoiceStore,
    TaxStore,
    PaymentStore,
    PortalStore,
    ClockStore,
):
    """All stand-in state and behaviour.  Public methods take the lock; ``_``-methods expect it
    held."""
