"""Strong customer authentication at renewal: `invoice.payment_action_required` emails the
reader Stripe's hosted invoice link once; access follows the grace rule of a failed payment."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from devtools.stripe_standin.testing import pay, request
from subscriptions.models import PaymentActionNotice, Subscription
from tests.factories import SECRET_SENTENCE, make_article
from tests.stripe_helpers import deliver, make_plan, post_event
from tests.task_helpers import run_queued_tasks

pytestmark = pytest.mark.django_db

AUTHENTICATE = "4000 0027 6000 3184"


def events_of(standin, kind):
    return [e for e in standin.store.data["events"].values() if e["type"] == kind]


@pytest.fixture
def renewal_needing_authentication(client, reader, stripe_standin, settings):
    """A reader who subscribed with the 3184 card, a month later."""
    settings.SUBSCRIPTION_GRACE_DAYS = 3
    plan = make_plan()
    client.force_login(reader)
    started = client.post("/subscribe/checkout/", {"plan": plan.pk, "interval": "month"})
    paid = pay(started["Location"], card=AUTHENTICATE, email=reader.email)
    back = urlsplit(paid.header("Location"))
    client.get(f"{back.path}?{back.query}")
    assert Subscription.objects.get(user=reader).status == "active"
    stripe_standin.advance(days=31)
    (event,) = events_of(stripe_standin, "invoice.payment_action_required")
    return event


def test_the_reader_is_emailed_the_hosted_invoice_link_once(
    client, reader, renewal_needing_authentication, mailoutbox, django_capture_on_commit_callbacks
):
    event = renewal_needing_authentication
    url = event["data"]["object"]["hosted_invoice_url"]
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(Client(), event).status_code == 200
        assert post_event(Client(), event).status_code == 200  # Stripe redelivers
        redelivered = dict(event, id=event["id"] + "x")  # the same invoice, another event
        assert post_event(Client(), redelivered).status_code == 200
    # The webhook only stored the events; a worker applies them and queues the email, which a
    # worker sends.
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        run_queued_tasks()
    run_queued_tasks()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [reader.email]
    assert mail.subject == "Please confirm your payment to The Newsroom"
    assert "Your bank asks you to confirm your payment of $9.00" in mail.body
    assert url in mail.body
    assert PaymentActionNotice.objects.count() == 1


def test_access_follows_the_grace_rule_while_the_payment_waits(
    client, reader, renewal_needing_authentication
):
    deliver(Client(), renewal_needing_authentication)
    stored = Subscription.objects.get(user=reader)
    assert stored.status == "past_due"
    article = make_article()
    page = client.get(article.get_absolute_url()).content.decode()
    assert SECRET_SENTENCE in page
    Subscription.objects.filter(pk=stored.pk).update(
        past_due_since=timezone.now() - timedelta(days=4)
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert "This post is for paying subscribers only" in page
    assert SECRET_SENTENCE not in page


def test_confirming_on_the_hosted_page_makes_the_subscription_active_again(
    client, reader, stripe_standin, renewal_needing_authentication
):
    deliver(Client(), renewal_needing_authentication)
    url = renewal_needing_authentication["data"]["object"]["hosted_invoice_url"]
    assert "Confirm payment" in request("GET", url).text
    before = len(stripe_standin.store.data["events"])
    request("POST", url, form={})
    for event in list(stripe_standin.store.data["events"].values())[before:]:
        assert deliver(Client(), event).status_code == 200
    assert Subscription.objects.get(user=reader).status == "active"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "http://evil.example/pay", "/relative", None, 42]
)
def test_an_event_with_a_link_that_is_not_stripes_sends_nothing(
    reader, renewal_needing_authentication, mailoutbox, django_capture_on_commit_callbacks, url
):
    event = renewal_needing_authentication
    event["data"]["object"]["hosted_invoice_url"] = url
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(Client(), event).status_code in (200, 400)
        run_queued_tasks()
    run_queued_tasks()
    assert not mailoutbox
    assert not PaymentActionNotice.objects.exists()
