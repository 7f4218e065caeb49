"""Choosing newsletters at sign-up and on the account page: boxes never ticked for the reader,
and every consent recorded with when and where it was given or withdrawn."""

import pytest

from newsletters.models import ConsentEvent, NewsletterSubscription
from tests.newsletter_helpers import make_newsletter, subscribed

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-pass-phrase-for-reading"


@pytest.fixture
def newsletters():
    return [
        make_newsletter(name="Every story", order=1),
        make_newsletter(name="The morning briefing", order=2),
        make_newsletter(name="Staff memo", default_for_new_members=False, order=3),
    ]


def boxes(html):
    return [line for line in html.split("<input") if 'name="newsletters"' in line]


def test_sign_up_offers_each_newsletter_for_new_members_with_no_box_ticked(client, newsletters):
    html = client.get("/accounts/signup/").content.decode()
    assert "Create your account" in html
    assert "Every story" in html and "The morning briefing" in html
    assert "Staff memo" not in html
    assert len(boxes(html)) == 2
    assert not any("checked" in box.split(">")[0] for box in boxes(html))


def test_signing_up_without_ticking_subscribes_to_nothing(client, newsletters):
    data = {"email": "a@example.com", "password1": NEW_PASSWORD}
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 302
    assert not NewsletterSubscription.objects.exists()
    assert not ConsentEvent.objects.exists()


def test_a_box_ticked_at_sign_up_is_recorded_as_consent_from_the_sign_up_form(
    client, newsletters, django_user_model
):
    response = client.post(
        "/accounts/signup/",
        {"email": "b@example.com", "password1": NEW_PASSWORD, "newsletters": [newsletters[1].pk]},
    )
    assert response.status_code == 302
    user = django_user_model.objects.get(email="b@example.com")
    row = NewsletterSubscription.objects.get(user=user)
    assert row.newsletter == newsletters[1]
    assert row.consent_source == "signup" and row.consented_at is not None
    event = ConsentEvent.objects.get(user=user)
    assert (event.action, event.source, event.newsletter) == ("given", "signup", newsletters[1])


def test_a_newsletter_not_offered_at_sign_up_cannot_be_slipped_in(
    client, newsletters, django_user_model
):
    response = client.post(
        "/accounts/signup/",
        {"email": "c@example.com", "password1": NEW_PASSWORD, "newsletters": [newsletters[2].pk]},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not django_user_model.objects.filter(email="c@example.com").exists()
    assert not NewsletterSubscription.objects.exists()


@pytest.fixture
def signed_in(client, reader):
    client.force_login(reader)
    return client


def test_the_account_page_shows_every_newsletter_ticked_only_where_the_member_receives_it(
    signed_in, reader, newsletters
):
    subscribed(reader, newsletters[0])
    html = signed_in.get("/account/").content.decode()
    assert "Your account" in html
    ticked = [box for box in boxes(html) if "checked" in box.split(">")[0]]
    assert len(boxes(html)) == 3
    assert len(ticked) == 1 and f'value="{newsletters[0].pk}"' in ticked[0]


def test_ticking_and_unticking_on_the_account_page_records_both(signed_in, reader, newsletters):
    subscribed(reader, newsletters[0])
    response = signed_in.post("/newsletters/preferences/", {"newsletters": [newsletters[1].pk]})
    assert response.status_code == 302
    assert response["Location"].startswith("/account/")
    active = NewsletterSubscription.objects.active().filter(user=reader)
    assert [row.newsletter for row in active] == [newsletters[1]]
    assert active.get().consent_source == "account"
    history = {(e.newsletter.name, e.action, e.source) for e in ConsentEvent.objects.all()}
    assert history == {
        ("Every story", "given", "import"),
        ("Every story", "withdrawn", "account"),
        ("The morning briefing", "given", "account"),
    }
    assert "Your newsletter choices are saved." in signed_in.get("/account/").content.decode()


def test_resubscribing_on_the_account_page_records_the_new_consent(signed_in, reader, newsletters):
    signed_in.post("/newsletters/preferences/", {"newsletters": [newsletters[0].pk]})
    signed_in.post("/newsletters/preferences/", {})
    signed_in.post("/newsletters/preferences/", {"newsletters": [newsletters[0].pk]})
    row = NewsletterSubscription.objects.get(user=reader)
    assert row.is_active and row.consent_source == "account"
    actions = list(ConsentEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["given", "withdrawn", "given"]


def test_saving_the_same_choices_again_records_nothing_new(signed_in, reader, newsletters):
    subscribed(reader, newsletters[0])
    signed_in.post("/newsletters/preferences/", {"newsletters": [newsletters[0].pk]})
    assert ConsentEvent.objects.count() == 1
    assert NewsletterSubscription.objects.get(user=reader).consent_source == "import"


@pytest.mark.parametrize("value", ["999999", "not-a-number"])
def test_an_unknown_newsletter_on_the_account_page_changes_nothing(
    signed_in, reader, newsletters, value
):
    subscribed(reader, newsletters[0])
    response = signed_in.post("/newsletters/preferences/", {"newsletters": [value]}, follow=True)
    assert response.status_code == 200
    assert "could not be saved. Nothing has changed." in response.content.decode()
    assert NewsletterSubscription.objects.active().get(user=reader).newsletter == newsletters[0]
    assert ConsentEvent.objects.count() == 1


def test_choosing_newsletters_needs_a_signed_in_member(client, newsletters):
    response = client.post("/newsletters/preferences/", {"newsletters": [newsletters[0].pk]})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not NewsletterSubscription.objects.exists()


def test_choosing_newsletters_only_accepts_a_post(signed_in, newsletters):
    assert signed_in.get("/newsletters/preferences/").status_code == 405


def test_the_members_admin_page_shows_when_and_where_consent_was_given(
    client, reader, newsletters, django_user_model
):
    admin = django_user_model.objects.create_superuser(email="root@example.com", password="x")
    subscribed(reader, newsletters[1])
    client.force_login(admin)
    response = client.get(f"/admin/accounts/user/{reader.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Newsletter consent history" in html
    assert "The morning briefing" in html and "Consent given" in html and "Import" in html
