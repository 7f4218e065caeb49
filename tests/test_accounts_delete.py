"""Deleting an account: confirmed, re-authenticated, subscription cancelled first."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, reader, password):
    response = client.post("/accounts/login/", {"login": reader.email, "password": password})
    assert response.status_code == 302
    return client


@pytest.fixture
def cancellations(monkeypatch, django_user_model):
    """Records each cancellation, and whether the user still existed when it happened."""
    calls = []

    def cancel(*, user):
        calls.append((user.pk, django_user_model.objects.filter(pk=user.pk).exists()))

    monkeypatch.setattr("accounts.services.cancel_subscriptions_for_deleted_user", cancel)
    return calls


def confirm_deletion(client, password):
    """Press the button, then confirm with the password as allauth asks."""
    response = client.post("/account/delete/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    return client.post(response["Location"], {"password": password}, follow=True)


def test_the_delete_page_explains_what_happens_before_anything_is_deleted(signed_in, reader):
    response = signed_in.get("/account/delete/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Delete your account?" in html
    assert "cancels your subscription" in html
    assert '<form method="post" action="/account/delete/"' in html
    assert type(reader).objects.filter(pk=reader.pk).exists()


def test_deleting_removes_the_reader_and_their_personal_data_and_says_so(
    signed_in, reader, password, cancellations
):
    Authenticator.objects.create(
        user=reader, type=Authenticator.Type.WEBAUTHN, data={"name": "Phone", "credential": {}}
    )
    assert UserSession.objects.filter(user=reader).exists()

    response = confirm_deletion(signed_in, password)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/"
    assert "Your account has been deleted" in response.content.decode()
    assert not type(reader).objects.filter(pk=reader.pk).exists()
    assert not EmailAddress.objects.filter(email=reader.email).exists()
    assert not Authenticator.objects.exists()
    assert not UserSession.objects.exists()
    assert not response.wsgi_request.user.is_authenticated


def test_the_subscription_is_cancelled_before_the_account_is_deleted(
    signed_in, reader, password, cancellations
):
    confirm_deletion(signed_in, password)
    assert cancellations == [(reader.pk, True)]


def test_if_cancelling_fails_nothing_is_deleted_and_the_reader_is_told(
    signed_in, reader, password, monkeypatch
):
    def stripe_is_down(*, user):
        raise ConnectionError("Stripe did not answer")

    monkeypatch.setattr("accounts.services.cancel_subscriptions_for_deleted_user", stripe_is_down)

    response = confirm_deletion(signed_in, password)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/account/delete/"
    assert "your account has not been deleted" in response.content.decode()
    assert type(reader).objects.filter(pk=reader.pk).exists()
    assert EmailAddress.objects.filter(user=reader).exists()
    assert response.wsgi_request.user == reader


def test_a_wrong_password_at_the_confirmation_deletes_nothing(signed_in, reader, cancellations):
    response = signed_in.post("/account/delete/")
    response = signed_in.post(response["Location"], {"password": "not-the-password"})
    assert response.status_code == 200
    assert type(reader).objects.filter(pk=reader.pk).exists()
    assert cancellations == []


def test_deleting_needs_a_post(signed_in, reader, cancellations):
    signed_in.get("/account/delete/")
    assert type(reader).objects.filter(pk=reader.pk).exists()
    assert signed_in.put("/account/delete/").status_code == 405


def test_an_anonymous_visitor_cannot_delete_anything(client, reader, cancellations):
    response = client.post("/account/delete/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert type(reader).objects.filter(pk=reader.pk).exists()
    assert cancellations == []


def test_the_deleted_email_can_sign_up_again(signed_in, reader, password, cancellations, client):
    confirm_deletion(signed_in, password)
    response = client.post(
        "/accounts/signup/", {"email": reader.email, "password1": "a-long-pass-phrase-2"}
    )
    assert response.status_code == 302
    assert type(reader).objects.filter(email=reader.email).exists()


def test_a_reader_who_never_subscribed_deletes_with_the_real_cancellation(
    signed_in, reader, password
):
    # No stand-in and no Stripe: with no customer, nothing needs cancelling.
    response = confirm_deletion(signed_in, password)
    assert "Your account has been deleted" in response.content.decode()
    assert not type(reader).objects.filter(pk=reader.pk).exists()


def test_deleting_a_paying_account_cancels_its_subscription_at_stripe(
    signed_in, reader, password, stripe_standin
):
    from subscriptions.stripe_client import get_client
    from tests.stripe_helpers import make_plan, subscribe_at_stripe

    subscription = subscribe_at_stripe(reader, make_plan())
    assert subscription["status"] == "active"

    response = confirm_deletion(signed_in, password)

    assert "Your account has been deleted" in response.content.decode()
    assert get_client().v1.subscriptions.retrieve(subscription["id"]).status == "canceled"
    assert not type(reader).objects.filter(pk=reader.pk).exists()


def _two_subscriptions(reader, standin):
    from subscriptions.services import sync_subscription
    from tests.stripe_helpers import make_plan, subscribe_at_stripe

    plan = make_plan(name="Digital")
    monthly = subscribe_at_stripe(reader, plan)
    standin.advance(seconds=60)  # taken out a minute apart: the page lists them in that order
    yearly = subscribe_at_stripe(reader, plan, interval="year")
    for sub in (monthly, yearly):
        sync_subscription(stripe_subscription_id=sub["id"])
    return monthly, yearly


def test_deleting_cancels_every_subscription_then_the_stripe_customer_then_the_account(
    signed_in, reader, password, stripe_standin
):
    monthly, yearly = _two_subscriptions(reader, stripe_standin)
    customer_id = monthly["customer"]
    invoices = list(stripe_standin.store.data["invoices"].values())

    response = confirm_deletion(signed_in, password)

    assert "Your account has been deleted" in response.content.decode()
    assert not type(reader).objects.filter(pk=reader.pk).exists()
    subs = stripe_standin.store.data["subscriptions"]
    assert subs[monthly["id"]]["status"] == subs[yearly["id"]]["status"] == "canceled"
    # The reader's email no longer stays at Stripe; Stripe keeps the invoices.
    assert customer_id in stripe_standin.store.deleted_customers
    assert customer_id not in stripe_standin.store.data["customers"]
    assert all(i["id"] in stripe_standin.store.data["invoices"] for i in invoices)


def test_when_one_of_two_subscriptions_cannot_be_cancelled_the_page_says_which(
    signed_in, reader, password, stripe_standin
):
    from subscriptions.models import Subscription

    monthly, yearly = _two_subscriptions(reader, stripe_standin)
    stripe_standin.refuse("DELETE", f"/v1/subscriptions/{yearly['id']}")

    response = confirm_deletion(signed_in, password)

    html = response.content.decode()
    assert response.status_code == 503
    assert "<h1>Delete your account?</h1>" in html
    assert "Your account has not been deleted." in html
    assert "Nothing has changed" not in html
    assert "We cancelled:</p>\n        <ul><li>Digital (monthly)</li></ul>" in html
    assert (
        "We could not cancel, so it is still active and will be charged:</p>\n"
        "        <ul><li>Digital (yearly)</li></ul>"
    ) in html
    assert type(reader).objects.filter(pk=reader.pk).exists()
    assert response.wsgi_request.user == reader
    subs = stripe_standin.store.data["subscriptions"]
    assert subs[monthly["id"]]["status"] == "canceled"
    assert subs[yearly["id"]]["status"] == "active"
    assert Subscription.objects.get(stripe_id=monthly["id"]).status == "canceled"
    assert Subscription.objects.get(stripe_id=yearly["id"]).status == "active"
    assert monthly["customer"] in stripe_standin.store.data["customers"]

    # Stripe answers again: the second attempt finishes the job.
    stripe_standin.holds.clear()
    response = confirm_deletion(signed_in, password)
    assert "Your account has been deleted" in response.content.decode()
    assert subs[yearly["id"]]["status"] == "canceled"
    assert monthly["customer"] in stripe_standin.store.deleted_customers


def test_when_the_stripe_customer_cannot_be_deleted_the_account_stays_and_the_page_says_so(
    signed_in, reader, password, stripe_standin
):
    monthly, yearly = _two_subscriptions(reader, stripe_standin)
    stripe_standin.refuse("DELETE", f"/v1/customers/{monthly['customer']}")

    response = confirm_deletion(signed_in, password)

    html = response.content.decode()
    assert response.status_code == 503
    assert "Your account has not been deleted." in html
    assert "<li>Digital (monthly)</li><li>Digital (yearly)</li>" in html
    assert "Every subscription is cancelled, so you will not be charged again" in html
    assert type(reader).objects.filter(pk=reader.pk).exists()
