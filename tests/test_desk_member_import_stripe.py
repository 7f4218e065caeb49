"""Paying members in an import: linked to their Stripe customer by id, their subscriptions
fetched from Stripe, so access follows Stripe; never linked twice or to the wrong member."""

import pytest
from django.contrib.auth import get_user_model

from subscriptions.entitlements import has_paid_access
from subscriptions.models import Customer, Subscription
from subscriptions.stripe_client import get_client
from tests.desk_helpers import desk_staff
from tests.desk_import_helpers import confirm_and_run, dry_run
from tests.stripe_helpers import make_plan
from tests.users import verified_user

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def staff(client):
    user = desk_staff()
    client.force_login(user)
    return user


@pytest.fixture
def customer_paying_at_stripe(stripe_standin):
    """A Stripe customer with an active subscription that no member of ours is linked to
    (as after moving from Ghost or Substack with the same Stripe account)."""
    plan = make_plan(name="Digital")
    client = get_client()
    customer = client.v1.customers.create(params={"email": "payer@example.com"})
    client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": plan.monthly_price_id}]}
    )
    return customer.id


def test_a_paying_member_is_linked_by_customer_id_and_reads_as_stripe_says(
    client, staff, customer_paying_at_stripe
):
    data = f"email,name,stripe_customer_id\npayer@example.com,Pat,{customer_paying_at_stripe}\n"

    job = dry_run(client, data.encode(), "ghost")
    assert job.report["paying"] == 1
    assert not Subscription.objects.exists()  # the dry run asks Stripe nothing
    confirm_and_run(client, job)

    payer = User.objects.get(email="payer@example.com")
    assert Customer.objects.get(user=payer).stripe_id == customer_paying_at_stripe
    subscription = Subscription.objects.get(user=payer)
    assert (subscription.status, subscription.plan.name) == ("active", "Digital")
    assert has_paid_access(payer)


def test_importing_a_paying_member_again_makes_no_second_link_or_subscription(
    client, staff, customer_paying_at_stripe
):
    data = f"email,stripe_customer_id\npayer@example.com,{customer_paying_at_stripe}\n".encode()
    confirm_and_run(client, dry_run(client, data, "ghost"))

    again = dry_run(client, data, "ghost")
    confirm_and_run(client, again)

    assert again.report["counts"]["unchanged"] == 1
    assert Customer.objects.count() == 1
    assert Subscription.objects.count() == 1


def test_a_customer_stripe_does_not_know_is_skipped_and_nothing_is_made(
    client, staff, stripe_standin
):
    data = b"email,stripe_customer_id\nghost@example.com,cus_NoSuchCustomer\n"

    job = confirm_and_run(client, dry_run(client, data, "ghost"))

    assert job.problems == [
        {
            "line": 2,
            "email": "ghost@example.com",
            "reason": "Stripe has no customer cus_NoSuchCustomer",
        }
    ]
    assert not User.objects.filter(email="ghost@example.com").exists()


def test_a_customer_linked_to_another_member_is_never_moved(
    client, staff, customer_paying_at_stripe
):
    owner = verified_user("owner@example.com")
    Customer.objects.create(user=owner, stripe_id=customer_paying_at_stripe)
    data = f"email,stripe_customer_id\nthief@example.com,{customer_paying_at_stripe}\n"

    job = confirm_and_run(client, dry_run(client, data.encode(), "ghost"))

    reason = f"Stripe customer {customer_paying_at_stripe} belongs to owner@example.com"
    assert job.report["problems"][0]["reason"] == reason
    assert not User.objects.filter(email="thief@example.com").exists()
    assert Customer.objects.get(stripe_id=customer_paying_at_stripe).user == owner


def test_a_customer_id_that_is_not_one_is_a_bad_row(client, staff):
    job = dry_run(client, b"email,stripe_customer_id\nauto@example.com,auto\n", "ghost")

    assert job.report["problems"] == [
        {
            "line": 2,
            "email": "auto@example.com",
            "reason": "stripe_customer_id is “auto”, not a Stripe customer id (cus_…)",
        }
    ]
