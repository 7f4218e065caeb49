"""Subscribing: pricing → checkout → paying at (stand-in) Stripe → back to the article in full."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress

from devtools.stripe_standin.testing import pay
from subscriptions.models import Customer, Subscription
from tests.factories import PREVIEW_SENTENCE, SECRET_SENTENCE, make_article
from tests.html_helpers import (
    assert_accessible_basics,
    button_names,
    heading_outline,
    page_text,
    post_forms,
)
from tests.stripe_helpers import make_plan, store_subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(stripe_standin):
    return make_plan()


def start(client, plan, *, interval="month", next_url="", **extra):
    data = {"plan": plan.pk, "interval": interval, "next": next_url, **extra}
    return client.post("/subscribe/checkout/", data)


def stripe_session(standin, response):
    assert response.status_code == 303
    session_id = urlsplit(response["Location"]).path.rsplit("/", 1)[-1]
    return standin.store.data["checkout_sessions"][session_id]


def test_the_pricing_page_lists_active_plans_monthly_and_yearly(client, plan):
    make_plan(name="Retired", active=False)
    page = client.get("/pricing/").content.decode()
    assert "Digital" in page
    assert "$9.00" in page and "$90.00" in page
    assert "Retired" not in page
    assert 'action="/subscribe/checkout/"' in page


def test_the_pricing_page_keeps_a_safe_next_and_drops_an_offsite_one(client, plan):
    assert 'value="/news/story/"' in client.get("/pricing/?next=/news/story/").content.decode()
    for offsite in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        page = client.get("/pricing/", {"next": offsite}).content.decode()
        assert 'name="next" value=""' in page
        assert 'name="next" value="' + offsite not in page


@pytest.mark.parametrize("plans", [1, 6])
def test_the_pricing_page_query_count_is_constant(
    client, stripe_standin, plans, django_assert_num_queries
):
    for n in range(plans):
        make_plan(name=f"Plan {n}")
    with django_assert_num_queries(2):  # navigation sections, plans
        assert client.get("/pricing/").status_code == 200


# Session, user, the live subscription with its plan, the header's billing state,
# navigation sections, plans.
SIGNED_IN_PRICING_QUERIES = 6


@pytest.mark.parametrize("plans", [1, 6])
def test_the_pricing_page_query_count_for_a_subscriber_is_constant(
    client, stripe_standin, subscriber, plans, django_assert_num_queries
):
    for n in range(plans):
        make_plan(name=f"Plan {n}")
    for _ in range(plans):
        store_subscription(subscriber, status="canceled")
    client.force_login(subscriber)
    with django_assert_num_queries(SIGNED_IN_PRICING_QUERIES):
        assert client.get("/pricing/").status_code == 200


def test_the_pricing_page_query_count_for_a_reader_without_one(
    client, plan, reader, django_assert_num_queries
):
    client.force_login(reader)
    with django_assert_num_queries(SIGNED_IN_PRICING_QUERIES):
        assert client.get("/pricing/").status_code == 200


def test_a_subscriber_sees_their_plan_and_manage_billing_instead_of_subscribe_forms(
    client, plan, reader
):
    store_subscription(reader, status="active", plan=plan, interval="year")
    client.force_login(reader)
    html = client.get("/pricing/").content.decode()
    text = page_text(html)
    assert "You subscribe to Digital (yearly)." in text
    assert post_forms(html) == {"/account/billing/": ["Manage billing"]}
    assert 'action="/subscribe/checkout/"' not in html
    assert not [name for name in button_names(html) if name.startswith("Subscribe to")]
    assert "Your plan" in text
    assert "$9.00" in text and "$90.00" in text  # the prices are still there to read


def test_a_subscriber_coming_from_a_story_is_offered_the_way_back(client, plan, subscriber):
    client.force_login(subscriber)
    html = client.get("/pricing/?next=/news/story/").content.decode()
    assert "You subscribe to" in page_text(html)
    assert '<a href="/news/story/">Back to what you were reading</a>' in html
    offsite = client.get("/pricing/", {"next": "//evil.example/x"}).content.decode()
    assert "evil.example" not in offsite


def test_a_subscriber_whose_payment_failed_is_told_on_the_pricing_page(client, plan, reader):
    store_subscription(reader, status="past_due", plan=plan)
    client.force_login(reader)
    text = page_text(client.get("/pricing/").content.decode())
    assert "You subscribe to Digital (monthly)." in text
    assert "Your last payment failed" in text


def test_a_reader_whose_subscription_ended_sees_the_subscribe_forms(client, plan, reader):
    store_subscription(reader, status="canceled", plan=plan)
    client.force_login(reader)
    html = client.get("/pricing/").content.decode()
    assert "You subscribe" not in page_text(html)
    assert "Subscribe to Digital" in button_names(html)
    assert "/account/billing/" not in post_forms(html)


def test_another_readers_subscription_does_not_change_ones_pricing_page(
    client, plan, reader, subscriber
):
    client.force_login(reader)
    html = client.get("/pricing/").content.decode()
    assert "You subscribe" not in page_text(html)
    assert "Subscribe to Digital" in button_names(html)


@pytest.mark.parametrize("who", ["anonymous", "reader", "subscriber"])
def test_the_pricing_page_has_named_buttons_and_ordered_headings(client, plan, reader, who):
    if who != "anonymous":
        client.force_login(reader)
    if who == "subscriber":
        store_subscription(reader, status="active", plan=plan)
    html = client.get("/pricing/").content.decode()
    assert_accessible_basics(html)
    expected_h1 = "Your subscription" if who == "subscriber" else "Subscribe"
    assert heading_outline(html)[:2] == [(1, expected_h1), (2, "Digital")]


def sign_up_resume_url(response):
    assert response.status_code == 303
    target = urlsplit(response["Location"])
    assert target.path == "/accounts/signup/"
    return parse_qs(target.query)["next"][0]


def test_an_anonymous_reader_signs_up_then_goes_straight_to_payment(
    client, plan, reader, stripe_standin
):
    resume = sign_up_resume_url(start(client, plan, interval="year", next_url="/news/story/"))
    assert resume.startswith("/subscribe/continue/?choice=")
    assert not Customer.objects.exists()  # nothing happens before the reader has an account

    client.force_login(reader)  # as after sign-up and the email code
    session = stripe_session(stripe_standin, client.get(resume))
    items = stripe_standin.store.sub_state[session["id"]]["line_items"]
    assert [(i["price"], i["quantity"]) for i in items] == [(plan.yearly_price_id, 1)]
    assert session["cancel_url"] == "http://testserver/subscribe/canceled/?next=%2Fnews%2Fstory%2F"


def test_following_the_resume_link_twice_reuses_the_same_checkout(
    client, plan, reader, stripe_standin
):
    resume = sign_up_resume_url(start(client, plan))
    client.force_login(reader)
    first = stripe_session(stripe_standin, client.get(resume))
    second = stripe_session(stripe_standin, client.get(resume))
    assert first["id"] == second["id"]


@pytest.mark.parametrize(
    "mangle",
    [
        lambda url: url + "x",
        lambda url: url.replace("choice=", "choice=A"),
        lambda url: "/subscribe/continue/",
        lambda url: "/subscribe/continue/?choice=%00",
    ],
)
def test_a_tampered_resume_link_leads_back_to_pricing_and_starts_nothing(
    client, plan, reader, stripe_standin, mangle
):
    resume = sign_up_resume_url(start(client, plan))
    client.force_login(reader)
    response = client.get(mangle(resume))
    assert response.status_code == 303
    assert response["Location"] == "/pricing/"
    assert not stripe_standin.store.data["checkout_sessions"]


def test_a_resume_link_for_a_plan_withdrawn_since_leads_back_to_pricing(
    client, plan, reader, stripe_standin
):
    resume = sign_up_resume_url(start(client, plan))
    plan.active = False
    plan.save()
    client.force_login(reader)
    assert client.get(resume)["Location"] == "/pricing/"
    assert not stripe_standin.store.data["checkout_sessions"]


def test_the_resume_link_needs_an_account(client, plan):
    resume = sign_up_resume_url(start(client, plan))
    response = client.get(resume)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_reader_with_an_unverified_email_verifies_first(client, plan, reader):
    EmailAddress.objects.filter(user=reader).update(verified=False)
    client.force_login(reader)
    response = start(client, plan)
    assert response.status_code == 303
    assert response["Location"] == "/accounts/email/"
    assert not Customer.objects.exists()


def test_checkout_creates_a_subscription_session_for_our_customer(
    client, plan, reader, stripe_standin
):
    client.force_login(reader)
    response = start(client, plan, interval="year", next_url="/news/story/")
    session = stripe_session(stripe_standin, response)
    customer = Customer.objects.get(user=reader)
    assert session["mode"] == "subscription"
    assert session["customer"] == customer.stripe_id
    assert session["client_reference_id"] == str(reader.pk)
    assert session["allow_promotion_codes"] is True
    assert session["success_url"].endswith("/subscribe/success/?session_id={CHECKOUT_SESSION_ID}")
    assert session["cancel_url"] == "http://testserver/subscribe/canceled/?next=%2Fnews%2Fstory%2F"
    items = stripe_standin.store.sub_state[session["id"]]["line_items"]
    assert [(i["price"], i["quantity"]) for i in items] == [(plan.yearly_price_id, 1)]


def test_the_customer_is_reused_for_a_second_checkout(client, plan, reader, stripe_standin):
    client.force_login(reader)
    first = stripe_session(stripe_standin, start(client, plan))
    second = stripe_session(stripe_standin, start(client, plan, interval="year"))
    assert first["customer"] == second["customer"]
    assert len(stripe_standin.store.data["customers"]) == 1


def test_a_double_submitted_form_gets_the_same_session(client, plan, reader, stripe_standin):
    client.force_login(reader)
    first = start(client, plan, attempt="a1b2c3d4e5f6")
    second = start(client, plan, attempt="a1b2c3d4e5f6")
    assert first["Location"] == second["Location"]
    assert len(stripe_standin.store.data["checkout_sessions"]) == 1


def test_prices_quantities_and_amounts_from_the_browser_are_ignored(
    client, plan, reader, stripe_standin
):
    cheap = make_plan(name="Cheap", monthly=1, yearly=2, active=False)
    client.force_login(reader)
    response = start(
        client,
        plan,
        price=cheap.monthly_price_id,
        quantity=50,
        amount=1,
        unit_amount=1,
        line_items=cheap.monthly_price_id,
    )
    session = stripe_session(stripe_standin, response)
    assert session["amount_total"] == 900
    items = stripe_standin.store.sub_state[session["id"]]["line_items"]
    assert [(i["price"], i["quantity"]) for i in items] == [(plan.monthly_price_id, 1)]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"plan": "999", "interval": "month"},
        {"plan": "abc", "interval": "month"},
        {"interval": "week"},
        {"interval": ""},
    ],
)
def test_an_unknown_plan_or_interval_is_a_400_and_starts_nothing(
    client, plan, reader, stripe_standin, data
):
    client.force_login(reader)
    data = {"plan": plan.pk, **data}
    response = client.post("/subscribe/checkout/", data)
    assert response.status_code == 400
    assert "Please choose a plan" in response.content.decode()
    assert not stripe_standin.store.data["checkout_sessions"]


def test_an_inactive_plan_cannot_be_bought(client, plan, reader, stripe_standin):
    plan.active = False
    plan.save()
    client.force_login(reader)
    assert start(client, plan).status_code == 400


def test_checkout_is_post_only(client, plan, reader):
    client.force_login(reader)
    assert client.get("/subscribe/checkout/").status_code == 405


def test_a_reader_who_already_subscribes_is_offered_the_portal_not_a_second_checkout(
    client, plan, reader, stripe_standin
):
    # Issue 9: the checkout refuses with a page whose one action is billing (the portal),
    # where it used to redirect to the portal straight away.
    client.force_login(reader)
    customer = stripe_standin.store.create_customer({"email": reader.email})
    Customer.objects.create(user=reader, stripe_id=customer["id"])
    store_subscription(reader, status="active")
    response = start(client, plan)
    assert response.status_code == 409
    assert '<form method="post" action="/account/billing/">' in response.content.decode()
    assert "/portal/" in client.post("/account/billing/")["Location"]
    assert not stripe_standin.store.data["checkout_sessions"]


def test_subscribing_then_returning_reads_the_article_in_full(client, plan, reader, stripe_standin):
    article = make_article()
    client.force_login(reader)
    before = client.get(article.get_absolute_url()).content.decode()
    assert PREVIEW_SENTENCE in before and SECRET_SENTENCE not in before

    response = start(client, plan, next_url=article.get_absolute_url())
    paid = pay(response["Location"], email=reader.email)
    assert paid.status == 303
    back = urlsplit(paid.header("Location"))
    assert back.path == "/subscribe/success/"

    # No webhook has arrived: access comes from the return itself.
    returned = client.get(f"{back.path}?{back.query}")
    assert returned.status_code == 302
    assert returned["Location"] == article.get_absolute_url()
    page = client.get(article.get_absolute_url()).content.decode()
    assert SECRET_SENTENCE in page
    stored = Subscription.objects.get(user=reader)
    assert stored.status == "active" and stored.plan == plan


def test_returning_twice_is_harmless(client, plan, reader, stripe_standin):
    client.force_login(reader)
    paid = pay(start(client, plan)["Location"], email=reader.email)
    back = urlsplit(paid.header("Location"))
    url = f"{back.path}?{back.query}"
    assert client.get(url).status_code == 302
    assert client.get(url).status_code == 302
    assert Subscription.objects.count() == 1


def test_a_declined_card_grants_nothing(client, plan, reader, stripe_standin):
    client.force_login(reader)
    response = start(client, plan)
    declined = pay(response["Location"], card="4000000000000002", email=reader.email)
    assert declined.status == 402
    session = stripe_session(stripe_standin, response)
    returned = client.get(f"/subscribe/success/?session_id={session['id']}")
    assert returned.status_code == 402
    assert not Subscription.objects.exists()


def test_a_reader_with_complimentary_access_is_told_they_need_not_subscribe(
    client, plan, reader, staff_without_group
):
    from subscriptions.models import ComplimentaryAccess

    ComplimentaryAccess.objects.create(
        user=reader, reason="Press pass", granted_by=staff_without_group
    )
    client.force_login(reader)
    html = client.get("/pricing/").content.decode()
    assert "complimentary access" in html
    assert "Subscribe to Digital" in html  # supporting us stays possible


def test_a_reader_without_access_is_not_told_about_complimentary_access(client, plan, reader):
    client.force_login(reader)
    response = client.get("/pricing/")
    assert response.status_code == 200
    assert "<h1>Subscribe</h1>" in response.content.decode()
    assert "complimentary access" not in response.content.decode()


def test_leaving_checkout_says_nothing_was_charged_and_returns_to_the_article(client, reader):
    client.force_login(reader)
    response = client.get("/subscribe/canceled/", {"next": "/news/story/"})
    assert response.status_code == 302
    assert response["Location"] == "/news/story/"
    html = client.get("/").content.decode()
    assert "You left checkout before paying, so nothing was charged." in html


@pytest.mark.parametrize("hostile", ["https://evil.example/", "//evil.example", "/\\evil.example"])
def test_leaving_checkout_never_redirects_off_site(client, hostile):
    response = client.get("/subscribe/canceled/", {"next": hostile})
    assert response["Location"] == "/pricing/"
