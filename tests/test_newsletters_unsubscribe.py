"""Unsubscribing from an email's link without signing in: the page names the newsletter and
offers every email; mail clients' one-click POST (RFC 8058) works with no cookie or form."""

import pytest
from django.test import Client

from newsletters.models import ConsentEvent, NewsletterSubscription
from newsletters.tokens import make_token
from tests.newsletter_helpers import make_newsletter, subscribed

pytestmark = pytest.mark.django_db


@pytest.fixture
def letters():
    return make_newsletter(name="Every story"), make_newsletter(name="The morning briefing")


@pytest.fixture
def member(reader, letters):
    return subscribed(reader, *letters)


def link(member, newsletter):
    return f"/newsletters/unsubscribe/{make_token(user_id=member.pk, newsletter_id=newsletter.pk)}/"


def receives(member):
    return sorted(
        NewsletterSubscription.objects.active()
        .filter(user=member)
        .values_list("newsletter__name", flat=True)
    )


def test_the_link_confirms_which_newsletter_and_offers_all_emails(client, member, letters):
    response = client.get(link(member, letters[0]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stop sending <strong>Every story</strong> to r•••••@example.com?" in html
    assert "Unsubscribe from Every story" in html
    assert "Unsubscribe from all emails" in html
    assert "reader@example.com" not in html
    # Looking is not unsubscribing: link scanners in mail filters follow every link.
    assert receives(member) == ["Every story", "The morning briefing"]


def test_unsubscribing_from_one_newsletter_keeps_the_other(client, member, letters):
    response = client.post(link(member, letters[0]), {"scope": "newsletter"})
    assert response.status_code == 200
    assert "will receive no more <strong>Every story</strong> emails" in response.content.decode()
    assert receives(member) == ["The morning briefing"]
    event = ConsentEvent.objects.get(action="withdrawn")
    assert (event.newsletter, event.source) == (letters[0], "unsubscribe_link")


def test_all_emails_unsubscribes_from_every_newsletter(client, member, letters):
    response = client.post(link(member, letters[0]), {"scope": "all"})
    assert response.status_code == 200
    assert "will receive no more newsletters" in response.content.decode()
    assert receives(member) == []
    assert ConsentEvent.objects.filter(action="withdrawn").count() == 2


def test_a_mail_clients_one_click_post_unsubscribes_without_cookie_or_csrf_token(member, letters):
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        link(member, letters[1]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert receives(member) == ["Every story"]
    assert ConsentEvent.objects.get(action="withdrawn").source == "one_click"


def test_unsubscribing_twice_is_harmless_and_the_page_says_so(client, member, letters):
    client.post(link(member, letters[0]), {"scope": "newsletter"})
    assert client.post(link(member, letters[0]), {"scope": "newsletter"}).status_code == 200
    assert ConsentEvent.objects.filter(action="withdrawn").count() == 1
    html = client.get(link(member, letters[0])).content.decode()
    assert "no longer receives <strong>Every story</strong>" in html
    assert "Unsubscribe from all emails" in html


def test_the_unsubscribe_pages_work_without_javascript_as_plain_forms(client, member, letters):
    html = client.get(link(member, letters[0])).content.decode()
    assert '<form method="post"' in html
    assert 'name="scope" value="newsletter"' in html and 'name="scope" value="all"' in html


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "not-a-token",
        lambda token: token.split(":")[0] + ":x:y",
    ],
    ids=["altered-signature", "garbage", "wrong-shape"],
)
def test_a_forged_link_is_refused_clearly_and_changes_nothing(client, member, letters, tamper):
    token = make_token(user_id=member.pk, newsletter_id=letters[0].pk)
    url = f"/newsletters/unsubscribe/{tamper(token)}/"
    for response in (client.get(url), client.post(url, {"scope": "all"})):
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert receives(member) == ["Every story", "The morning briefing"]
    assert not ConsentEvent.objects.filter(action="withdrawn").exists()


def test_a_link_made_for_another_member_cannot_be_turned_on_someone_else(
    client, member, letters, subscriber
):
    subscribed(subscriber, letters[0])
    # Swapping the member's id into a genuine token breaks its signature.
    genuine = make_token(user_id=member.pk, newsletter_id=letters[0].pk)
    other = make_token(user_id=subscriber.pk, newsletter_id=letters[0].pk)
    _, timestamp, signature = genuine.split(":")
    # The other member's payload with this member's timestamp and signature.
    forged = ":".join([other.split(":")[0], timestamp, signature])
    assert forged != other
    response = client.post(f"/newsletters/unsubscribe/{forged}/", {"scope": "all"})
    assert response.status_code == 400
    assert receives(subscriber) == ["Every story"]
    assert receives(member) == ["Every story", "The morning briefing"]


def test_an_expired_link_is_refused_clearly_and_changes_nothing(client, member, letters, settings):
    url = link(member, letters[0])
    settings.NEWSLETTER_UNSUBSCRIBE_MAX_AGE_DAYS = -1
    response = client.post(url, {"scope": "all"})
    assert response.status_code == 400
    assert "This unsubscribe link has expired" in response.content.decode()
    assert receives(member) == ["Every story", "The morning briefing"]


def test_a_link_for_a_deleted_account_says_there_is_nothing_to_do(client, member, letters):
    url = link(member, letters[0])
    member.delete()
    response = client.get(url)
    assert response.status_code == 410
    assert "Nothing to unsubscribe from" in response.content.decode()


@pytest.mark.parametrize("scope", ["", "everything", "x" * 300])
def test_an_unknown_choice_changes_nothing(client, member, letters, scope):
    response = client.post(link(member, letters[0]), {"scope": scope})
    assert response.status_code == 400
    assert "Choose what to unsubscribe from" in response.content.decode()
    assert receives(member) == ["Every story", "The morning briefing"]


@pytest.mark.parametrize("others", [0, 40], ids=["few", "many"])
def test_the_unsubscribe_page_costs_the_same_however_many_members_and_newsletters(
    client, member, letters, django_user_model, django_assert_num_queries, others
):
    for n in range(others):
        extra = make_newsletter(name=f"Letter {n}")
        subscribed(member, extra)
        subscribed(django_user_model.objects.create_user(email=f"m{n}@example.com"), extra)
    url = link(member, letters[0])
    # the member, the newsletter, whether they receive it, the navigation
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
