"""A gift is recorded when Stripe says it is paid: from the webhook or the buyer's return, both
re-fetching the Checkout Session, once; never from what the browser alone says. The buyer gets
a receipt in the shared email layout."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from giftsubs.models import Gift
from newsroom import clock
from tests.gift_helpers import pay_for, session_of, start_gift
from tests.stripe_helpers import event, make_plan, post_event
from tests.task_helpers import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(stripe_standin):
    return make_plan(monthly=900, yearly=9000)


def deliveries():
    return DBTaskResult.objects.filter(task_path="giftsubs.tasks.deliver_gift")


def test_the_buyers_return_records_the_paid_gift_and_thanks_them(client, plan):
    thanks = pay_for(client, start_gift(client, deliver_on=clock.localdate().isoformat()))
    assert thanks.status_code == 200
    text = thanks.content.decode()
    assert "Thank you for your gift" in text and "friend@example.com" in text
    gift = Gift.objects.get()
    assert gift.state == "paid" and gift.payment_intent_id.startswith("pi_")
    assert gift.claim_by - gift.paid_at == timedelta(days=365)
    assert deliveries().count() == 1


def test_the_buyer_gets_one_receipt_in_the_email_layout(client, plan, stripe_standin):
    response = start_gift(client)
    thanks = pay_for(client, response)
    client.get(thanks.wsgi_request.get_full_path())  # a reload records nothing twice
    run_queued_tasks()
    receipts = [m for m in mail.outbox if m.to == ["buyer@example.com"]]
    assert len(receipts) == 1
    (receipt,) = receipts
    assert receipt.subject.startswith("Your receipt: a 3-month gift")
    assert "$27.00" in receipt.body and "friend@example.com" in receipt.body
    html = receipt.alternatives[0][0]
    assert "Thank you for giving" in html and 'class="masthead"' in html


def test_the_webhook_records_the_gift_from_the_session_as_stripe_has_it(
    client, plan, stripe_standin
):
    from devtools.stripe_standin.testing import pay

    session = session_of(stripe_standin, start_gift(client))
    pay(session["url"])
    completed = stripe_standin.store.data["checkout_sessions"][session["id"]]
    # What the event carries is not trusted: the handler re-fetches the session.
    forged = dict(completed, amount_total=1)
    assert post_event(client, event("checkout.session.completed", forged)).status_code == 200
    run_queued_tasks()  # the stored event is processed by a task
    gift = Gift.objects.get()
    assert gift.state == "paid" and gift.amount == 2700
    assert deliveries().count() == 1
    # Stripe's redelivery, or the buyer's return afterwards: still one gift, one delivery.
    post_event(client, event("checkout.session.completed", completed))
    run_queued_tasks()
    client.get(f"/give/thanks/?session_id={session['id']}")
    assert deliveries().count() == 1


def test_an_event_for_an_unpaid_session_records_nothing(client, plan, stripe_standin):
    session = session_of(stripe_standin, start_gift(client))
    claimed = dict(session, status="complete", payment_status="paid")
    assert post_event(client, event("checkout.session.completed", claimed)).status_code == 200
    run_queued_tasks()  # the stored event is processed by a task
    assert Gift.objects.get().state == "pending"
    assert not deliveries().exists()


def test_returning_before_paying_shows_no_gift_and_records_nothing(client, plan, stripe_standin):
    session = session_of(stripe_standin, start_gift(client))
    response = client.get(f"/give/thanks/?session_id={session['id']}")
    assert response.status_code == 202
    assert "We have no paid gift to show here" in response.content.decode()
    assert Gift.objects.get().state == "pending"


@pytest.mark.parametrize("session_id", ["cs_test_nosuchsession", "not-a-session", ""])
def test_a_forged_return_shows_no_gift(client, plan, session_id):
    response = client.get("/give/thanks/", {"session_id": session_id})
    assert response.status_code == 404
    assert "We have no paid gift to show here" in response.content.decode()


def test_a_subscription_checkout_is_not_taken_for_a_gift(client, plan, stripe_standin, reader):
    from devtools.stripe_standin.testing import pay

    client.force_login(reader)
    response = client.post("/subscribe/checkout/", {"plan": plan.pk, "interval": "month"})
    session_id = response["Location"].rsplit("/", 1)[-1]
    pay(response["Location"], email=reader.email)
    done = stripe_standin.store.data["checkout_sessions"][session_id]
    post_event(client, event("checkout.session.completed", json.loads(json.dumps(done))))
    run_queued_tasks()
    assert not Gift.objects.exists()
    assert reader.subscriptions.get().status == "active"
