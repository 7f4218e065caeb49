"""Stripe sends the reader back to the host they came from: Checkout's success and cancel
addresses and the portal's return address are built from the request's host, not SITE_URL.

The reader's session cookie belongs to the host they signed in on; sent back to another name
of the site (apex or www, a second domain) they would arrive signed out. ALLOWED_HOSTS limits
which hosts a request may name, so no one can have Stripe send a reader elsewhere. Emails and
public links, which leave the site, still name SITE_URL (tests/test_one_public_host.py).
"""

from urllib.parse import urlsplit

import pytest

from tests.stripe_helpers import make_plan, stripe_customer_for

pytestmark = pytest.mark.django_db

READER_HOST = "www.news.example.com"


@pytest.fixture(autouse=True)
def two_names(settings):
    settings.SITE_URL = "https://news.example.com"
    settings.ALLOWED_HOSTS = ["news.example.com", READER_HOST]


def created_at_stripe(standin, response, kind):
    assert response.status_code == 303
    session_id = urlsplit(response["Location"]).path.rstrip("/").rsplit("/", 1)[-1]
    return standin.store.data[kind][session_id]


def test_checkout_returns_the_reader_to_the_host_they_came_from(client, reader, stripe_standin):
    plan = make_plan()
    client.force_login(reader)
    response = client.post(
        "/subscribe/checkout/",
        {"plan": plan.pk, "interval": "month", "next": "/news/story/"},
        HTTP_HOST=READER_HOST,
        secure=True,
    )
    session = created_at_stripe(stripe_standin, response, "checkout_sessions")
    assert session["success_url"] == (
        f"https://{READER_HOST}/subscribe/success/?session_id={{CHECKOUT_SESSION_ID}}"
    )
    assert session["cancel_url"] == (
        f"https://{READER_HOST}/subscribe/canceled/?next=%2Fnews%2Fstory%2F"
    )


def test_the_portal_returns_the_reader_to_the_host_they_came_from(client, reader, stripe_standin):
    stripe_customer_for(reader)
    client.force_login(reader)
    response = client.post("/account/billing/", HTTP_HOST=READER_HOST, secure=True)
    session = created_at_stripe(stripe_standin, response, "portal_sessions")
    assert session["return_url"] == f"https://{READER_HOST}/account/?billing=updated"


def test_a_host_the_site_does_not_serve_cannot_become_a_return_address(
    client, reader, stripe_standin
):
    plan = make_plan()
    client.force_login(reader)
    response = client.post(
        "/subscribe/checkout/",
        {"plan": plan.pk, "interval": "month"},
        HTTP_HOST="evil.example.net",
        secure=True,
    )
    assert response.status_code == 400
    assert not stripe_standin.store.data["checkout_sessions"]
