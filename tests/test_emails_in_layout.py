"""Welcome, billing and account emails wear the newsletters' layout: HTML in the table layout
with its CSS inlined, and a text alternative. Those the reader does not wait for are queued
and sent by a worker; sign-in and sign-up codes go at once."""

import re

import pytest
from django.core import mail

from subscriptions.models import DuplicateSubscription
from subscriptions.services import (
    notify_payment_action_required,
    notify_payment_failed,
    notify_trial_ending,
)
from subscriptions.services.duplicates import _tell_reader_of_duplicate
from tests.stripe_helpers import store_subscription
from tests.task_helpers import run_queued_tasks
from tests.test_accounts_signup import code_from, sign_up

pytestmark = pytest.mark.django_db

POSTAL_ADDRESS = "The Newsroom, 1 Harbour Street, Port Ellery PE1 1AA"


def html_of(message) -> str:
    (alternative,) = message.alternatives
    assert alternative.mimetype == "text/html"
    return alternative.content


def assert_in_the_layout(message, *, heading: str, button: str | None = None):
    html = html_of(message)
    assert '<table role="presentation"' in html
    assert re.search(r'<td class="masthead" style="[^"]*font-family: Georgia', html)
    # css-inline copied the stylesheet onto the elements: the footer's rule is on the footer.
    assert re.search(r'<td class="footer" style="[^"]*border-top: 1px solid #ddd6c8', html)
    assert re.search(rf"<h1[^>]*>{re.escape(heading)}</h1>", html), html
    if button:
        assert re.search(
            rf'<td class="button" style="[^"]*background: #9b2c1b[^>]*><a [^>]*>'
            rf"{re.escape(button)}</a>",
            html,
        ), html
    assert POSTAL_ADDRESS in html
    assert "nothing to unsubscribe from" in html
    # The text alternative says the same, without markup.
    assert "<" not in message.body.replace("<http", "")
    return html


def subscription_for(reader):
    subscription = store_subscription(reader)
    return subscription, subscription.stripe_customer_id


def queued_payment_failed(reader):
    _, customer = subscription_for(reader)
    notify_payment_failed(invoice_id="in_1", customer_id=customer, amount_due=900, currency="usd")
    return "Your payment failed", "Update your card", "We could not take your last payment"


def queued_payment_action_required(reader, settings):
    _, customer = subscription_for(reader)
    url = "https://invoice.stripe.com/i/acct_1/test_1"
    notify_payment_action_required(
        invoice={
            "id": "in_2",
            "customer": customer,
            "hosted_invoice_url": url,
            "amount_due": 900,
            "currency": "usd",
        }
    )
    return "Please confirm your payment", "Confirm your payment", url


def queued_trial_ending(reader):
    subscription, _ = subscription_for(reader)
    notify_trial_ending(subscription=subscription)
    return "Your free trial ends soon", "Your account", "Your subscription then continues"


def queued_duplicate_cancelled(reader):
    record = DuplicateSubscription.objects.create(
        user=reader,
        stripe_id="sub_two",
        kept_stripe_id="sub_one",
        amount_refunded=900,
        currency="usd",
    )
    _tell_reader_of_duplicate(record)
    return (
        "We cancelled your second subscription",
        "Your account",
        "the refund reaches your card within a few days",
    )


@pytest.mark.parametrize(
    "queue", ["payment_failed", "payment_action_required", "trial_ending", "duplicate_cancelled"]
)
def test_each_billing_email_is_queued_in_the_layout_with_a_text_alternative(
    reader, settings, queue
):
    builders = {
        "payment_failed": lambda: queued_payment_failed(reader),
        "payment_action_required": lambda: queued_payment_action_required(reader, settings),
        "trial_ending": lambda: queued_trial_ending(reader),
        "duplicate_cancelled": lambda: queued_duplicate_cancelled(reader),
    }
    heading, button, sentence = builders[queue]()
    assert mail.outbox == []  # queued, not sent by the caller
    assert run_queued_tasks() == 1
    (message,) = mail.outbox
    assert message.to == [reader.email]
    html = assert_in_the_layout(message, heading=heading, button=button)
    assert sentence in html
    assert sentence in message.body


def test_the_billing_subjects_are_unchanged(reader, settings):
    queued_payment_failed(reader)
    queued_trial_ending(reader)
    run_queued_tasks()
    assert [m.subject for m in mail.outbox] == [
        "Your payment to The Newsroom failed",
        "Your The Newsroom trial ends soon",
    ]


def test_the_welcome_email_is_in_the_layout_and_sent_by_a_worker(client):
    sign_up(client, "new.reader@example.com")
    client.post("/accounts/confirm-email/", {"code": code_from(mail.outbox[0])})
    assert len(mail.outbox) == 1
    assert run_queued_tasks() == 1
    welcome = mail.outbox[-1]
    assert welcome.subject == "Welcome to The Newsroom"
    html = assert_in_the_layout(welcome, heading="Welcome to The Newsroom", button="See the plans")
    assert 'href="http://localhost:8000/pricing/"' in html
    assert "http://localhost:8000/pricing/" in welcome.body


def test_the_sign_up_code_goes_at_once_in_the_layout(client):
    sign_up(client, "new.reader@example.com")
    assert run_queued_tasks() == 0
    (code_email,) = mail.outbox
    html = html_of(code_email)
    code = code_from(code_email)
    assert code in html
    assert re.search(r'<td class="masthead" style="[^"]*font-family: Georgia', html)
    assert POSTAL_ADDRESS in html
