"""A member's status (free, trial, paying, past due, complimentary, cancelled) comes from one
SQL expression in subscriptions.entitlements, built from the same rows as the access rule."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from subscriptions.entitlements import has_paid_access, with_member_status
from subscriptions.models import ComplimentaryAccess
from tests.desk_helpers import member_in
from tests.stripe_helpers import store_subscription
from tests.users import verified_user

pytestmark = pytest.mark.django_db


def status_of(user) -> str:
    return with_member_status(get_user_model().objects.filter(pk=user.pk)).get().member_status


@pytest.mark.parametrize(
    ("status", "reads_paid_work"),
    [
        ("paying", True),
        ("trial", True),
        ("past_due", True),  # within the grace period
        ("complimentary", True),
        ("cancelled", False),
        ("free", False),
    ],
)
def test_each_status_follows_from_the_members_rows_and_agrees_with_the_access_rule(
    status, reads_paid_work
):
    member = member_in(status, f"{status}@example.com")

    assert status_of(member) == status
    assert has_paid_access(member) is reads_paid_work


def test_a_paying_member_with_a_comp_as_well_is_paying():
    member = member_in("paying", "both@example.com")
    ComplimentaryAccess.objects.create(user=member, reason="Press")

    assert status_of(member) == "paying"


def test_an_expired_comp_leaves_a_free_member():
    member = verified_user("was-comped@example.com")
    ComplimentaryAccess.objects.create(
        user=member, reason="Press", expires_at=timezone.now() - timedelta(days=1)
    )

    assert status_of(member) == "free"
    assert has_paid_access(member) is False


def test_a_checkout_left_unpaid_is_not_a_cancelled_member():
    member = verified_user("unpaid-checkout@example.com")
    store_subscription(member, status="incomplete_expired")

    assert status_of(member) == "free"


def test_a_member_who_resubscribed_after_cancelling_is_paying():
    member = member_in("cancelled", "back@example.com")
    store_subscription(member, status="active")

    assert status_of(member) == "paying"
