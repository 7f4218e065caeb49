"""Reader pages under hostile or clumsy requests: odd paths, query strings, methods, cookies.

Every answer is a 4xx or the ordinary page, never a 500, and nothing is stored.
"""

import pytest
from django.test import Client

from articles.models import PreviewLink
from tests.bad_input_helpers import database_state
from tests.factories import make_article, make_author, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    """One published story with its section, author and tag, and a live preview link."""
    author, tag = make_author(slug="ada"), make_tag(slug="harbour")
    article = make_article(authors=[author], tags=[tag])
    link = PreviewLink.objects.create(article=make_article(status="draft"))
    return {
        "section": article.section.slug,
        "article": article.get_absolute_url(),
        "slug": article.slug,
        "token": link.token,
    }


def reader_pages(site):
    return [
        "/",
        "/feed/",
        "/search/",
        "/sitemap.xml",
        "/sitemap-sections.xml",
        "/sitemap-articles-1.xml",
        "/robots.txt",
        "/pricing/",
        f"/{site['section']}/",
        f"/{site['section']}/feed/",
        site["article"],
        "/authors/ada/",
        "/tags/harbour/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/login/code/",
        "/accounts/password/reset/",
    ]


LONG = "a" * 3000


@pytest.mark.parametrize(
    "path",
    [
        "/no-such-section/",
        "/no-such-section/feed/",
        "/{section}/no-such-story/",
        "/no-such-section/{slug}/",
        "/authors/nobody/",
        "/tags/nothing/",
        "/preview/s/no-such-token/",
        f"/{LONG}/",
        f"/{LONG}/feed/",
        f"/{{section}}/{LONG}/",
        f"/{LONG}/{{slug}}/",
        f"/authors/{LONG}/",
        f"/tags/{LONG}/",
        f"/preview/s/{LONG}/",
        "/%C3%BCnic%C3%B6de/",
        "/%F0%9F%93%B0/%F0%9F%93%B0/",
        "/authors/%C3%A9mile/",
        "/tags/%E2%80%AE/",
        "/%ff%fe/",
        "/{section}/%ff/",
        "/%25/",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%01%1f%7f/",
        "/{section}/%0d%0aSet-Cookie:x=1/",
    ],
)
def test_unknown_overlong_and_junk_paths_are_not_found(client, site, path):
    before = database_state()
    response = client.get(path.format(**site))
    assert response.status_code == 404
    assert "Set-Cookie" not in str(response.headers.get("Location", ""))
    assert database_state() == before


def test_a_media_path_outside_the_upload_folder_is_refused(client, settings):
    settings.MEDIA_ROOT = settings.BASE_DIR / "media"
    assert client.get("/media/..%2f..%2fmanage.py").status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/preview/s/%00/",
        "/preview/s/{token}%00/",
        "/%00/",
        "/{section}/%00/",
        "/authors/%00/",
        "/search/%00",
    ],
)
def test_a_nul_byte_in_the_path_is_a_bad_request(client, site, path):
    # PostgreSQL refuses NUL in text: looked up as a preview token it was a 500.
    before = database_state()
    response = client.get(path.format(**site))
    assert response.status_code == 400
    assert database_state() == before


ODD_QUERIES = [
    "page=abc",
    "page=-1",
    "page=0",
    "page=1e9",
    "page=99999999999999999999999",
    "page=" + "9" * 5000,
    "page=%C2%B2",
    "page=1&page=x&page[]=2",
    "q=%01%02%1b%7f&next=%0d%0a",
    "q=%ff%fe%ED%A0%80",
    "q=%00&page=%00&next=%00",
    "next=javascript:alert(1)&session_id=../../v1/customers",
    "x=" + "y" * 100_000,
    "%zz=%zz&=&&==",
]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_query_strings_get_the_ordinary_page(client, site, query):
    before = database_state()
    for path in reader_pages(site):
        response = client.get(path, QUERY_STRING=query)
        assert response.status_code == 200, path
    assert database_state() == before


def test_more_query_fields_than_django_reads_is_a_bad_request_not_an_error(client, site):
    query = "&".join(f"k{n}=1" for n in range(1200))
    for path in ["/search/", f"/{site['section']}/", "/pricing/", "/accounts/login/"]:
        assert client.get(path, QUERY_STRING=query).status_code == 400, path


@pytest.mark.parametrize("number", ["abc", "-1", "0", "2", "99999999999999999999", "1x"])
def test_a_sitemap_page_that_does_not_exist_is_not_found(client, site, number):
    assert client.get("/sitemap-articles-1.xml").status_code == 200
    assert client.get(f"/sitemap-articles-{number}.xml").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_reader_pages_and_feeds_only_answer_get_and_head(client, site, method):
    # The feeds and the sitemap answered any method with the feed itself.
    for path in [p for p in reader_pages(site) if not p.startswith(("/accounts/", "/pricing/"))]:
        response = getattr(client, method)(path)
        assert response.status_code == 405, path
        assert client.head(path).status_code == 200, path


def test_a_session_cookie_carrying_a_nul_byte_is_ignored(site, reader):
    # Django unquotes "\000" in a quoted cookie to NUL; PostgreSQL then failed every page.
    client = Client(headers={"cookie": 'sessionid="abcdefgh12345678\\000"'})
    before = database_state()
    for path in ["/", site["article"], "/pricing/", "/accounts/login/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert not response.wsgi_request.user.is_authenticated
    assert database_state() == before


def test_a_nul_in_any_other_cookie_does_not_break_the_page(site):
    client = Client(headers={"cookie": 'csrftoken="\\000"; messages="\\000x"; theme="\\000"'})
    assert client.get(site["article"]).status_code == 200


@pytest.mark.parametrize(
    "cookie",
    ["sessionid=" + "a" * 5000, "sessionid=short", "sessionid=../../etc", "sessionid=%00%ff"],
)
def test_a_forged_session_cookie_is_a_signed_out_reader(site, cookie):
    client = Client(headers={"cookie": cookie})
    response = client.get(site["article"])
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
