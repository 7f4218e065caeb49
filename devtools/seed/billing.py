"""Demo catalogue and the demo subscriber's subscription, in Stripe (the stand-in) and here.

Called by `seed_demo`. Idempotent: products and prices are found by lookup key, the
subscriber's customer and subscription are reused. Stripe being unreachable only warns.
"""

import stripe

from subscriptions.models import Customer, Offer, Plan, Status, Subscription
from subscriptions.services import (
    apply_subscription,
    create_offer_at_stripe,
    ensure_customer,
    is_missing,
    live_subscription,
    sync_subscription,
)
from subscriptions.stripe_client import UNAVAILABLE, as_dict, get_client

CATALOGUE = [
    {
        "key": "newsroom_digital",
        "name": "Digital",
        "benefits": "Every story on the site, in full\n"
        "Whole stories in our newsletters, not just the opening\nCancel any time",
        "monthly": 900,
        "yearly": 9000,
        "order": 1,
    },
    {
        "key": "newsroom_supporter",
        "name": "Supporter",
        "benefits": "Everything in Digital\nA larger share of what our reporting costs",
        "monthly": 1900,
        "yearly": 19000,
        "order": 2,
    },
]
CURRENCY = "gbp"  # the demo stories are British


def _price(client, *, product_id: str, key: str, interval: str, amount: int) -> str:
    found = client.v1.prices.list(params={"lookup_keys": [key], "limit": 1}).data
    if found:
        return found[0].id
    created = client.v1.prices.create(
        params={
            "product": product_id,
            "currency": CURRENCY,
            "unit_amount": amount,
            "recurring": {"interval": interval},
            "lookup_key": key,
        },
        options={"idempotency_key": f"newsroom-demo-price-{key}"},
    )
    return created.id


def _product(client, *, key: str, name: str) -> str:
    try:
        return client.v1.products.retrieve(key).id
    except stripe.InvalidRequestError:
        return client.v1.products.create(params={"id": key, "name": name}).id


def ensure_catalogue(client) -> list[Plan]:
    plans = []
    for entry in CATALOGUE:
        product_id = _product(client, key=entry["key"], name=entry["name"])
        monthly = _price(
            client,
            product_id=product_id,
            key=f"{entry['key']}_monthly",
            interval="month",
            amount=entry["monthly"],
        )
        yearly = _price(
            client,
            product_id=product_id,
            key=f"{entry['key']}_yearly",
            interval="year",
            amount=entry["yearly"],
        )
        plan, _ = Plan.objects.update_or_create(
            stripe_product_id=product_id,
            defaults={
                "name": entry["name"],
                "benefits": entry["benefits"],
                "monthly_price_id": monthly,
                "yearly_price_id": yearly,
                "monthly_amount": entry["monthly"],
                "yearly_amount": entry["yearly"],
                "currency": CURRENCY,
                "active": True,
                "order": entry["order"],
            },
        )
        plans.append(plan)
    return plans


DEMO_OFFER = {
    "code": "WELCOME",
    "name": "Welcome: half price for three months",
    "description": "For readers of the demo.",
    "kind": Offer.Kind.PERCENT,
    "percent_off": 50,
    "duration": Offer.Duration.REPEATING,
    "duration_in_months": 3,
}


def ensure_offer(client, plans: list[Plan]) -> Offer:
    """The demo's offer at /offer/WELCOME/, made again if Stripe no longer knows its code."""
    offer = Offer.objects.filter(code=DEMO_OFFER["code"]).first()
    if offer is not None:
        if offer.archived_at is not None:
            return offer  # an editor archived it: leave it so
        try:
            if client.v1.promotion_codes.retrieve(offer.stripe_promotion_code_id).active:
                return offer
        except stripe.InvalidRequestError as error:
            if not is_missing(error):
                raise
        offer.delete()
    offer = Offer(**DEMO_OFFER)
    create_offer_at_stripe(offer=offer, plans=plans)
    offer.save()
    return offer


def _current_customer(client, user) -> Customer:
    customer = ensure_customer(user=user)
    try:
        gone = bool(getattr(client.v1.customers.retrieve(customer.stripe_id), "deleted", False))
    except stripe.InvalidRequestError as error:
        if not is_missing(error):
            raise
        gone = True
    if gone:
        customer.delete()
        customer = ensure_customer(user=user)
    return customer


def seed(*, subscriber, stdout) -> None:
    client = get_client()
    try:
        # One quick try first: with no Stripe around, say so at once instead of retrying.
        client.v1.products.list(params={"limit": 1}, options={"max_network_retries": 0})
        plans = ensure_catalogue(client)
        try:
            offer = ensure_offer(client, plans)
            stdout.write(f"  Offer: {offer.get_absolute_url()} ({offer.terms()}).")
        except stripe.InvalidRequestError as error:
            # A stand-in state kept from an older database already holds the code. The offer is
            # a nicety; the demo subscriber below is not, so carry on without it.
            stdout.write(
                f"  Warning: the demo offer was not made: {error.user_message or error} "
                "(remove var/stripe-standin.json to start the stand-in afresh)."
            )
        customer = _current_customer(client, subscriber)
        # Our rows may outlive the stand-in's state file: ask Stripe before trusting them.
        for stored in Subscription.objects.live().filter(user=subscriber):
            sync_subscription(stripe_subscription_id=stored.stripe_id)
        if live_subscription(user=subscriber):
            stdout.write(f"  {subscriber.email} already has a subscription.")
            return
        existing = client.v1.subscriptions.list(
            params={"customer": customer.stripe_id, "limit": 1}
        ).data
        sub = existing[0] if existing else None
        if sub is None or sub.status not in (Status.ACTIVE, Status.TRIALING):
            sub = client.v1.subscriptions.create(
                params={
                    "customer": customer.stripe_id,
                    "items": [{"price": plans[0].monthly_price_id}],
                    "metadata": {"user_id": str(subscriber.pk)},
                },
            )
        apply_subscription(data=as_dict(sub), user=subscriber)
        stdout.write(f"  {subscriber.email} subscribes to {plans[0].name} (monthly).")
    except UNAVAILABLE as error:
        stdout.write(
            "  Warning: Stripe is unreachable, so plans and the demo subscription were not "
            f"seeded ({type(error).__name__}). Start the stand-in (make run does) and seed again."
        )
    except stripe.StripeError as error:
        stdout.write(f"  Warning: Stripe refused the demo catalogue: {error.user_message or error}")
