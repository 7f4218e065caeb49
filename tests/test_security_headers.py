import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def policy(response):
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";")]
    return {name: values for name, *values in directives}


@pytest.mark.parametrize("path", ["/", "/pricing/", "/accounts/login/", "/search/"])
def test_reader_pages_allow_only_the_sites_own_scripts_and_styles(client, path):
    csp = policy(client.get(path))
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "https://checkout.stripe.com" in csp["form-action"]


def test_the_article_page_carries_the_policy_and_stays_shareable_by_caches(client):
    response = client.get(make_article().get_absolute_url())
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "nonce-" not in response["Content-Security-Policy"]  # a nonce would defeat caching
    assert "public" in response["Cache-Control"]


def test_pages_cannot_be_framed_or_sniffed(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_admin_is_left_to_its_own_scripts(client, staff_without_group):
    client.force_login(staff_without_group)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
