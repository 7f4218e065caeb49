"""The demo's outbox: every email the site sent, readable in the browser, when it is on."""

import re

import pytest
from django.core.mail import EmailMultiAlternatives
from django.test import Client

from emails.models import OutboxMessage
from tests.task_helpers import run_queued_tasks

pytestmark = pytest.mark.django_db


def _send(subject="Hello", body="Read it at https://news.example/a/story/.", html=""):
    message = EmailMultiAlternatives(subject, body, to=["reader@example.com"])
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
    return OutboxMessage.objects.get(subject=subject)


def test_when_off_the_outbox_does_not_exist_and_nothing_is_kept(settings):
    settings.EMAIL_OUTBOX = False
    EmailMultiAlternatives("Not kept", "body", to=["reader@example.com"]).send()
    assert not OutboxMessage.objects.exists()
    assert Client().get("/outbox/").status_code == 404
    home = Client().get("/")
    assert home.status_code == 200  # the site itself is up: only the outbox is missing


def test_when_off_a_kept_message_is_not_shown_either(settings, outbox_on):
    message = _send()
    settings.EMAIL_OUTBOX = False
    assert Client().get(f"/outbox/{message.pk}/").status_code == 404


def test_a_sign_in_code_shows_in_the_outbox_with_a_copyable_code(outbox_on, reader):
    Client().post("/accounts/login/code/", {"email": reader.email})
    listing = Client().get("/outbox/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Every email this demo sent" in html
    message = OutboxMessage.objects.get()
    assert message.subject in html
    page = Client().get(f"/outbox/{message.pk}/").content.decode()
    code = re.search(r'data-code="([A-Z0-9-]{6,14})"', page).group(1)
    assert code in message.body
    assert f'class="outbox-code" data-code="{code}"' in page


def test_links_in_an_email_are_clickable_and_its_text_is_escaped(outbox_on):
    message = _send(body="<b>bold?</b> See https://news.example/a/story/?x=1&y=2.")
    page = Client().get(f"/outbox/{message.pk}/").content.decode()
    assert '<a href="https://news.example/a/story/?x=1&amp;y=2">' in page
    assert "&lt;b&gt;bold?&lt;/b&gt;" in page
    assert "<b>bold?</b>" not in page


def test_the_html_version_is_served_without_scripts(outbox_on):
    message = _send(subject="Rich", html="<p>Rich <strong>text</strong></p><script>x()</script>")
    page = Client().get(f"/outbox/{message.pk}/").content.decode()
    assert f'href="/outbox/{message.pk}/html/"' in page
    html = Client().get(f"/outbox/{message.pk}/html/")
    assert html.status_code == 200
    assert "<strong>text</strong>" in html.content.decode()
    assert "default-src 'none'" in html["Content-Security-Policy"]
    assert "script-src" not in html["Content-Security-Policy"]


def test_a_text_only_email_has_no_html_version(outbox_on):
    message = _send()
    assert Client().get(f"/outbox/{message.pk}/html/").status_code == 404


def test_an_email_sent_by_a_worker_shows_in_the_outbox(outbox_on, mailoutbox):
    from emails.sending import send_later

    send_later(
        to="reader@example.com",
        subject="Queued then sent",
        template="subscriptions/email/payment_failed.txt",
        context={"site_name": "The Newsroom"},
    )
    assert not OutboxMessage.objects.exists()  # queued, not sent yet
    run_queued_tasks()
    assert OutboxMessage.objects.filter(subject="Queued then sent").count() == 1
    listing = Client().get("/outbox/")
    assert listing.status_code == 200
    # Listed once: as a link to the message, not also as a banner of the site's messages.
    assert listing.content.decode().count("Queued then sent") == 1
    assert "<strong>Queued then sent</strong>" in listing.content.decode()


def test_an_unknown_message_is_not_found(outbox_on):
    assert Client().get("/outbox/999999/").status_code == 404


def test_the_outbox_only_answers_reads(outbox_on):
    assert Client().post("/outbox/").status_code == 405


@pytest.mark.parametrize("count", [1, 30])
def test_the_outbox_pages_cost_a_fixed_number_of_queries(
    outbox_on, django_assert_num_queries, count
):
    for n in range(count):
        last = _send(subject=f"Message {n}")
    client = Client()
    # The site's section menu, then the messages.
    with django_assert_num_queries(2):
        listing = client.get("/outbox/")
    assert listing.status_code == 200
    assert f"Message {count - 1}" in listing.content.decode()
    with django_assert_num_queries(2):
        page = client.get(f"/outbox/{last.pk}/")
    assert page.status_code == 200
