"""Every checkout records where it started (an article's paywall, a gift link, an offer page or
pricing), and the synced subscription keeps it, so the admin counts conversions per article."""

from urllib.parse import unquote, urlsplit

import pytest

from devtools.stripe_standin.testing import pay
from subscriptions import services
from subscriptions.models import Customer, Offer, Subscription
from tests.factories import make_article
from tests.stripe_helpers import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(stripe_standin):
    return make_plan()


def checkout(client, plan, **extra):
    return client.post("/subscribe/checkout/", {"plan": plan.pk, "interval": "month", **extra})


def session_of(standin, response):
    assert response.status_code == 303, response.content.decode()[:500]
    session_id = urlsplit(response["Location"]).path.rsplit("/", 1)[-1]
    return standin.store.data["checkout_sessions"][session_id]


def pay_and_return(client, response, reader):
    paid = pay(response["Location"], email=reader.email)
    back = urlsplit(paid.header("Location"))
    client.get(f"{back.path}?{back.query}")
    return Subscription.objects.get(user=reader)


def test_a_checkout_from_an_articles_paywall_is_counted_for_that_article(
    client, reader, plan, stripe_standin
):
    article = make_article()
    client.force_login(reader)
    pricing = client.get("/pricing/", {"next": article.get_absolute_url()}).content.decode()
    assert 'name="via"' not in pricing
    response = checkout(client, plan, next=article.get_absolute_url())
    session = session_of(stripe_standin, response)
    assert session["metadata"]["source"] == "article"
    assert session["metadata"]["source_article"] == str(article.pk)
    stored = pay_and_return(client, response, reader)
    assert (stored.source, stored.source_article) == ("article", article)


def test_a_checkout_from_a_gift_links_banner_is_counted_for_the_gift_link(
    client, reader, plan, stripe_standin
):
    article = make_article()
    client.force_login(reader)
    pricing = client.get("/pricing/", {"next": article.get_absolute_url(), "via": "gift"})
    assert '<input type="hidden" name="via" value="gift">' in pricing.content.decode()
    response = checkout(client, plan, next=article.get_absolute_url(), via="gift")
    stored = pay_and_return(client, response, reader)
    assert (stored.source, stored.source_article) == ("gift_link", article)


def test_a_checkout_from_an_offer_page_is_counted_for_the_offer(
    client, reader, plan, stripe_standin
):
    offer = Offer(code="HALF", name="Half", percent_off=50, duration="once")
    services.create_offer_at_stripe(offer=offer, plans=[plan])
    offer.save()
    client.force_login(reader)
    stored = pay_and_return(client, checkout(client, plan, offer="HALF"), reader)
    assert (stored.source, stored.source_article, stored.offer) == ("offer", None, offer)


@pytest.mark.parametrize(
    "next_url", ["", "/", "/pricing/", "/no-such-section/no-such-story/", "/account/"]
)
def test_any_other_checkout_is_counted_for_pricing(client, reader, plan, stripe_standin, next_url):
    client.force_login(reader)
    session = session_of(stripe_standin, checkout(client, plan, next=next_url))
    assert session["metadata"]["source"] == "pricing"
    assert "source_article" not in session["metadata"]


def test_a_forged_via_is_ignored(client, reader, plan, stripe_standin):
    article = make_article()
    client.force_login(reader)
    response = checkout(client, plan, next=article.get_absolute_url(), via="<script>")
    assert session_of(stripe_standin, response)["metadata"]["source"] == "article"


def test_the_source_survives_signing_up_on_the_way(client, reader, plan, stripe_standin):
    article = make_article()
    response = checkout(client, plan, next=article.get_absolute_url(), via="gift")
    assert response.status_code == 303
    resume = unquote(urlsplit(response["Location"]).query.split("next=", 1)[1])
    client.force_login(reader)
    session = session_of(stripe_standin, client.get(resume))
    assert session["metadata"]["source"] == "gift_link"
    assert session["metadata"]["source_article"] == str(article.pk)


@pytest.mark.parametrize("article_id", ["999999", "abc", "", "1e3", "١٢"])
def test_metadata_naming_no_article_stores_the_source_alone(reader, article_id):
    customer = Customer.objects.create(user=reader, stripe_id="cus_attr")
    data = {
        "id": "sub_attr",
        "customer": customer.stripe_id,
        "status": "active",
        "items": {"data": []},
        "metadata": {"source": "article", "source_article": article_id},
    }
    stored = services.apply_subscription(data=data, user=reader)
    assert (stored.source, stored.source_article) == ("article", None)


def test_the_admin_counts_conversions_per_article(
    client, staff_without_group, reader, plan, stripe_standin
):
    article = make_article(headline="The harbour deal")
    client.force_login(reader)
    pay_and_return(client, checkout(client, plan, next=article.get_absolute_url()), reader)
    staff_without_group.is_superuser = True
    staff_without_group.save()
    client.force_login(staff_without_group)
    listing = client.get(
        "/admin/subscriptions/subscription/", {"source_article__id__exact": article.pk}
    ).content.decode()
    assert "1 subscription" in listing
    assert "The harbour deal" in listing
    assert "An article&#x27;s paywall" in listing
