"""No shared cache keeps what belongs to one person.

A response carrying a flash message or setting a cookie is never `public`; pages shaped by an
account say `private` (and `no-store` where they list emails, sessions or billing); paid and
registered article pages ask search engines and archives not to keep a copy.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def assert_private(response, *, no_store=False):
    directives = cache_control(response)
    assert "private" in directives, response.get("Cache-Control")
    assert "public" not in directives
    assert not {d for d in directives if d.startswith("s-maxage")}
    if no_store:
        assert "no-store" in directives, response.get("Cache-Control")


def _plain_paths(patterns, prefix):
    """Every address under `prefix` that takes no argument: the account pages, all of them."""
    for pattern in patterns:
        route = str(pattern.pattern)
        if "<" in route or "(?P" in route:
            continue
        if isinstance(pattern, URLResolver):
            yield from _plain_paths(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield prefix + route


def account_paths():
    root = get_resolver()
    paths = set()
    for pattern in root.url_patterns:
        route = str(pattern.pattern)
        if route in {"accounts/", "account/"}:
            paths |= {f"/{p}" for p in _plain_paths(pattern.url_patterns, route)}
    return sorted(p for p in paths if "^" not in p and "$" not in p)


ACCOUNT_PATHS = account_paths()


def test_the_account_pages_are_found():
    # So the parametrised tests below cover what they claim.
    assert {"/account/", "/accounts/login/", "/accounts/email/", "/accounts/sessions/"} <= set(
        ACCOUNT_PATHS
    )


@pytest.mark.parametrize("path", ACCOUNT_PATHS)
def test_every_account_page_is_private_and_not_stored_for_a_signed_in_reader(client, reader, path):
    client.force_login(reader)
    response = client.get(path)
    assert response.status_code < 500
    assert_private(response, no_store=True)


@pytest.mark.parametrize("path", ACCOUNT_PATHS)
def test_every_account_page_is_private_for_an_anonymous_visitor(client, path):
    response = client.get(path)
    assert response.status_code < 500
    assert_private(response, no_store=True)


def test_the_account_page_lists_the_email_and_is_not_stored(client, reader):
    client.force_login(reader)
    response = client.get("/account/")
    assert response.status_code == 200
    assert reader.email in response.content.decode()
    assert_private(response, no_store=True)


def test_the_emails_page_is_not_stored(client, reader):
    client.force_login(reader)
    response = client.get("/accounts/email/")
    assert response.status_code == 200
    assert reader.email in response.content.decode()
    assert_private(response, no_store=True)


def test_pricing_for_a_signed_in_reader_is_private(client, reader):
    client.force_login(reader)
    response = client.get("/pricing/")
    assert response.status_code == 200
    assert "Sign out" in response.content.decode()  # the page is shaped by the account
    assert_private(response)


def test_the_page_after_signing_out_carries_the_message_and_is_not_public(client, reader):
    make_article()
    client.force_login(reader)
    response = client.post("/accounts/logout/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/"
    assert "You have signed out." in response.content.decode()
    assert_private(response)
    # The next visit, without the message, is the one shared anonymous page again. (A browser
    # drops the cookies the last response deleted; the test client keeps sending them empty.)
    for name in [name for name, morsel in client.cookies.items() if not morsel.value]:
        del client.cookies[name]
    again = client.get("/")
    assert "You have signed out." not in again.content.decode()
    assert "public" in cache_control(again)


def test_a_public_page_that_sets_a_cookie_is_not_public(client):
    article = make_article(access=Article.Access.PUBLIC)
    # A stale session cookie: the page deletes it, so the response sets a cookie.
    client.cookies["sessionid"] = "x" * 32
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.headline in response.content.decode()
    assert response.cookies
    assert_private(response)
    # Without a cookie to set, the same page is shared by every anonymous reader.
    fresh = client.__class__().get(article.get_absolute_url())
    assert not fresh.cookies
    assert "public" in cache_control(fresh)


@pytest.mark.parametrize("access", [Article.Access.PAID, Article.Access.REGISTERED])
@pytest.mark.parametrize("who", ["anonymous", "subscriber"])
def test_gated_article_pages_ask_archives_not_to_keep_a_copy(client, subscriber, access, who):
    article = make_article(access=access)
    if who == "subscriber":
        client.force_login(subscriber)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert article.headline in html
    assert "noarchive" in response["X-Robots-Tag"]
    head = html.split("</head>", 1)[0]
    assert '<meta name="robots" content="noarchive">' in head


def test_a_public_article_may_be_archived(client):
    article = make_article(access=Article.Access.PUBLIC)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.headline in response.content.decode()
    assert "X-Robots-Tag" not in response
    assert 'name="robots"' not in response.content.decode()
