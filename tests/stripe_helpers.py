"""Helpers for the subscriptions tests: stored subscriptions, stand-in catalogue, signed events."""

import itertools
import json
import time
from datetime import timedelta

import stripe
from django.conf import settings
from django.utils import timezone

from newsroom.stripe_defaults import API_VERSION
from subscriptions.models import Customer, Plan, Subscription
from subscriptions.stripe_client import as_dict, get_client

_seq = itertools.count(1)


def store_subscription(user, *, status="active", **fields):
    """A subscription row as a sync would leave it, without talking to Stripe."""
    n = next(_seq)
    customer, _ = Customer.objects.get_or_create(
        user=user, defaults={"stripe_id": f"cus_stored{user.pk}x{n}"}
    )
    fields.setdefault("current_period_end", timezone.now() + timedelta(days=30))
    fields.setdefault("interval", "month")
    if status == "past_due":
        fields.setdefault("past_due_since", timezone.now())
    return Subscription.objects.create(
        stripe_id=f"sub_stored{n}",
        user=user,
        stripe_customer_id=customer.stripe_id,
        status=status,
        **fields,
    )


def make_plan(*, name="Digital", monthly=900, yearly=9000, currency="usd", **fields):
    """A plan whose prices exist in the stand-in."""
    client = get_client()
    product = client.v1.products.create(params={"name": name})
    prices = {}
    for interval, amount in (("month", monthly), ("year", yearly)):
        prices[interval] = client.v1.prices.create(
            params={
                "product": product.id,
                "currency": currency,
                "unit_amount": amount,
                "recurring": {"interval": interval},
            }
        )
    return Plan.objects.create(
        name=name,
        benefits="Every story\nThe daily briefing",
        stripe_product_id=product.id,
        monthly_price_id=prices["month"].id,
        yearly_price_id=prices["year"].id,
        monthly_amount=monthly,
        yearly_amount=yearly,
        currency=currency,
        **fields,
    )


def stripe_customer_for(user) -> str:
    customer = Customer.objects.filter(user=user).first()
    if customer:
        return customer.stripe_id
    created = get_client().v1.customers.create(params={"email": user.email})
    Customer.objects.create(user=user, stripe_id=created.id)
    return created.id


def subscribe_at_stripe(user, plan, *, interval="month", **params) -> dict:
    """A subscription created at the stand-in (as if paid through Checkout), not yet stored."""
    customer = stripe_customer_for(user)
    sub = get_client().v1.subscriptions.create(
        params={
            "customer": customer,
            "items": [{"price": plan.price_id(interval)}],
            "metadata": {"user_id": str(user.pk)},
            **params,
        }
    )
    return as_dict(sub)


def event(event_type: str, obj: dict, *, event_id: str | None = None, **extra) -> dict:
    return {
        "id": event_id or f"evt_test{next(_seq)}",
        "object": "event",
        "api_version": API_VERSION,
        "created": int(time.time()),
        "type": event_type,
        "livemode": False,
        "data": {"object": obj},
        **extra,
    }


def sign(payload: str, *, secret: str | None = None, timestamp: int | None = None) -> str:
    """A Stripe-Signature header, made by stripe-python's own signing helper."""
    return stripe.WebhookSignature.generate_signature_header(
        payload, secret or settings.STRIPE_WEBHOOK_SECRET, timestamp=timestamp
    )


def post_event(client, evt, *, secret=None, timestamp=None, signature=None):
    payload = evt if isinstance(evt, str) else json.dumps(evt)
    header = (
        signature if signature is not None else sign(payload, secret=secret, timestamp=timestamp)
    )
    headers = {"Stripe-Signature": header} if header else {}
    return client.post(
        "/stripe/webhook/", data=payload, content_type="application/json", headers=headers
    )


def deliver(client, evt, **options):
    """Post a signed event as Stripe would, then let a worker process what was stored."""
    from tests.task_helpers import run_queued_tasks

    response = post_event(client, evt, **options)
    run_queued_tasks()
    return response


def invoice_for(subscription: dict, *, invoice_id=None) -> dict:
    """An invoice object naming its subscription the post-2025-03-31 way."""
    return {
        "id": invoice_id or f"in_test{next(_seq)}",
        "object": "invoice",
        "customer": subscription["customer"],
        "amount_due": 900,
        "currency": "usd",
        "parent": {
            "type": "subscription_details",
            "subscription_details": {"subscription": subscription["id"], "metadata": {}},
        },
    }
