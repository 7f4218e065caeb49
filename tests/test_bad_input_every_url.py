"""Every URL pattern of the site, fed a generated set of hostile values: never a 500.

The patterns come from the URLconf itself, so a page added tomorrow is covered without
touching this file. Each pattern gets the hostile values in its path parameters, its query
string and a posted form (UTF-8 and a foreign charset), as a superuser (who reaches every
admin page) and anonymously; nothing any of them sends changes a stored row.
"""

import itertools
from urllib.parse import quote, urlencode

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import get_resolver

from articles.models import PreviewLink
from tests.bad_input_helpers import HOSTILE_NEXTS, database_state
from tests.factories import make_article, make_author, make_tag

pytestmark = pytest.mark.django_db


def _atoms():
    numbers = ["0", "-1", "1e308", "NaN", "99999999999999999999999", "9" * 5000]
    text = [
        "",
        " ",
        "\x00",
        "\r\nSet-Cookie: x=1",
        "\u202e\ufeff",
        "📰" * 50,
        "%ff%fe",
        "../../../etc/passwd",
        "<script>alert(1)</script>",
        "' OR 1=1; --",
        "a" * 10_000,
        '{"a":' * 2000,
    ]
    return numbers + text + HOSTILE_NEXTS


HOSTILE = _atoms()
# In a path, the values that reach a converter or a lookup differently (the rest behave like
# one of these there); the query string and the form get the whole set.
HOSTILE_IN_PATHS = ["0", "99999999999999999999999", "9" * 5000, "\x00", "%ff%fe", "../../x", "📰"]
# Buttons that take no input: any POST from signed-in staff is the click itself.
ACTIONS_WITHOUT_INPUT = {
    "admin/articles/article/%(object_id)s/preview-links/new/",
    "admin/articles/article/%(object_id)s/preview-links/%(link_id)s/revoke/",
}
# Reads that write the audit log: an export records who exported what, whatever the filters.
LOGGED_READS = {"admin/desk/member/export/"}
# Query and form keys that some view or the admin reads.
KEYS = [
    "q",
    "page",
    "p",
    "o",
    "e",
    "all",
    "next",
    "plan",
    "interval",
    "session_id",
    "login",
    "email",
    "password",
    "password1",
    "code",
    "headline",
    "slug",
    "published_at__year",
    "published_at__month",
    "published_at__day",
    "status__exact",
    "section__id__exact",
    "_changelist_filters",
    "_popup",
    "_to_field",
    "action",
    "_selected_action",
    "select_across",
    "app_label",
    "model_name",
    "field_name",
    "term",
    "status",
    "origin",
    "newsletter",
    "reason",
    "until",
    "when",
    "invoice",
]


def _patterns(resolver=None, prefix=""):
    """(format string, parameter names) for every pattern, namespaces included."""
    resolver = resolver or get_resolver()
    for key, entries in resolver.reverse_dict.lists():
        if isinstance(key, str):
            continue  # the same patterns are listed under their names and their views
        for possibilities, *_ in entries:
            for format_string, params in possibilities:
                yield prefix + format_string, tuple(params)
    for namespace_prefix, sub in resolver.namespace_dict.values():
        yield from _patterns(sub, prefix + namespace_prefix.lstrip("^"))


PATTERNS = sorted(set(_patterns()))


def test_the_generated_list_covers_the_whole_site():
    routes = {route for route, _ in PATTERNS}
    assert len(PATTERNS) > 100
    for route in [
        "",
        "%(section_slug)s/%(slug)s/",
        "stripe/webhook/",
        "accounts/login/",
        "admin/articles/article/",
        "admin/articles/article/%(object_id)s/change/",
        "account/billing/",
    ]:
        assert route in routes


@pytest.fixture
def site(django_user_model):
    article = make_article(authors=[make_author(slug="ada")], tags=[make_tag(slug="harbour")])
    link = PreviewLink.objects.create(article=article)
    admin = django_user_model.objects.create_superuser(
        email="root@example.com", password="x-very-long-pass"
    )
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    return {"article": article, "token": link.token, "admin": admin}


def _sane(param, site):
    article = site["article"]
    return {
        "section_slug": article.section.slug,
        "slug": article.slug,
        "token": site["token"],
        "persona": "subscriber",
        "app_label": "articles",
        "url": "nowhere/",
        "path": "nothing.png",
        "content_type_id": "1",
    }.get(param, str(article.pk))


def _path(route, params, value):
    return "/" + route % dict.fromkeys(params, value)


def _queries():
    # Each request gives every key a different hostile value; together they give each key many.
    for shift in range(3):
        yield urlencode(
            [(key, HOSTILE[(index * 3 + shift) % len(HOSTILE)]) for index, key in enumerate(KEYS)]
        )


def _forms():
    for shift in range(2):
        pairs = [(key, HOSTILE[(i + shift * 7) % len(HOSTILE)]) for i, key in enumerate(KEYS)]
        yield "application/x-www-form-urlencoded", urlencode(pairs).encode()
    yield "application/x-www-form-urlencoded; charset=utf-16", "login=a".encode("utf-16")
    yield "multipart/form-data; boundary=zz", b"--zz\r\nContent-Disposition: form-data\r\n\r\n\xff"


def _no_server_error(response, method, path):
    assert response.status_code < 500, f"{method} {path[:200]} -> {response.status_code}"


@pytest.mark.parametrize(("route", "params"), PATTERNS, ids=[r or "home" for r, _ in PATTERNS])
def test_hostile_values_anywhere_in_any_url_never_give_a_server_error(site, route, params):
    staff, anonymous = Client(), Client()
    staff.force_login(site["admin"])
    before = database_state()
    sane = "/" + route % {name: _sane(name, site) for name in params}
    for visitor in (staff, anonymous):
        for value in HOSTILE_IN_PATHS if params else []:
            path = _path(route, params, quote(value, safe=""))
            _no_server_error(visitor.get(path), "GET", path)
        for query in _queries():
            _no_server_error(visitor.get(sane, QUERY_STRING=query), "GET", f"{sane}?{query}")
        for content_type, body in _forms():
            response = visitor.generic("POST", sane, body, content_type=content_type)
            _no_server_error(response, "POST", sane)
    if route in LOGGED_READS:
        after = database_state()
        after.pop("desk.AuditEntry"), before.pop("desk.AuditEntry")
        assert after == before
    elif route not in ACTIONS_WITHOUT_INPUT:
        assert database_state() == before


def test_the_hostile_set_reaches_views_rather_than_stopping_at_the_door(site):
    # A sanity check on the generator: the same request with sane values is an ordinary page,
    # so the 4xx answers above come from the values, not from a malformed request.
    client = Client()
    article = site["article"]
    assert client.get(article.get_absolute_url()).status_code == 200
    query = next(iter(_queries()))
    response = client.get("/search/", QUERY_STRING=query)
    assert response.status_code == 200
    assert len(list(itertools.islice(_forms(), 10))) == 4
