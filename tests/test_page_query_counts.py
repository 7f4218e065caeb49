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
    with django_assert_num_queries(2):  # the section that is not there, navigation
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
