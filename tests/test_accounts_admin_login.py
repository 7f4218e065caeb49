"""Staff reach /admin/ through the same protected sign-in as readers."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_admin_sends_an_anonymous_visitor_to_the_site_sign_in(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"
    assert "Sign in" in response.content.decode()


def test_django_admin_login_form_cannot_be_used_to_sign_in(client, staff_without_group, password):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": staff_without_group.email, "password": password}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_an_editor_signs_in_on_the_site_and_lands_in_the_admin(
    client, staff_without_group, password
):
    response = client.post(
        "/accounts/login/",
        {"login": staff_without_group.email, "password": password, "next": "/admin/"},
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_reader_is_refused_at_the_admin_login(client, reader, password):
    client.post("/accounts/login/", {"login": reader.email, "password": password})
    assert client.get("/admin/login/").status_code == 403


def test_guessing_an_editor_password_hits_the_same_limits_as_readers(
    client, staff_without_group, password
):
    for n in range(10):
        client.post(
            "/accounts/login/",
            {"login": f"guess{n}@example.com", "password": "not-it", "next": "/admin/"},
        )
    response = client.post(
        "/accounts/login/",
        {"login": staff_without_group.email, "password": password, "next": "/admin/"},
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get("/admin/").status_code == 302
