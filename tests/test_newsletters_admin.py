"""Emailing a story from the admin: who may, the send screen, the test send, confirmation,
and watching and steering a send."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from articles.models import Article
from newsletters.models import Delivery, Send
from tests.editorial_helpers import change_url
from tests.factories import SECRET_SENTENCE, make_article
from tests.newsletter_helpers import make_newsletter, send_and_deliver, subscribed
from tests.stripe_helpers import store_subscription
from tests.task_helpers import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsletter():
    return make_newsletter()


@pytest.fixture
def crowd(django_user_model, newsletter):
    for n in range(5):
        user = django_user_model.objects.create_user(email=f"m{n}@example.com")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if n < 2:
            store_subscription(user, status="active")
        subscribed(user, newsletter)


@pytest.fixture
def desk(client, desk_editor):
    client.force_login(desk_editor)
    return client


def compose_url(article):
    return f"/admin/newsletters/send/compose/{article.pk}/"


def review(desk, article, newsletter, segment="everyone"):
    return desk.post(
        compose_url(article),
        {"newsletter": newsletter.pk, "segment": segment, "action": "review"},
    )


def reviewed_key(response):
    return response.content.decode().split('name="reviewed" value="', 1)[1].split('"', 1)[0]


def test_editors_see_the_email_link_on_an_article_and_writers_do_not(
    client, desk_editor, writer, newsletter
):
    article = make_article()
    client.force_login(desk_editor)
    assert "Email this story to a newsletter" in client.get(change_url(article)).content.decode()
    client.force_login(writer)
    assert client.get(compose_url(article)).status_code == 403


def test_the_send_screen_says_who_gets_what_before_anything_goes_out(desk, crowd, newsletter):
    article = make_article(access=Article.Access.PAID)
    response = review(desk, article, newsletter)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>2</strong> members with access get the whole story." in html
    assert (
        "<strong>3</strong> members without access get the preview and a Subscribe button." in html
    )
    assert "Send to 5 members now" in html
    assert mail.outbox == [] and not Send.objects.exists()


def test_a_test_send_goes_to_the_editor_alone_in_both_versions(
    desk, desk_editor, crowd, newsletter
):
    article = make_article(access=Article.Access.PAID)
    response = desk.post(
        compose_url(article),
        {"newsletter": newsletter.pk, "segment": "everyone", "action": "test"},
    )
    assert response.status_code == 200
    assert "Nobody else was sent anything" in response.content.decode()
    assert [m.to for m in mail.outbox] == [[desk_editor.email]] * 2
    whole, preview = mail.outbox
    assert whole.subject.startswith("[Test: whole story]") and SECRET_SENTENCE in whole.body
    assert preview.subject.startswith("[Test: preview]") and SECRET_SENTENCE not in preview.body
    assert not Send.objects.exists()


def test_confirming_sends_and_the_send_page_shows_the_progress(desk, crowd, newsletter):
    article = make_article(access=Article.Access.PAID)
    key = reviewed_key(review(desk, article, newsletter))
    response = desk.post(
        compose_url(article),
        {"newsletter": newsletter.pk, "segment": "everyone", "action": "send", "reviewed": key},
    )
    send = Send.objects.get()
    assert response.status_code == 302
    assert mail.outbox == []  # the request only queued it; the workers send
    run_queued_tasks()
    assert response["Location"] == f"/admin/newsletters/send/{send.pk}/change/"
    assert len(mail.outbox) == 5
    page = desk.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Sending to 5 members." in html
    assert '<td class="count-sent">5</td>' in html and '<td class="count-total">5</td>' in html
    assert "2 got the whole story and 3 the preview" in html


def test_numbers_that_changed_since_review_stop_the_send(
    desk, crowd, newsletter, django_user_model
):
    article = make_article()
    key = reviewed_key(review(desk, article, newsletter))
    late = django_user_model.objects.create_user(email="late@example.com")
    EmailAddress.objects.create(user=late, email=late.email, verified=True, primary=True)
    subscribed(late, newsletter)
    response = desk.post(
        compose_url(article),
        {"newsletter": newsletter.pk, "segment": "everyone", "action": "send", "reviewed": key},
    )
    assert response.status_code == 409
    assert "The numbers changed since you looked" in response.content.decode()
    assert mail.outbox == [] and not Send.objects.exists()


@pytest.mark.parametrize("status", [Article.Status.DRAFT])
def test_a_draft_cannot_be_sent_and_the_screen_says_why(desk, crowd, newsletter, status):
    article = make_article(status=status)
    page = desk.get(compose_url(article))
    assert page.status_code == 200
    assert "is not published, so it cannot be emailed" in page.content.decode()
    response = desk.post(
        compose_url(article),
        {"newsletter": newsletter.pk, "segment": "everyone", "action": "send", "reviewed": "0:5"},
    )
    assert response.status_code == 400
    assert mail.outbox == [] and not Send.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"newsletter": "", "segment": "everyone", "action": "send"},
        {"newsletter": "999999", "segment": "everyone", "action": "send"},
        {"newsletter": "abc", "segment": "everyone", "action": "send"},
        {"segment": "vips", "action": "send"},
    ],
    ids=["no-newsletter", "unknown-newsletter", "not-a-number", "unknown-segment"],
)
def test_bad_choices_on_the_send_screen_send_nothing(desk, crowd, newsletter, data):
    data = {"newsletter": newsletter.pk, **data}
    response = desk.post(compose_url(make_article()), data)
    assert response.status_code == 400
    assert "Choose a newsletter and who receives it." in response.content.decode()
    assert mail.outbox == [] and not Send.objects.exists()


def test_a_send_to_nobody_is_refused_clearly(desk, newsletter):
    article = make_article()
    key = reviewed_key(review(desk, article, newsletter))
    assert (
        "Nobody in that group would receive it."
        in review(desk, article, newsletter).content.decode()
    )
    response = desk.post(
        compose_url(article),
        {"newsletter": newsletter.pk, "segment": "everyone", "action": "send", "reviewed": key},
    )
    assert response.status_code == 400
    assert "No member of Every story in that group would receive it" in response.content.decode()
    assert not Send.objects.exists()


def test_an_unknown_article_is_not_found(desk):
    assert desk.get("/admin/newsletters/send/compose/999999/").status_code == 404


def test_pause_resume_and_cancel_from_the_send_page(desk, crowd, newsletter, monkeypatch):
    from newsletters import sending

    monkeypatch.setattr(sending, "start_workers", lambda send_id: None)
    send = sending.start_send(
        article=make_article(), newsletter=newsletter, segment="everyone", by=None
    )
    run_queued_tasks()
    monkeypatch.undo()
    control = f"/admin/newsletters/send/{send.pk}/control/"
    page = desk.get(f"/admin/newsletters/send/{send.pk}/change/").content.decode()
    assert 'value="pause"' in page and 'value="cancel"' in page
    assert "Paused" in desk.post(control, {"action": "pause"}, follow=True).content.decode()
    assert mail.outbox == []
    desk.post(control, {"action": "resume"})
    run_queued_tasks()
    assert len(mail.outbox) == 5
    response = desk.post(control, {"action": "cancel"}, follow=True)
    assert "That cannot be done to this send now" in response.content.decode()
    assert desk.get(control).status_code == 405
    assert Delivery.objects.filter(state="sent").count() == 5


def test_writers_cannot_steer_a_send(client, writer, crowd, newsletter):

    send = send_and_deliver(
        article=make_article(), newsletter=newsletter, segment="everyone", by=None
    )
    client.force_login(writer)
    assert (
        client.post(f"/admin/newsletters/send/{send.pk}/control/", {"action": "cancel"}).status_code
        == 403
    )
