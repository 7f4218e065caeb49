"""A suppressed address is never sent to again; the member's admin page says why."""

from datetime import UTC, datetime

import pytest
from django.core.mail import EmailMessage
from django.test import Client

from emails.models import Suppression
from emails.sending import send_later
from tests.task_helpers import run_queued_tasks

pytestmark = pytest.mark.django_db


def _suppress(address, reason):
    return Suppression.objects.create(
        address=address,
        reason=reason,
        provider="Postmark",
        detail="smtp;550 5.1.1 no such user",
        event_at=datetime(2026, 11, 30, 10, 21, tzinfo=UTC),
    )


def _queue_billing_email(to):
    send_later(
        to=to,
        subject="Your trial ends soon",
        template="subscriptions/email/trial_ending.txt",
        context={"site_name": "The Newsroom"},
    )


def test_a_bounced_address_gets_no_queued_email(mailoutbox, reader):
    _suppress(reader.email, "bounced")
    _queue_billing_email(reader.email)
    run_queued_tasks()
    assert mailoutbox == []


def test_a_bounced_address_gets_no_sign_in_code_either(mailoutbox, reader):
    _suppress(reader.email, "bounced")
    response = Client().post("/accounts/login/code/", {"email": reader.email})
    assert response.status_code == 302
    assert mailoutbox == []


def test_only_the_suppressed_recipient_is_dropped_from_a_shared_message(mailoutbox):
    _suppress("complainer@example.com", "complained")
    _queue_billing_email(["fine@example.com", "Complainer@Example.com"])
    run_queued_tasks()
    (sent,) = mailoutbox
    assert sent.to == ["fine@example.com"]


def test_an_unsubscribe_stops_newsletters_but_not_the_readers_own_sign_in_code(mailoutbox, reader):
    _suppress(reader.email, "unsubscribed")
    newsletter = EmailMessage(
        "The morning briefing",
        "Today's stories",
        to=[reader.email],
        headers={"List-Unsubscribe": "<https://news.example/unsubscribe/x/>"},
    )
    assert newsletter.send() == 0
    assert mailoutbox == []
    response = Client().post("/accounts/login/code/", {"email": reader.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "code" in mailoutbox[0].subject.lower()


def test_an_address_with_no_suppression_is_delivered(mailoutbox, reader):
    _suppress("someone-else@example.com", "bounced")
    _queue_billing_email(reader.email)
    run_queued_tasks()
    assert [m.to for m in mailoutbox] == [[reader.email]]


def test_the_members_admin_page_says_why_we_stopped_emailing_them(
    client, staff_without_group, reader
):
    staff_without_group.is_superuser = True
    staff_without_group.save()
    client.force_login(staff_without_group)
    _suppress(reader.email, "bounced")
    page = client.get(f"/admin/accounts/user/{reader.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Email delivery" in html
    assert "Suppressed since 30 Nov 2026 10:21 UTC: the address bounced" in html
    assert "no such user" in html
    assert "We send no email at all to this address." in html


def test_a_member_without_suppression_is_shown_as_delivering(client, staff_without_group, reader):
    staff_without_group.is_superuser = True
    staff_without_group.save()
    client.force_login(staff_without_group)
    page = client.get(f"/admin/accounts/user/{reader.pk}/change/")
    assert page.status_code == 200
    assert "Delivering normally" in page.content.decode()


def test_a_batch_send_loses_the_suppressed_member_and_reports_them_rejected(mailoutbox):
    # The shape of a newsletter batch: many recipients, per-recipient merge data and headers.
    _suppress("leaver@example.com", "unsubscribed")
    message = EmailMessage(
        "Briefing", "Hello {{name}}", to=["stay@example.com", "leaver@example.com"]
    )
    message.merge_data = {"stay@example.com": {"name": "S"}, "leaver@example.com": {"name": "L"}}
    message.merge_headers = {
        "stay@example.com": {"List-Unsubscribe": "<https://news.example/u/1/>"},
        "leaver@example.com": {"List-Unsubscribe": "<https://news.example/u/2/>"},
    }
    assert message.send() == 1
    (sent,) = mailoutbox
    assert sent.to == ["stay@example.com"]
    assert list(sent.merge_data) == ["stay@example.com"]
    assert list(sent.merge_headers) == ["stay@example.com"]
    assert message.anymail_status.recipients["leaver@example.com"].status == "rejected"


def test_a_message_with_only_suppressed_recipients_is_not_handed_over(mailoutbox):
    _suppress("gone@example.com", "bounced")
    message = EmailMessage("Receipt", "Thanks", to=["gone@example.com"])
    assert message.send() == 0
    assert mailoutbox == []
    assert message.anymail_status.status == {"rejected"}


def test_one_query_finds_the_suppressions_of_a_whole_batch(django_assert_num_queries, mailoutbox):
    from django.core.mail import mailers

    _suppress("gone@example.com", "bounced")
    messages = [
        EmailMessage(f"Story {n}", "body", to=[f"member{n}@example.com"]) for n in range(50)
    ]
    messages.append(EmailMessage("Story x", "body", to=["gone@example.com"]))
    # The suppressions, and one write recording who was sent what (SentEmail).
    with django_assert_num_queries(2), mailers.default as connection:
        assert connection.send_messages(messages) == 50
    assert len(mailoutbox) == 50


def test_a_connection_open_for_many_sends_reads_the_suppressions_once(
    django_assert_num_queries, mailoutbox
):
    from django.core.mail import mailers

    _suppress("gone@example.com", "bounced")
    # The suppressions once, and one write when the connection closes recording who was sent
    # what (SentEmail).
    with django_assert_num_queries(2), mailers.default as connection:
        for n in range(30):
            connection.send_messages([EmailMessage(f"S{n}", "b", to=[f"m{n}@example.com"])])
        assert connection.send_messages([EmailMessage("x", "b", to=["gone@example.com"])]) == 0
    assert len(mailoutbox) == 30
