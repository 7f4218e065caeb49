"""A reader downloads their data from the account page: theirs, whole, and nobody else's."""

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.utils import timezone

from articles.models import GiftLink, GiftLinkReader
from newsletters.models import Source
from subscriptions.models import ComplimentaryAccess, PaymentFailureNotice
from tests.factories import make_article
from tests.newsletter_helpers import make_newsletter, subscribed
from tests.stripe_helpers import store_subscription
from tests.users import verified_user

pytestmark = pytest.mark.django_db


def _footprint(user, tag):
    """A little of everything we keep about a reader, marked with `tag`."""
    EmailAddress.objects.create(user=user, email=f"{tag}-old@example.com", verified=False)
    UserSession.objects.create(
        user=user, ip="192.0.2.7", session_key=f"sess-{tag}", user_agent=f"Browser-{tag}"
    )
    subscription = store_subscription(user, status="active")
    subscription.stripe_id = f"sub_{tag}"
    subscription.save()
    PaymentFailureNotice.objects.create(invoice_id=f"in_{tag}", user=user)
    ComplimentaryAccess.objects.create(user=user, reason=f"Press pass {tag}")
    subscribed(user, make_newsletter(name=f"Letters {tag}"), source=Source.SIGNUP)
    GiftLink.objects.create(
        article=make_article(headline=f"Gifted story {tag}"),
        giver=user,
        giver_name=tag,
        max_readers=5,
        expires_at=timezone.now() + timedelta(days=7),
    )


def download(client, user):
    client.force_login(user)
    response = client.post("/account/data/")
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_the_download_holds_the_readers_own_data(client):
    me = verified_user("me@example.com", name="Mina Reader")
    _footprint(me, "mine")
    GiftLinkReader.objects.create(link=GiftLink.objects.get(giver=me), reader_key="someone")
    _, data = download(client, me)
    assert data["account"]["email"] == "me@example.com"
    assert data["account"]["name"] == "Mina Reader"
    assert {a["email"] for a in data["email_addresses"]} == {
        "me@example.com",
        "mine-old@example.com",
    }
    assert [s["user_agent"] for s in data["sign_ins"]] == ["Browser-mine"]
    assert [s["stripe_subscription"] for s in data["subscriptions"]] == ["sub_mine"]
    assert data["subscriptions"][0]["status"] == "active"
    assert [i["invoice"] for i in data["invoices"]] == ["in_mine"]
    assert [c["reason"] for c in data["complimentary_access"]] == ["Press pass mine"]
    [choice] = data["newsletters"]["choices"]
    assert choice["newsletter"] == "Letters mine"
    assert choice["receiving"] is True
    assert choice["consent_given_on"] == "signup"
    assert choice["consented_at"]
    assert [e["action"] for e in data["newsletters"]["consent_history"]] == ["given"]
    [gift] = data["gift_links"]
    assert gift["article"] == "Gifted story mine"
    assert gift["readers"] == 1
    assert gift["address"].endswith(GiftLink.objects.get(giver=me).get_absolute_url())


def test_the_download_holds_nothing_of_another_reader(client):
    me = verified_user("me@example.com")
    other = verified_user("someone-else@example.com")
    _footprint(me, "mine")
    _footprint(other, "theirs")
    response, data = download(client, me)
    text = response.content.decode()
    assert "mine-old@example.com" in text  # the right file
    for trace in ["someone-else", "theirs", "in_theirs", "sub_theirs", "Browser-theirs"]:
        assert trace not in text


def test_the_download_is_a_private_attachment(client, reader):
    response, _ = download(client, reader)
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives


def test_a_reader_with_nothing_but_an_account_gets_empty_lists(client, reader):
    _, data = download(client, reader)
    assert data["account"]["email"] == "reader@example.com"
    assert data["subscriptions"] == []
    assert data["invoices"] == []
    assert data["gift_links"] == []
    assert data["newsletters"] == {"choices": [], "consent_history": []}


def test_the_account_page_has_the_download_button(client, reader):
    client.force_login(reader)
    html = client.get("/account/").content.decode()
    assert "Your data" in html
    assert 'action="/account/data/"' in html
    assert "Download my data" in html


def test_only_a_signed_in_post_downloads(client, reader):
    assert client.post("/account/data/").status_code == 302
    client.force_login(reader)
    assert client.get("/account/data/").status_code == 405
