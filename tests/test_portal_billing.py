"""Manage billing: a Customer Portal session for the reader's own customer only."""

from urllib.parse import urlsplit

import pytest

from subscriptions.entitlements import billing_summary
from subscriptions.models import Customer
from tests.html_helpers import page_text, post_forms
from tests.stripe_helpers import store_subscription, stripe_customer_for
from tests.users import verified_user

pytestmark = pytest.mark.django_db

# Back to the account page, which then says the changes are saved.
PORTAL_RETURN_URL = "http://testserver/account/?billing=updated"


def portal_session(standin, response):
    assert response.status_code == 303
    session_id = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    return standin.store.data["portal_sessions"][session_id]


def test_manage_billing_opens_the_portal_for_ones_own_customer(client, reader, stripe_standin):
    customer = stripe_customer_for(reader)
    client.force_login(reader)
    session = portal_session(stripe_standin, client.post("/account/billing/"))
    assert session["customer"] == customer
    assert session["return_url"] == PORTAL_RETURN_URL


def test_naming_another_customer_in_the_request_still_opens_ones_own(
    client, reader, stripe_standin
):
    mine = stripe_customer_for(reader)
    theirs = stripe_customer_for(verified_user("other@example.com"))
    client.force_login(reader)
    response = client.post(
        "/account/billing/", {"customer": theirs, "customer_id": theirs, "return_url": "https://x"}
    )
    session = portal_session(stripe_standin, response)
    assert session["customer"] == mine
    assert session["return_url"] == PORTAL_RETURN_URL


def test_a_reader_without_a_customer_is_sent_to_pricing(client, reader, stripe_standin):
    client.force_login(reader)
    response = client.post("/account/billing/")
    assert response.status_code == 303
    assert response["Location"] == "/pricing/"
    assert not stripe_standin.store.data["portal_sessions"]


def test_manage_billing_needs_a_signed_in_reader_and_post(client, reader, stripe_standin):
    response = client.post("/account/billing/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(reader)
    assert client.get("/account/billing/").status_code == 405


def test_manage_billing_needs_a_csrf_token(reader, stripe_standin):
    from django.test import Client

    stripe_customer_for(reader)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reader)
    assert strict.post("/account/billing/").status_code == 403
    assert not stripe_standin.store.data["portal_sessions"]


def test_stripe_unreachable_shows_a_retry_not_a_500(client, reader, stripe_standin, settings):
    stripe_customer_for(reader)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    settings.STRIPE_TIMEOUT = 1
    client.force_login(reader)
    response = client.post("/account/billing/")
    assert response.status_code == 503
    body = response.content.decode()
    assert "Open billing again" in body
    assert 'action="/account/billing/"' in body


def test_the_account_panel_shows_plan_status_renewal_and_manage_billing(client, reader):
    sub = store_subscription(reader, status="active")
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/account/")
    request.user = reader
    html = render_to_string(
        "subscriptions/includes/account_panel.html",
        {"user": reader, "billing_summary": billing_summary(reader)},
        request=request,
    )
    assert "Active" in html
    assert "Renews" in html
    assert sub.current_period_end.strftime("%Y") in html
    assert 'action="/account/billing/"' in html
    assert "Manage billing" in html


def test_the_account_panel_warns_a_past_due_reader(reader):
    store_subscription(reader, status="past_due")
    from django.template.loader import render_to_string

    html = render_to_string(
        "subscriptions/includes/account_panel.html",
        {"user": reader, "billing_summary": billing_summary(reader)},
    )
    assert "Your last payment failed" in html
    assert "Manage billing" in html


def test_the_account_panel_offers_subscribing_to_a_reader_without_one(reader):
    from django.template.loader import render_to_string

    html = render_to_string(
        "subscriptions/includes/account_panel.html",
        {"user": reader, "billing_summary": billing_summary(reader)},
    )
    assert "You do not have a paid subscription" in html
    assert 'href="/pricing/"' in html
    assert "Manage billing" not in html
    assert "Billing history" not in html
    assert not Customer.objects.exists()


def test_the_portal_returns_to_an_account_page_that_says_the_changes_are_saved(
    client, reader, stripe_standin
):
    stripe_customer_for(reader)
    store_subscription(reader, status="active")
    client.force_login(reader)
    session = portal_session(stripe_standin, client.post("/account/billing/"))
    back = urlsplit(session["return_url"])
    page = client.get(f"{back.path}?{back.query}")
    assert page.status_code == 200
    assert "Your billing changes are saved. It can take a moment for them to show here." in (
        page_text(page.content.decode())
    )


def render_panel(user):
    from django.template.loader import render_to_string

    return render_to_string(
        "subscriptions/includes/account_panel.html",
        {"user": user, "billing_summary": billing_summary(user)},
    )


def test_the_account_panel_tells_a_reader_whose_subscription_ended_and_offers_both_ways(reader):
    store_subscription(reader, status="canceled")
    html = render_panel(reader)
    text = page_text(html, within="section")
    assert text == "Subscription Your subscription has ended. Subscribe Billing history"
    assert '<a class="button" href="/pricing/">Subscribe</a>' in html
    assert post_forms(html, within="section") == {"/account/billing/": ["Billing history"]}
    assert 'class="button button-secondary">Billing history' in html


def test_the_account_panel_keeps_manage_billing_primary_for_a_live_subscription(reader):
    store_subscription(reader, status="active")
    html = render_panel(reader)
    assert post_forms(html, within="section") == {
        "/account/billing/": ["Manage billing"],
        # Cancelling is its own, secondary way into the portal (with the retention offer).
        "/account/billing/cancel/": ["Cancel subscription"],
    }
    assert '<button type="submit" class="button">Manage billing</button>' in html
    assert "Subscribe" not in page_text(html, within="section")


def test_the_account_panel_offers_billing_history_not_subscribing_to_a_comp_reader(reader):
    from subscriptions.models import ComplimentaryAccess

    ComplimentaryAccess.objects.create(user=reader, reason="Press")
    assert page_text(render_panel(reader), within="section") == (
        "Subscription You have complimentary access."
    )
    store_subscription(reader, status="canceled")
    html = render_panel(reader)
    assert page_text(html, within="section") == (
        "Subscription You have complimentary access. Billing history"
    )


@pytest.mark.parametrize("subscriptions", [1, 8])
def test_manage_billing_query_count_is_constant(
    client, reader, stripe_standin, subscriptions, django_assert_num_queries
):
    stripe_customer_for(reader)
    for _ in range(subscriptions):
        store_subscription(reader, status="canceled")
    client.force_login(reader)
    with django_assert_num_queries(3):  # session, user, the reader's customer
        assert client.post("/account/billing/").status_code == 303
