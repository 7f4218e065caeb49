"""The publisher's actions on a member: comp, extend a comp, cancel, refund the last invoice.
Each asks for confirmation, needs its permission, goes through Stripe where money is involved,
and writes the audit log."""

from datetime import timedelta

import pytest
from django.utils import timezone

from desk.models import AuditEntry
from subscriptions.entitlements import has_paid_access
from subscriptions.models import ComplimentaryAccess, Subscription
from subscriptions.services import sync_subscription
from subscriptions.stripe_client import get_client
from tests.desk_helpers import desk_staff, member_in
from tests.stripe_helpers import make_plan, subscribe_at_stripe
from tests.users import verified_user

pytestmark = pytest.mark.django_db


def url(member, action: str) -> str:
    return f"/admin/desk/member/{member.pk}/{action}/"


@pytest.fixture
def staff(client):
    user = desk_staff()
    client.force_login(user)
    return user


@pytest.fixture
def paying(stripe_standin):
    plan = make_plan(name="Digital")
    member = verified_user("paying@example.com")
    sub = subscribe_at_stripe(member, plan)
    sync_subscription(stripe_subscription_id=sub["id"], user=member)
    return member


def test_comping_a_free_member_gives_access_and_is_logged(client, staff):
    member = member_in("free", "free@example.com")
    until = timezone.localdate() + timedelta(days=30)

    form = client.get(url(member, "comp"))
    response = client.post(url(member, "comp"), {"reason": "Press pass", "until": until})

    assert form.status_code == 200 and "Give complimentary access" in form.content.decode()
    assert response.status_code == 302
    comp = ComplimentaryAccess.objects.get(user=member)
    assert (comp.reason, comp.granted_by) == ("Press pass", staff)
    assert timezone.localtime(comp.expires_at).date() == until + timedelta(days=1)
    assert has_paid_access(member)
    entry = AuditEntry.objects.get(action="comp")
    assert (entry.actor, entry.target_label) == (staff, member.email)
    assert entry.details == {"reason": "Press pass", "until": until.isoformat()}


def test_a_comp_ending_in_the_past_is_refused_and_nothing_changes(client, staff):
    member = member_in("free", "free@example.com")

    response = client.post(
        url(member, "comp"),
        {"reason": "Oops", "until": timezone.localdate() - timedelta(days=1)},
    )

    assert response.status_code == 400
    assert "Choose today or a day after it." in response.content.decode()
    assert not ComplimentaryAccess.objects.exists()
    assert not AuditEntry.objects.exists()


def test_extending_a_comp_moves_its_end_and_is_logged(client, staff):
    member = member_in("complimentary", "comped@example.com")
    comp = ComplimentaryAccess.objects.get(user=member)
    later = timezone.localdate() + timedelta(days=90)

    earlier = client.post(url(member, "extend"), {"until": timezone.localdate()})
    response = client.post(url(member, "extend"), {"until": later})

    assert earlier.status_code == 400
    assert "Choose a day after the access ends now." in earlier.content.decode()
    assert response.status_code == 302
    comp.refresh_from_db()
    assert timezone.localtime(comp.expires_at).date() == later + timedelta(days=1)
    assert AuditEntry.objects.filter(action="extend_comp", target_label=member.email).count() == 1


def test_a_comp_without_an_end_cannot_be_extended(client, staff):
    member = member_in("free", "forever@example.com")
    ComplimentaryAccess.objects.create(user=member, reason="Founder")

    response = client.get(url(member, "extend"))

    assert response.status_code == 409
    assert "no complimentary access with an end" in response.content.decode()


def test_cancelling_asks_first_then_ends_the_subscription_at_stripe_now(
    client, staff, paying, stripe_standin
):
    subscription = Subscription.objects.get(user=paying)

    confirm = client.get(url(paying, "cancel"))
    response = client.post(url(paying, "cancel"), {"when": "now"})

    assert confirm.status_code == 200
    assert "Yes, cancel the subscription" in confirm.content.decode()
    assert response.status_code == 302
    at_stripe = get_client().v1.subscriptions.retrieve(subscription.stripe_id)
    assert at_stripe.status == "canceled"
    subscription.refresh_from_db()
    assert subscription.status == "canceled"
    assert AuditEntry.objects.get(action="cancel").details == {
        "subscription": subscription.stripe_id,
        "when": "now",
    }


def test_cancelling_at_period_end_keeps_access_until_then(client, staff, paying):
    response = client.post(url(paying, "cancel"), {"when": "period_end"})

    assert response.status_code == 302
    subscription = Subscription.objects.get(user=paying)
    assert subscription.status == "active" and subscription.cancel_at_period_end
    assert has_paid_access(paying)


def test_a_cancel_without_a_choice_changes_nothing(client, staff, paying):
    response = client.post(url(paying, "cancel"), {})

    assert response.status_code == 400
    assert Subscription.objects.get(user=paying).status == "active"
    assert not AuditEntry.objects.exists()


def test_refunding_the_last_invoice_asks_first_refunds_once_and_is_logged(client, staff, paying):
    confirm = client.get(url(paying, "refund"))
    invoice = confirm.context["invoice"]

    first = client.post(url(paying, "refund"), {"invoice": invoice.id})
    again = client.post(url(paying, "refund"), {"invoice": invoice.id}, follow=True)

    assert "Yes, refund $9.00" in confirm.content.decode()
    assert first.status_code == 302
    refunds = get_client().v1.refunds.list(params={"limit": 10}).data
    assert len(refunds) == 1 and refunds[0].amount == 900
    assert "refunded already" in again.content.decode()
    entry = AuditEntry.objects.get(action="refund")
    assert entry.details["invoice"] == invoice.id
    assert entry.details["amount"] == 900


def test_a_refund_for_an_invoice_that_is_not_the_last_paid_is_refused(client, staff, paying):
    response = client.post(url(paying, "refund"), {"invoice": "in_not_the_last"}, follow=True)

    assert "no longer the last one paid" in response.content.decode()
    assert get_client().v1.refunds.list(params={"limit": 10}).data == []
    assert not AuditEntry.objects.exists()


def test_a_member_without_a_paid_invoice_has_nothing_to_refund(client, staff, stripe_standin):
    member = member_in("free", "free@example.com")

    response = client.get(url(member, "refund"))

    assert response.status_code == 409
    assert "no paid invoice to refund" in response.content.decode()


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("comp", {"reason": "x"}),
        ("cancel", {"when": "now"}),
        ("refund", {"invoice": "in_x"}),
    ],
)
def test_staff_without_the_actions_permission_are_refused(client, paying, action, data):
    client.force_login(desk_staff("viewer@example.com", codenames=["view_member"]))

    assert client.get(url(paying, action)).status_code == 403
    assert client.post(url(paying, action), data).status_code == 403
    assert Subscription.objects.get(user=paying).status == "active"
    assert not ComplimentaryAccess.objects.exists()
    assert not AuditEntry.objects.exists()
