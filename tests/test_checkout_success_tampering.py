"""The success URL grants access only for a paid session of the signed-in reader."""

from urllib.parse import urlsplit

import pytest

from devtools.stripe_standin.testing import pay
from subscriptions.models import Customer, Subscription
from tests.factories import SECRET_SENTENCE, make_article
from tests.stripe_helpers import make_plan
from tests.users import verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(stripe_standin):
    return make_plan()


def paid_session_of(client, user, plan, *, next_url=""):
    client.force_login(user)
    response = client.post(
        "/subscribe/checkout/", {"plan": plan.pk, "interval": "month", "next": next_url}
    )
    paid = pay(response["Location"], email=user.email)
    assert paid.status == 303
    back = urlsplit(paid.header("Location"))
    return back.query.removeprefix("session_id=")


def test_another_readers_session_grants_nothing_and_leaks_nothing(
    client, plan, reader, stripe_standin
):
    article = make_article()
    payer = verified_user("payer@example.com")
    session_id = paid_session_of(client, payer, plan, next_url=article.get_absolute_url())
    client.logout()
    client.force_login(reader)
    response = client.get(f"/subscribe/success/?session_id={session_id}")
    assert response.status_code == 404
    body = response.content.decode()
    assert payer.email not in body
    assert article.get_absolute_url() not in body
    assert not Subscription.objects.filter(user=reader).exists()
    assert SECRET_SENTENCE not in client.get(article.get_absolute_url()).content.decode()


def test_a_made_up_session_id_grants_nothing(client, plan, reader, stripe_standin):
    client.force_login(reader)
    for session_id in ("cs_test_doesnotexist", "cs_" + "a" * 60):
        response = client.get(f"/subscribe/success/?session_id={session_id}")
        assert response.status_code == 404
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    "query",
    ["", "session_id=", "session_id=sub_123", "session_id=../../v1/customers", "session_id=cs_%00"],
)
def test_a_malformed_session_id_is_refused_without_asking_stripe(client, reader, query, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # any request to Stripe would fail loudly
    client.force_login(reader)
    response = client.get(f"/subscribe/success/?{query}")
    assert response.status_code == 404


def test_an_unpaid_session_of_ones_own_grants_nothing(client, plan, reader, stripe_standin):
    client.force_login(reader)
    response = client.post("/subscribe/checkout/", {"plan": plan.pk, "interval": "month"})
    session_id = urlsplit(response["Location"]).path.rsplit("/", 1)[-1]
    returned = client.get(f"/subscribe/success/?session_id={session_id}")
    assert returned.status_code == 402
    assert "hasn’t gone through" in returned.content.decode()
    assert not Subscription.objects.exists()


def test_a_session_with_our_reference_but_another_customer_grants_nothing(
    client, plan, reader, stripe_standin
):
    # Made at Stripe by someone else, naming our reader as the reference.
    other = stripe_standin.store.create_customer({"email": "mallory@example.com"})
    from subscriptions.stripe_client import get_client

    session = get_client().v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "customer": other["id"],
            "client_reference_id": str(reader.pk),
            "line_items": [{"price": plan.monthly_price_id, "quantity": 1}],
            "success_url": "http://testserver/subscribe/success/?session_id={CHECKOUT_SESSION_ID}",
        }
    )
    assert pay(session.url, email="mallory@example.com").status == 303
    link = stripe_standin.store.create_customer({"email": reader.email})
    Customer.objects.create(user=reader, stripe_id=link["id"])
    client.force_login(reader)
    response = client.get(f"/subscribe/success/?session_id={session.id}")
    assert response.status_code == 404
    assert not Subscription.objects.exists()


def test_the_success_page_needs_a_signed_in_reader(client, plan, reader, stripe_standin):
    session_id = paid_session_of(client, reader, plan)
    client.logout()
    response = client.get(f"/subscribe/success/?session_id={session_id}")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Subscription.objects.exists()


def test_an_offsite_return_address_is_not_followed(client, plan, reader, stripe_standin):
    session_id = paid_session_of(client, reader, plan, next_url="https://evil.example/")
    response = client.get(f"/subscribe/success/?session_id={session_id}")
    assert response.status_code == 302
    assert response["Location"] == "/account/"


def test_stripe_unreachable_on_return_offers_a_retry_and_grants_nothing_yet(
    client, plan, reader, stripe_standin, settings
):
    session_id = paid_session_of(client, reader, plan)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    settings.STRIPE_TIMEOUT = 1
    response = client.get(f"/subscribe/success/?session_id={session_id}")
    assert response.status_code == 503
    body = response.content.decode()
    assert "try again" in body
    assert f"session_id={session_id}" in body
    assert not Subscription.objects.exists()
    settings.STRIPE_API_BASE = stripe_standin.url
    assert client.get(f"/subscribe/success/?session_id={session_id}").status_code == 302
    assert Subscription.objects.get().status == "active"
