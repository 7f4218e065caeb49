"""Editors grant complimentary access in the admin; deleting an account ends its billing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from subscriptions.entitlements import has_paid_access
from subscriptions.models import ComplimentaryAccess, Customer, Subscription
from subscriptions.services import cancel_subscriptions_for_deleted_user, sync_subscription
from tests.stripe_helpers import (
    deliver,
    event,
    make_plan,
    subscribe_at_stripe,
)
from tests.users import verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff_without_group):
    staff_without_group.is_superuser = True
    staff_without_group.save()
    client.force_login(staff_without_group)
    return client


def test_an_editor_grants_complimentary_access_in_the_admin(
    admin_client, staff_without_group, reader
):
    expires = timezone.now() + timedelta(days=30)
    response = admin_client.post(
        "/admin/subscriptions/complimentaryaccess/add/",
        {
            "user": reader.pk,
            "reason": "Press pass",
            "expires_at_0": expires.strftime("%Y-%m-%d"),
            "expires_at_1": "12:00:00",
        },
    )
    assert response.status_code == 302
    comp = ComplimentaryAccess.objects.get()
    assert (comp.user, comp.reason, comp.granted_by) == (reader, "Press pass", staff_without_group)
    assert has_paid_access(type(reader).objects.get(pk=reader.pk))


def test_comp_access_and_subscriptions_are_listed_together_in_the_admin(
    admin_client, reader, subscriber
):
    ComplimentaryAccess.objects.create(user=reader, reason="Press pass")
    index = admin_client.get("/admin/subscriptions/").content.decode()
    assert "Complimentary access" in index and "Subscriptions" in index and "Plans" in index
    comps = admin_client.get("/admin/subscriptions/complimentaryaccess/").content.decode()
    assert "reader@example.com" in comps and "Press pass" in comps
    subs = admin_client.get("/admin/subscriptions/subscription/").content.decode()
    assert "subscriber@example.com" in subs


def test_deleting_an_account_cancels_its_live_subscriptions_at_stripe(stripe_standin, reader):
    plan = make_plan()
    first = subscribe_at_stripe(reader, plan)
    sync_subscription(stripe_subscription_id=first["id"])
    # One Stripe knows about and we never heard of (a lost webhook).
    unseen = subscribe_at_stripe(reader, plan)
    bystander = verified_user("bystander@example.com")
    theirs = subscribe_at_stripe(bystander, plan)

    cancel_subscriptions_for_deleted_user(user=reader)

    subs = stripe_standin.store.data["subscriptions"]
    assert subs[first["id"]]["status"] == "canceled"
    assert subs[unseen["id"]]["status"] == "canceled"
    assert subs[theirs["id"]]["status"] == "active"
    assert Subscription.objects.get(stripe_id=first["id"]).status == "canceled"


def test_deleting_an_account_without_billing_is_a_no_op(stripe_standin, reader):
    cancel_subscriptions_for_deleted_user(user=reader)
    assert not stripe_standin.store.data["subscriptions"]


def test_a_signed_checkout_event_cannot_claim_someone_elses_session(client, stripe_standin, reader):
    """Who a session belongs to is read back from Stripe, never from the event body."""
    plan = make_plan()
    payer = verified_user("payer@example.com")
    sub = subscribe_at_stripe(payer, plan)
    Customer.objects.filter(user=payer).delete()  # as if we had lost the link
    session = stripe_standin.store.create_checkout_session(
        {
            "mode": "subscription",
            "customer": sub["customer"],
            "line_items": [{"price": plan.monthly_price_id, "quantity": 1}],
            "success_url": "http://testserver/ok",
        },
        stripe_standin.url,
    )
    claimed = {
        **session,
        "status": "complete",
        "client_reference_id": str(reader.pk),
        "subscription": sub["id"],
    }
    assert deliver(client, event("checkout.session.completed", claimed)).status_code == 200
    assert not Customer.objects.filter(user=reader).exists()
    assert not Subscription.objects.filter(user=reader).exists()


def test_store_subscription_fixture_is_a_real_stored_subscription(subscriber):
    assert Subscription.objects.get(user=subscriber).status == "active"
    assert has_paid_access(type(subscriber).objects.get(pk=subscriber.pk))


def test_an_unknown_reader_in_subscription_metadata_is_not_trusted_over_the_customer_link(
    client, stripe_standin, reader
):
    plan = make_plan()
    other = verified_user("other@example.com")
    sub = subscribe_at_stripe(other, plan, metadata={"user_id": str(reader.pk)})
    assert deliver(client, event("customer.subscription.created", sub)).status_code == 200
    assert Subscription.objects.get().user == other
