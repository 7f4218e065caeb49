"""The account page: email and its state, passkeys, password, sign-in history, billing."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, reader, password):
    response = client.post(
        "/accounts/login/",
        {"login": reader.email, "password": password},
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux) Firefox/140.0",
    )
    assert response.status_code == 302
    return client


def add_passkey(user, name):
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": name, "credential": {}}
    )


def add_past_sign_ins(user, count):
    start = UserSession.objects.count()
    for n in range(count):
        UserSession.objects.create(
            user=user,
            session_key=f"old-session-{start + n}",
            ip=f"198.51.100.{n + 1}",
            user_agent="Mozilla/5.0 (Macintosh) Safari/19.0",
            created_at=timezone.now() - timedelta(days=n + 1),
            last_seen_at=timezone.now() - timedelta(days=n + 1),
        )


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/account/"


def test_the_header_account_link_leads_to_the_account_page(signed_in):
    assert 'href="/account/">Account</a>' in signed_in.get("/").content.decode()


def test_the_page_shows_the_email_and_whether_it_is_verified(signed_in, reader):
    EmailAddress.objects.create(user=reader, email="second@example.com", verified=False)
    html = signed_in.get("/account/").content.decode()
    assert "<strong>reader@example.com</strong>" in html
    assert "Verified" in html
    assert "<strong>second@example.com</strong>" in html
    assert "Not verified" in html
    assert 'href="/accounts/email/"' in html


def test_the_page_lists_passkeys_with_a_way_to_remove_each_and_to_add_one(signed_in, reader):
    phone = add_passkey(reader, "My phone")
    html = signed_in.get("/account/").content.decode()
    assert "My phone" in html
    assert f'href="/accounts/2fa/webauthn/keys/{phone.pk}/remove/?next=/account/"' in html
    assert 'href="/accounts/2fa/webauthn/add/"' in html


def test_the_page_offers_to_change_the_password(signed_in):
    assert 'href="/accounts/password/change/"' in signed_in.get("/account/").content.decode()


def test_the_page_shows_where_the_reader_signed_in_marking_this_browser(signed_in, reader):
    add_past_sign_ins(reader, 1)
    html = signed_in.get("/account/").content.decode()
    assert "198.51.100.1" in html
    assert "Safari/19.0" in html
    assert "Firefox/140.0" in html
    assert html.count("This browser</span>") == 1


def test_the_billing_panel_appears_exactly_once(signed_in):
    html = signed_in.get("/account/").content.decode()
    assert html.count('aria-labelledby="billing-heading"') == 1


def test_the_page_links_to_account_deletion(signed_in):
    assert 'href="/account/delete/"' in signed_in.get("/account/").content.decode()


def test_another_readers_passkeys_and_sign_ins_never_show(signed_in, editor):
    add_passkey(editor, "Editor's laptop")
    add_past_sign_ins(editor, 1)
    html = signed_in.get("/account/").content.decode()
    assert "Editor&#x27;s laptop" not in html
    assert "198.51.100.1" not in html


# Session, user, section navigation; authenticators, email addresses, sign-ins (this page);
# the header's billing state and the billing panel's subscription, comp and customer.
ACCOUNT_PAGE_QUERIES = 10


def test_the_account_page_query_count_does_not_grow_with_the_data(
    signed_in, reader, django_assert_num_queries
):
    add_passkey(reader, "Only key")
    add_past_sign_ins(reader, 1)
    with django_assert_num_queries(ACCOUNT_PAGE_QUERIES):
        assert signed_in.get("/account/").status_code == 200

    for n in range(15):
        add_passkey(reader, f"Key {n}")
        EmailAddress.objects.create(user=reader, email=f"alias{n}@example.com")
    add_past_sign_ins(reader, 30)
    with django_assert_num_queries(ACCOUNT_PAGE_QUERIES):
        assert signed_in.get("/account/").status_code == 200


def test_the_page_shows_the_latest_ten_sign_ins(signed_in, reader):
    add_past_sign_ins(reader, 30)
    html = signed_in.get("/account/").content.decode()
    assert "198.51.100.9<" in html  # the ninth most recent past one
    assert "198.51.100.30<" not in html
