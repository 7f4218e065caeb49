"""Redeeming a gift from its email link: signing up or in, then the access rule counts the
gift's months. Forged, used, refunded and expired gifts each get a clear page and grant
nothing. A reader who already pays never pays twice for the same months."""

from datetime import timedelta

import pytest
from django.core import mail

from giftsubs import services
from giftsubs.models import Gift
from newsroom import clock
from subscriptions.entitlements import (
    billing_summary,
    forget,
    gift_access_ends,
    has_paid_access,
    with_gift_access,
)
from tests.gift_helpers import bought_gift, redeem_path
from tests.stripe_helpers import make_plan, store_subscription
from tests.task_helpers import run_queued_tasks
from tests.users import verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(stripe_standin):
    return make_plan(monthly=900, yearly=9000)


@pytest.fixture
def gift(client, plan):
    gift = bought_gift(client)
    client.logout()
    return gift


@pytest.fixture
def friend():
    return verified_user("friend@example.com")


def access(user):
    forget(user)
    return has_paid_access(user)


def test_an_anonymous_recipient_sees_the_gift_and_is_asked_to_sign_up_or_in(client, gift):
    page = client.get(redeem_path(gift))
    assert page.status_code == 200
    text = page.content.decode()
    assert "A gift for you: 3 months of" in text and "From Ada." in text
    assert "Happy birthday!" in text
    assert f"/accounts/signup/?next=%2Fgive%2Fredeem%2F{gift.token}%2F" in text
    assert "Sign up to redeem" in text
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]


def test_a_post_without_an_account_redeems_nothing(client, gift):
    page = client.post(redeem_path(gift))
    assert page.status_code == 200 and "Sign up to redeem" in page.content.decode()
    gift.refresh_from_db()
    assert gift.state == "paid"


def test_a_signed_in_recipient_redeems_and_reads_everything_for_the_months(
    client, gift, friend, stripe_standin
):
    client.force_login(friend)
    assert not access(friend)
    page = client.post(redeem_path(gift))
    assert page.status_code == 200
    assert "Your gift is redeemed" in page.content.decode()
    gift.refresh_from_db()
    assert (gift.state, gift.redeemed_by) == ("redeemed", friend)
    assert gift.access_starts.month != gift.access_ends.month
    assert timedelta(days=89) <= gift.access_ends - gift.access_starts <= timedelta(days=92)
    assert access(friend)
    assert billing_summary(friend).gift_until == gift.access_ends
    stripe_standin.advance(days=93)
    assert not access(friend)
    assert gift_access_ends(friend) is None


def test_the_members_list_can_ask_who_reads_on_a_gift(client, gift, friend, reader):
    client.force_login(friend)
    client.post(redeem_path(gift))
    rows = dict(
        with_gift_access(type(friend).objects.filter(pk__in=[friend.pk, reader.pk])).values_list(
            "email", "gift_access"
        )
    )
    assert rows == {friend.email: True, reader.email: False}


def test_a_used_gift_says_so_and_gives_the_second_reader_nothing(client, gift, friend, reader):
    client.force_login(friend)
    client.post(redeem_path(gift))
    page = client.get(redeem_path(gift))
    assert page.status_code == 410
    assert "You have redeemed this gift" in page.content.decode()
    client.force_login(reader)
    page = client.post(redeem_path(gift))
    assert page.status_code == 410
    assert "This gift has already been redeemed" in page.content.decode()
    assert not access(reader)


def test_a_refunded_gift_says_so_and_grants_nothing(client, gift, friend, staff_without_group):
    services.refund(gift_id=gift.pk, actor=staff_without_group)
    client.force_login(friend)
    page = client.post(redeem_path(gift))
    assert page.status_code == 410
    assert "This gift was refunded" in page.content.decode()
    assert not access(friend)


def test_a_gift_not_redeemed_within_a_year_has_expired(client, gift, friend, stripe_standin):
    stripe_standin.advance(days=366)
    client.force_login(friend)
    page = client.post(redeem_path(gift))
    assert page.status_code == 410
    assert "This gift has expired" in page.content.decode()
    assert not access(friend)
    assert Gift.objects.get().state == "paid"


@pytest.mark.parametrize(
    "token",
    [
        "x" * 43,
        "short",
        "dots.in.it.are.not.ours",
        "A" * 65,
        "sp%20ace" * 4,
        "unknown-token-12345678",
    ],
)
def test_a_forged_gift_link_is_not_valid_and_grants_nothing(client, plan, friend, token):
    client.force_login(friend)
    for response in (client.get(f"/give/redeem/{token}/"), client.post(f"/give/redeem/{token}/")):
        assert response.status_code == 404
        assert "This gift link is not valid" in response.content.decode()
    assert not access(friend)


def test_an_unpaid_gift_cannot_be_redeemed(client, plan, friend):
    from tests.gift_helpers import start_gift

    start_gift(client)
    pending = Gift.objects.get()
    client.force_login(friend)
    response = client.post(redeem_path(pending))
    assert response.status_code == 404
    assert not access(friend)


def test_a_reader_who_pays_for_a_renewing_subscription_is_not_given_the_gift_twice(
    client, gift, friend
):
    store_subscription(friend, current_period_end=clock.now() + timedelta(days=20))
    client.force_login(friend)
    page = client.get(redeem_path(gift))
    assert "You already pay for a subscription that renews" in page.content.decode()
    response = client.post(redeem_path(gift))
    assert response.status_code == 409
    assert "you would be paying twice" in response.content.decode()
    gift.refresh_from_db()
    assert gift.state == "paid" and gift.redeemed_by is None


def test_a_subscription_set_to_end_is_followed_by_the_gifts_months(client, gift, friend):
    ends = clock.now() + timedelta(days=20)
    store_subscription(friend, current_period_end=ends, cancel_at_period_end=True)
    client.force_login(friend)
    page = client.post(redeem_path(gift))
    assert page.status_code == 200
    assert "when what you have now ends" in page.content.decode()
    gift.refresh_from_db()
    assert gift.access_starts == ends
    assert gift.access_ends > ends + timedelta(days=89)


def test_a_second_gift_starts_when_the_first_ends(client, plan, friend):
    first, second = bought_gift(client), bought_gift(client, months="1")
    client.force_login(friend)
    client.post(redeem_path(first))
    client.post(redeem_path(second))
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.access_starts == first.access_ends
    assert gift_access_ends(friend) == second.access_ends


def test_a_gift_reader_who_subscribes_is_first_charged_when_the_gift_ends(
    client, gift, friend, plan, stripe_standin
):
    client.force_login(friend)
    client.post(redeem_path(gift))
    response = client.post("/subscribe/checkout/", {"plan": plan.pk, "interval": "month"})
    assert response.status_code == 303
    session_id = response["Location"].rsplit("/", 1)[-1]
    days = stripe_standin.store.sub_state[session_id]["trial_period_days"]
    gift.refresh_from_db()
    assert (
        (gift.access_ends - clock.now()).days <= days <= (gift.access_ends - clock.now()).days + 1
    )


def test_seven_days_before_the_gift_ends_the_recipient_is_invited_to_subscribe(
    client, gift, friend, stripe_standin
):
    client.force_login(friend)
    client.post(redeem_path(gift))
    gift.refresh_from_db()
    days_to_reminder = (gift.access_ends - clock.now()).days - 7
    stripe_standin.advance(days=days_to_reminder - 1)
    run_queued_tasks()
    assert not [m for m in mail.outbox if "ends on" in m.subject]
    stripe_standin.advance(days=2)
    run_queued_tasks()
    (invite,) = [m for m in mail.outbox if "ends on" in m.subject]
    assert invite.to == [friend.email]
    assert "/pricing/" in invite.body
    assert "Subscribe" in invite.alternatives[0][0]


def test_no_invitation_for_a_recipient_who_has_subscribed_meanwhile(
    client, gift, friend, stripe_standin
):
    client.force_login(friend)
    client.post(redeem_path(gift))
    store_subscription(friend, status="trialing")
    stripe_standin.advance(days=100)
    run_queued_tasks()
    assert not [m for m in mail.outbox if "ends on" in m.subject]


def test_the_account_page_says_until_when_the_gift_runs(client, gift, friend):
    client.force_login(friend)
    client.post(redeem_path(gift))
    gift.refresh_from_db()
    page = client.get("/account/")
    assert page.status_code == 200
    assert f"You read on a gift subscription until {gift.access_ends:%-d %B %Y}" in (
        page.content.decode()
    )
