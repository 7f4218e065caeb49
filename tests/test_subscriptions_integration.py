"""End to end: stripe-python talks to the stand-in over HTTP, and the stand-in posts signed
webhooks to a live server running the site. No test double anywhere in between."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from devtools.stripe_standin.testing import pay, request
from subscriptions.entitlements import has_paid_access
from subscriptions.models import StripeEvent, Subscription
from tests.factories import SECRET_SENTENCE, make_article
from tests.stripe_helpers import make_plan
from tests.task_helpers import run_queued_tasks

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hooked(stripe_standin, live_server, settings):
    """The stand-in delivering webhooks to the live site."""
    stripe_standin.configure_webhooks(
        f"{live_server.url}/stripe/webhook/", settings.STRIPE_WEBHOOK_SECRET
    )
    return stripe_standin


def settle(standin):
    result = standin.flush_webhooks(timeout=20)
    assert result["pending"] == 0
    failed = [d for d in standin.deliveries() if not d["ok"]]
    assert not failed, failed
    run_queued_tasks()  # the site stored the events; a worker applies them
    assert not StripeEvent.objects.exclude(processed_at__isnull=False).exists()
    return result


def can_read(user):
    return has_paid_access(type(user).objects.get(pk=user.pk))


def portal(client, standin, action, **form):
    response = client.post("/account/billing/")
    assert response.status_code == 303
    sub = Subscription.objects.get()
    result = request(
        "POST", response["Location"], form={"action": action, "subscription": sub.stripe_id, **form}
    )
    assert result.status == 200, result.text
    settle(standin)
    return Subscription.objects.get()


def subscribe(client, reader, plan, *, next_url=""):
    client.force_login(reader)
    response = client.post(
        "/subscribe/checkout/", {"plan": plan.pk, "interval": "month", "next": next_url}
    )
    assert response.status_code == 303
    return pay(response["Location"], email=reader.email)


def test_webhooks_alone_give_access_then_cancel_at_period_end_keeps_it_until_the_end(
    client, hooked, reader
):
    plan = make_plan()
    article = make_article()
    paid = subscribe(client, reader, plan, next_url=article.get_absolute_url())
    assert paid.status == 303
    settle(hooked)
    # Before the reader's browser comes back, the webhooks have already stored it.
    assert Subscription.objects.get().status == "active"
    assert can_read(reader)
    types = set(StripeEvent.objects.values_list("type", flat=True))
    assert {"customer.subscription.created", "invoice.paid", "checkout.session.completed"} <= types

    back = urlsplit(paid.header("Location"))
    assert client.get(f"{back.path}?{back.query}")["Location"] == article.get_absolute_url()
    assert SECRET_SENTENCE in client.get(article.get_absolute_url()).content.decode()

    stored = portal(client, hooked, "cancel_at_period_end")
    assert stored.cancel_at_period_end and stored.status == "active"
    assert can_read(reader)

    hooked.advance(days=32)
    settle(hooked)
    assert Subscription.objects.get().status == "canceled"
    assert not can_read(reader)
    assert SECRET_SENTENCE not in client.get(article.get_absolute_url()).content.decode()

    # Resubscribing restores access.
    assert subscribe(client, reader, plan).status == 303
    settle(hooked)
    assert can_read(reader)
    assert Subscription.objects.filter(status="active").count() == 1


def test_cancel_now_ends_access_and_resume_before_the_end_keeps_it(client, hooked, reader):
    plan = make_plan()
    subscribe(client, reader, plan)
    settle(hooked)
    stored = portal(client, hooked, "cancel_at_period_end")
    assert stored.cancel_at_period_end
    stored = portal(client, hooked, "resume")
    assert not stored.cancel_at_period_end and can_read(reader)
    stored = portal(client, hooked, "cancel_now")
    assert stored.status == "canceled"
    assert not can_read(reader)


def test_a_plan_switch_in_the_portal_is_stored(client, hooked, reader):
    plan = make_plan()
    premium = make_plan(name="Premium", monthly=1500, yearly=15000)
    subscribe(client, reader, plan)
    settle(hooked)
    stored = portal(client, hooked, "switch", price=premium.yearly_price_id)
    assert stored.plan == premium and stored.interval == "year"


def test_a_failed_renewal_gives_grace_a_banner_and_one_email_then_ends_access(
    client, hooked, reader, settings
):
    settings.SUBSCRIPTION_GRACE_DAYS = 3
    plan = make_plan()
    article = make_article()
    subscribe(client, reader, plan)
    settle(hooked)
    customer = Subscription.objects.get().stripe_customer_id
    result = request(
        "POST",
        f"{hooked.url}/_standin/customers/{customer}/card",
        form={"number": "4000000000000341"},
    )
    assert result.status == 200
    mail.outbox.clear()

    hooked.advance(days=32)
    settle(hooked)
    stored = Subscription.objects.get()
    assert stored.status == "past_due"
    assert can_read(reader)
    page = client.get(article.get_absolute_url()).content.decode()
    assert SECRET_SENTENCE in page
    assert "Your last payment failed" in page
    run_queued_tasks()  # applying the event queued the email; a worker sends it
    assert len(mail.outbox) == 1
    assert reader.email in mail.outbox[0].to
    assert "/account/" in mail.outbox[0].body

    # Grace is counted from when we saw it fail; past it, the reader is back to the preview.
    Subscription.objects.update(past_due_since=timezone.now() - timedelta(days=4))
    assert not can_read(reader)
    assert SECRET_SENTENCE not in client.get(article.get_absolute_url()).content.decode()


def test_webhooks_that_fail_at_first_are_retried_and_applied_once(client, hooked, reader, settings):
    plan = make_plan()
    real_secret = settings.STRIPE_WEBHOOK_SECRET
    # The site rotates its secret: every delivery is refused (400) until it matches again.
    settings.STRIPE_WEBHOOK_SECRET = "whsec_rotated"
    hooked.configure_webhooks(hooked.dispatcher.url, real_secret, max_attempts=8, backoff=0.2)
    subscribe(client, reader, plan)
    hooked.dispatcher.flush(timeout=0.5)
    assert not Subscription.objects.exists()
    settings.STRIPE_WEBHOOK_SECRET = real_secret
    hooked.flush_webhooks(timeout=20)
    run_queued_tasks()
    assert Subscription.objects.get().status == "active"
    ids = list(StripeEvent.objects.values_list("event_id", flat=True))
    assert len(ids) == len(set(ids))
