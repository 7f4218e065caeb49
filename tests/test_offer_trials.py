"""Trial offers: "a free trial of N days" as an offer. No coupon at Stripe; Checkout is given
`subscription_data.trial_period_days`; one trial per reader, as on pricing; the offer page and
its button say what the reader gets."""

from html import unescape
from urllib.parse import unquote, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from devtools.stripe_standin.testing import pay, request
from subscriptions.models import Offer, Subscription
from tests.html_helpers import button_names
from tests.stripe_helpers import make_plan, store_subscription, stripe_customer_for

pytestmark = pytest.mark.django_db

SECOND_TRIAL = "Free trials are for new subscribers. You have subscribed before"


@pytest.fixture
def plan(stripe_standin):
    return make_plan(name="Digital", monthly=900, yearly=9000)


@pytest.fixture
def trial_offer(plan):
    offer = Offer.objects.create(
        code="TRY14", name="Two weeks on us", kind=Offer.Kind.TRIAL, trial_days=14
    )
    offer.plans.set([plan])
    return offer


def text(response):
    return unescape(response.content.decode())


def take_up(client, offer, plan):
    return client.post(
        "/subscribe/checkout/", {"plan": plan.pk, "interval": "month", "offer": offer.code}
    )


def checkout_of(standin, response):
    assert response.status_code == 303, response.content[:500]
    session_id = urlsplit(response["Location"]).path.rsplit("/", 1)[-1]
    return standin.store.data["checkout_sessions"][session_id], standin.store.sub_state[session_id]


@pytest.fixture
def admin_client(client, staff_without_group):
    staff_without_group.is_superuser = True
    staff_without_group.save()
    client.force_login(staff_without_group)
    return client


def trial_form(plan, **overrides):
    data = {
        "name": "A fortnight free",
        "description": "",
        "code": "FORTNIGHT",
        "kind": "trial",
        "trial_days": "14",
        "currency": "usd",
        "duration": "once",
        "plans": [plan.pk],
        "starts_at_0": timezone.localtime().strftime("%Y-%m-%d"),
        "starts_at_1": "00:00:00",
    }
    data.update(overrides)
    return data


def test_an_editor_makes_a_trial_offer_and_nothing_is_made_at_stripe(
    admin_client, plan, stripe_standin
):
    response = admin_client.post("/admin/subscriptions/offer/add/", trial_form(plan))
    assert response.status_code == 302, text(response)[:2000]
    offer = Offer.objects.get()
    assert (offer.kind, offer.trial_days, offer.percent_off, offer.amount_off) == (
        "trial",
        14,
        None,
        None,
    )
    assert offer.stripe_coupon_id == offer.stripe_promotion_code_id == ""
    assert not stripe_standin.store.data["coupons"]
    assert not stripe_standin.store.data["promotion_codes"]
    listing = text(admin_client.get("/admin/subscriptions/offer/"))
    assert "a 14-day free trial, then the usual price" in listing


def test_a_trial_offer_without_its_days_is_refused(admin_client, plan, stripe_standin):
    response = admin_client.post("/admin/subscriptions/offer/add/", trial_form(plan, trial_days=""))
    assert response.status_code == 200
    assert "Say how many days the free trial lasts." in text(response)
    assert not Offer.objects.exists()


def test_archiving_a_trial_offer_closes_its_page(admin_client, trial_offer, stripe_standin):
    response = admin_client.post(
        "/admin/subscriptions/offer/",
        {"action": "archive", "_selected_action": [trial_offer.pk]},
        follow=True,
    )
    assert "1 offer(s) archived" in text(response)
    page = admin_client.get("/offer/TRY14/")
    assert page.status_code == 410
    assert "This offer has ended." in text(page)


def test_the_trial_offer_page_says_free_for_n_days_then_the_price(client, trial_offer, plan):
    response = client.get("/offer/TRY14/")
    assert response.status_code == 200
    html = text(response)
    assert "Two weeks on us" in html
    assert "A 14-day free trial, then the usual price." in html
    assert "free for 14 days</strong>, then $9.00 a month" in html
    assert "One free trial per reader. We take your card now" in html
    assert "Start your 14-day free trial of Digital" in button_names(html)
    assert "<s " not in html  # no struck-out price: nothing is discounted


def test_a_new_reader_takes_up_the_trial_offer_with_the_card_taken_and_no_coupon(
    client, reader, trial_offer, plan, stripe_standin
):
    client.force_login(reader)
    response = take_up(client, trial_offer, plan)
    session, state = checkout_of(stripe_standin, response)
    assert state["trial_period_days"] == 14
    assert session["discounts"] == []
    assert session["amount_total"] == 0
    assert session["payment_method_collection"] == "always"
    assert "Includes a 14-day free trial" in request("GET", response["Location"]).text

    paid = pay(response["Location"], email=reader.email)
    back = urlsplit(paid.header("Location"))
    client.get(f"{back.path}?{back.query}")
    stored = Subscription.objects.get(user=reader)
    assert stored.status == "trialing"
    assert stored.offer == trial_offer
    assert stored.source == "offer"
    account = text(client.get("/account/"))
    assert "Trialing" in account
    assert "Discount" not in account  # a trial is not a discount
    listing = Offer.objects.get(pk=trial_offer.pk).subscriptions.count()
    assert listing == 1


def test_the_trial_offer_replaces_the_plans_own_trial(client, reader, stripe_standin):
    plan = make_plan(name="Weekly", trial_days=7)
    offer = Offer.objects.create(code="MONTHFREE", name="A month", kind="trial", trial_days=30)
    client.force_login(reader)
    _, state = checkout_of(stripe_standin, take_up(client, offer, plan))
    assert state["trial_period_days"] == 30


@pytest.mark.parametrize("before", ["canceled", "trialing", "incomplete_expired"])
def test_a_reader_who_has_subscribed_before_is_told_honestly_and_gets_no_checkout(
    client, reader, trial_offer, plan, stripe_standin, before
):
    stripe_customer_for(reader)
    store_subscription(reader, status=before)
    if before == "trialing":
        # A live trial: the page says they subscribe already; a forged post is still refused.
        client.force_login(reader)
        assert "You already subscribe" in text(client.get("/offer/TRY14/"))
        Subscription.objects.filter(user=reader).update(status="canceled")
    client.force_login(reader)
    page = client.get("/offer/TRY14/")
    assert page.status_code == 200
    html = text(page)
    assert "Two weeks on us" in html
    assert SECOND_TRIAL in html
    assert "Start your 14-day free trial" not in html

    response = take_up(client, trial_offer, plan)
    assert response.status_code == 403
    assert SECOND_TRIAL in text(response)
    assert not stripe_standin.store.data["checkout_sessions"]


def test_an_anonymous_reader_is_asked_again_after_signing_in(
    client, reader, trial_offer, plan, stripe_standin
):
    response = take_up(client, trial_offer, plan)
    assert response.status_code == 303
    query = dict(part.split("=", 1) for part in urlsplit(response["Location"]).query.split("&"))
    resume = unquote(query["next"])
    # They sign in to an account that subscribed before: no trial, no checkout.
    store_subscription(reader, status="canceled")
    client.force_login(reader)
    refused = client.get(resume)
    assert refused.status_code == 403
    assert SECOND_TRIAL in text(refused)
    assert not stripe_standin.store.data["checkout_sessions"]


def test_a_new_reader_signing_up_from_the_trial_offer_gets_the_trial(
    client, django_user_model, trial_offer, plan, stripe_standin
):
    response = take_up(client, trial_offer, plan)
    query = dict(part.split("=", 1) for part in urlsplit(response["Location"]).query.split("&"))
    newcomer = django_user_model.objects.create_user(email="new@example.com")
    EmailAddress.objects.create(user=newcomer, email=newcomer.email, verified=True, primary=True)
    client.force_login(newcomer)
    _, state = checkout_of(stripe_standin, client.get(unquote(query["next"])))
    assert state["trial_period_days"] == 14


@pytest.mark.parametrize("plans", [1, 6])
def test_the_trial_offer_page_costs_the_same_however_many_plans(
    client, reader, stripe_standin, django_assert_num_queries, plans
):
    made = [make_plan(name=f"Plan {n}") for n in range(plans)]
    offer = Offer.objects.create(code="TRYME", name="Try", kind="trial", trial_days=7)
    offer.plans.set(made)
    # the offer, its plans, the plans on sale, navigation sections
    with django_assert_num_queries(4):
        assert client.get("/offer/TRYME/").status_code == 200
