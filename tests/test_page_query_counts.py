"""Query counts of the reader-facing pages not pinned next to their own views.

Each is measured with a few and with many rows of what the page lists, so a query inside a
loop fails the build.
"""

import pytest

from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[1, 12], ids=["few", "many"])
def newsroom(request):
    sections = [make_section() for _ in range(request.param)]
    for section in sections:
        make_article(section=section)
    return sections


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # the navigation sections
        ("/accounts/login/", 1),
        ("/accounts/signup/", 2),  # and the newsletters offered to new members
        ("/accounts/login/code/", 1),
        ("/accounts/password/reset/", 1),
        ("/search/", 1),  # no query yet: the form and the navigation only
    ],
)
def test_entrance_pages_cost_only_the_navigation(
    client, newsroom, django_assert_num_queries, url, queries
):
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_a_missing_page_costs_the_lookup_and_the_navigation(
    client, newsroom, django_assert_num_queries
):
    # the section that is not there, an imported site's old address, navigation
    with django_assert_num_queries(3):
        assert client.get("/no-such-section/").status_code == 404


def test_the_sitemap_costs_the_same_however_many_articles(
    client, newsroom, django_assert_num_queries
):
    with django_assert_num_queries(1):  # the highest published id: how many files
        assert client.get("/sitemap.xml").status_code == 200
    with django_assert_num_queries(2):  # how many files, that file's articles
        assert client.get("/sitemap-articles-1.xml").status_code == 200
    with django_assert_num_queries(1):  # the sections
        assert client.get("/sitemap-sections.xml").status_code == 200


@pytest.fixture(params=[1, 6], ids=["few", "many"])
def plans(request):
    from subscriptions.models import Plan

    for n in range(request.param):
        Plan.objects.create(
            name=f"Plan {n}",
            monthly_price_id=f"price_m{n}",
            monthly_amount=900 + n,
            yearly_price_id=f"price_y{n}",
            yearly_amount=9000 + n,
            order=n,
        )


def test_the_gift_page_costs_the_same_however_many_plans(
    client, newsroom, plans, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the plan that prices gifts, navigation
        response = client.get("/give/")
    assert response.status_code == 200
    assert "£27.00" in response.content.decode()


@pytest.fixture(params=[1, 6], ids=["few", "many"])
def gifts(request):
    from giftsubs.models import Gift
    from newsroom import clock

    now = clock.now()
    made = [
        Gift.objects.create(
            months=3,
            amount=2700,
            currency="usd",
            buyer_email="buyer@example.com",
            recipient_email="friend@example.com",
            deliver_on=now.date(),
            state="paid",
            paid_at=now,
            claim_by=now + Gift.claim_window(),
            checkout_session_id=f"cs_test_{n}",
        )
        for n in range(request.param)
    ]
    return made


def test_a_gifts_redeem_page_costs_the_same_however_many_gifts(
    client, newsroom, gifts, reader, django_assert_num_queries
):
    url = f"/give/redeem/{gifts[0].token}/"
    with django_assert_num_queries(2):  # the gift, navigation
        assert client.get(url).status_code == 200
    client.force_login(reader)
    # session, user, the gift, a live subscription, navigation (and the header's access)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200
    assert "Redeem my gift" in response.content.decode()
