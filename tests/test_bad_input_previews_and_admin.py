"""Staff previews and the admin under hostile input and the wrong visitors.

Complements test_preview_links.py, test_preview_view_as.py and test_accounts_admin_login.py.
"""

import pytest

from articles.models import Article
from tests.bad_input_helpers import database_state
from tests.factories import SECRET_SENTENCE, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return make_article(status=Article.Status.DRAFT)


def preview_paths(pk):
    return [
        f"/preview/{pk}/",
        f"/preview/{pk}/as/subscriber/",
        f"/preview/{pk}/as/nobody/",
        "/preview/99999999999999999999999/",
        "/preview/99999999999999999999999/as/reader/",
    ]


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_non_staff_get_the_staff_sign_in_for_any_preview_and_learn_nothing(
    client, reader, draft, who
):
    if who == "reader":
        client.force_login(reader)
    for path in preview_paths(draft.pk):
        for method in ("get", "head"):
            response = getattr(client, method)(path)
            # The same answer whether the article exists or not: no probing for drafts.
            assert response.status_code == 302, path
            assert response["Location"].startswith("/admin/login/"), path
            assert SECRET_SENTENCE not in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/preview/abc/",
        "/preview/-1/",
        "/preview/99999999999999999999999/",
        "/preview/" + "9" * 5000 + "/",
        "/preview/{pk}/as/nobody/",
        "/preview/{pk}/as/" + "x" * 3000 + "/",
        "/preview/{pk}/as/%C3%BC/",
        "/preview/{pk}/as/",
    ],
)
def test_staff_asking_for_a_preview_that_cannot_exist_get_a_404(client, desk_editor, draft, path):
    client.force_login(desk_editor)
    assert client.get(path.format(pk=draft.pk)).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_previews_are_get_only(client, desk_editor, draft, method):
    client.force_login(desk_editor)
    for path in [f"/preview/{draft.pk}/", f"/preview/{draft.pk}/as/reader/"]:
        assert getattr(client, method)(path).status_code == 405


@pytest.mark.parametrize("path", ["/admin/", "/admin/articles/article/", "/admin/accounts/user/"])
def test_the_admin_sends_non_staff_to_sign_in(client, reader, path):
    assert client.get(path)["Location"].startswith("/admin/login/")
    client.force_login(reader)
    assert client.get(path)["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    "data",
    [
        {"username": "\x00", "password": "\x00"},
        {"username": "editor@example.com\x00", "password": "x" * 10_000},
        {"username": ["a", "b"], "password": ["c"]},
        {},
    ],
)
def test_junk_posted_to_the_admin_login_signs_nobody_in(client, staff_without_group, data):
    before = database_state()
    response = client.post("/admin/login/", data)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert database_state() == before
    assert not client.get("/").wsgi_request.user.is_authenticated


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/articles/article/abc/history/"),
        ("get", "/admin/articles/article/1.5/history/"),
        ("get", "/admin/articles/article/abc/history/1/"),
        ("post", "/admin/articles/article/abc/preview-links/new/"),
        ("post", "/admin/articles/article/abc/preview-links/1/revoke/"),
    ],
)
def test_an_article_id_that_is_no_number_is_not_found_in_the_admin(
    client, desk_editor, draft, method, path
):
    # The article admin looked these ids up as they came: int("abc") was a 500.
    client.force_login(desk_editor)
    before = database_state()
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert database_state() == before


def test_an_article_change_page_for_an_id_that_is_no_number_says_it_does_not_exist(
    client, desk_editor, draft
):
    client.force_login(desk_editor)
    response = client.get("/admin/articles/article/abc/change/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.parametrize(
    "query",
    ["status__exact=%00", "access__exact=paid%00", "q=%00", "section__id__exact=1%00"],
)
def test_a_nul_in_an_admin_list_filter_is_a_bad_request(client, desk_editor, draft, query):
    # The admin passes list filters straight into the query: PostgreSQL refused the NUL (500).
    client.force_login(desk_editor)
    response = client.get("/admin/articles/article/", QUERY_STRING=query)
    assert response.status_code == 400


@pytest.mark.parametrize("query", ["status__exact=nonsense", "o=99", "p=-1", "q=%01%02"])
def test_odd_admin_list_filters_still_get_a_page(client, desk_editor, draft, query):
    client.force_login(desk_editor)
    response = client.get("/admin/articles/article/", QUERY_STRING=query)
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    "query",
    [
        "published_at__year=99999999999",
        "published_at__year=10000",
        "published_at__year=9999",
        "published_at__year=9999&published_at__month=12",
        "published_at__year=0",
        "published_at__year=-1",
        "published_at__year=%D9%A3",  # an Arabic-Indic digit, which int() would read as 3
        "published_at__year=" + "9" * 5000,
        "published_at__year=2026&published_at__month=99999999999",
        "published_at__year=2026&published_at__month=2&published_at__day=99999999999",
    ],
)
def test_an_impossible_year_in_the_date_filter_gets_the_admins_error_page(
    client, desk_editor, draft, query
):
    # Django built a datetime from the year and added a year to it: OverflowError, a 500.
    client.force_login(desk_editor)
    before = database_state()
    response = client.get("/admin/articles/article/", QUERY_STRING=query)
    assert response.status_code == 302
    assert response["Location"] == "/admin/articles/article/?e=1"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Select article to change" in page.content.decode()
    assert database_state() == before


def test_a_real_year_in_the_date_filter_lists_that_years_articles(client, desk_editor, draft):
    client.force_login(desk_editor)
    published = make_article(headline="Harbour reopens after the storm")
    response = client.get(
        "/admin/articles/article/", {"published_at__year": published.published_at.year}
    )
    assert response.status_code == 200
    assert "Harbour reopens after the storm" in response.content.decode()
