"""A refund in the admin revokes an unredeemed gift: the money goes back through Stripe, the
gift can no longer be redeemed or delivered, and the desk's audit log says who did it."""

import pytest

from desk.models import AuditEntry
from giftsubs.models import Gift
from tests.gift_helpers import bought_gift, redeem_path
from tests.stripe_helpers import make_plan
from tests.task_helpers import run_queued_tasks
from tests.users import staff_in_group, verified_user

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/giftsubs/gift/"


@pytest.fixture
def plan(stripe_standin):
    return make_plan(monthly=900, yearly=9000)


@pytest.fixture
def superuser():
    return verified_user("owner@example.com", is_staff=True, is_superuser=True)


def refund_in_admin(client, gift):
    return client.post(
        CHANGELIST, {"action": "refund_and_revoke", "_selected_action": [gift.pk]}, follow=True
    )


def test_refunding_an_unredeemed_gift_returns_the_money_and_revokes_it(
    client, plan, stripe_standin, superuser
):
    gift = bought_gift(client)
    client.force_login(superuser)
    page = refund_in_admin(client, gift)
    assert page.status_code == 200
    assert "Refunded and revoked" in page.content.decode()
    gift.refresh_from_db()
    assert gift.state == "refunded" and gift.refund_id.startswith("re_")
    refund = stripe_standin.store.data["refunds"][gift.refund_id]
    assert (refund["payment_intent"], refund["amount"]) == (gift.payment_intent_id, 2700)
    entry = AuditEntry.objects.get(action="gift.refunded")
    assert entry.actor == superuser
    assert entry.details["amount"] == 2700 and entry.details["refund"] == gift.refund_id


def test_a_redeemed_gift_is_not_refunded_from_the_admin(client, plan, stripe_standin, superuser):
    gift = bought_gift(client)
    friend = verified_user("friend@example.com")
    client.force_login(friend)
    client.post(redeem_path(gift))
    client.force_login(superuser)
    page = refund_in_admin(client, gift)
    assert "Only a paid gift nobody has redeemed can be refunded here" in page.content.decode()
    assert Gift.objects.get().state == "redeemed"
    assert stripe_standin.store.data["refunds"] == {}
    assert not AuditEntry.objects.filter(action="gift.refunded").exists()


def test_a_gift_refunded_at_stripe_already_is_revoked_here_too(
    client, plan, stripe_standin, superuser
):
    gift = bought_gift(client)
    stripe_standin.store.create_refund({"payment_intent": gift.payment_intent_id})
    client.force_login(superuser)
    refund_in_admin(client, gift)
    assert Gift.objects.get().state == "refunded"


def test_when_stripe_is_down_nothing_changes(client, plan, stripe_standin, superuser):
    gift = bought_gift(client)
    stripe_standin.refuse("POST", r"/v1/refunds", status=500)
    client.force_login(superuser)
    page = refund_in_admin(client, gift)
    assert "Stripe did not answer; nothing changed." in page.content.decode()
    assert Gift.objects.get().state == "paid"
    assert not AuditEntry.objects.exists()


def test_staff_without_the_change_permission_cannot_refund(client, plan, stripe_standin):
    gift = bought_gift(client)
    client.force_login(staff_in_group("writer2@example.com", "Writer"))
    response = client.post(
        CHANGELIST, {"action": "refund_and_revoke", "_selected_action": [gift.pk]}
    )
    assert response.status_code == 403
    assert Gift.objects.get().state == "paid"


def test_a_refund_made_at_stripe_revokes_the_unredeemed_gift_through_the_webhook(
    client, plan, stripe_standin
):
    from tests.stripe_helpers import event, post_event

    gift = bought_gift(client)
    stripe_standin.store.create_refund({"payment_intent": gift.payment_intent_id})
    charge = stripe_standin.store.data["payment_intents"][gift.payment_intent_id]["latest_charge"]
    refunded = stripe_standin.store.data["charges"][charge]
    assert post_event(client, event("charge.refunded", refunded)).status_code == 200
    run_queued_tasks()  # the stored event is processed by a task
    gift.refresh_from_db()
    assert gift.state == "refunded"
    entry = AuditEntry.objects.get(action="gift.refunded")
    assert entry.actor is None and entry.details["at"] == "stripe"
    page = client.get(redeem_path(gift))
    assert page.status_code == 410 and "This gift was refunded" in page.content.decode()


def test_a_charge_event_whose_charge_stripe_has_not_refunded_changes_nothing(
    client, plan, stripe_standin
):
    from tests.stripe_helpers import event, post_event

    gift = bought_gift(client)
    charge = stripe_standin.store.data["payment_intents"][gift.payment_intent_id]["latest_charge"]
    claimed = dict(stripe_standin.store.data["charges"][charge], refunded=True)
    assert post_event(client, event("charge.refunded", claimed)).status_code == 200
    run_queued_tasks()  # the stored event is processed by a task
    assert Gift.objects.get().state == "paid"
    assert not AuditEntry.objects.exists()
