"""Per send, what the provider's tracking webhooks reported: delivered, bounced, complained,
unsubscribed, joined to our deliveries by the metadata a batch send carries or the message id."""

import pytest
from allauth.account.models import EmailAddress
from anymail.signals import AnymailTrackingEvent, tracking
from django.utils import timezone

from newsletters.delivery import provider_reports
from newsletters.models import Delivery, DeliveryEvent
from tests.factories import make_article
from tests.newsletter_helpers import make_newsletter, send_and_deliver, subscribed

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(django_user_model):
    newsletter = make_newsletter()
    for n in range(4):
        user = django_user_model.objects.create_user(email=f"t{n}@example.com")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        subscribed(user, newsletter)
    return send_and_deliver(
        article=make_article(), newsletter=newsletter, segment="everyone", by=None
    )


def report(event_type, **fields):
    event = AnymailTrackingEvent(event_type=event_type, timestamp=timezone.now(), **fields)
    tracking.send(sender=object, event=event, esp_name="Postmark")


def test_reports_are_counted_per_send_once_per_kind_and_member(send):
    rows = list(Delivery.objects.filter(send=send).order_by("email"))
    for row in rows[:3]:
        report("delivered", message_id=row.message_id, recipient=row.email)
    report("delivered", message_id=rows[0].message_id, recipient=rows[0].email)  # resent hook
    report("bounced", metadata={"delivery": str(rows[3].pk)}, recipient=rows[3].email)
    report("complained", message_id=rows[1].message_id, recipient=rows[1].email)
    report("unsubscribed", message_id=rows[2].message_id, recipient=rows[2].email)
    assert provider_reports(send) == {
        "delivered": 3,
        "bounced": 1,
        "complained": 1,
        "unsubscribed": 1,
        "opened": 0,
        "clicked": 0,
    }


def test_reports_about_other_emails_are_ignored(send):
    report("bounced", message_id="<receipt-123@example.com>", recipient="t0@example.com")
    report("delivered", metadata={"delivery": "not-a-number"}, recipient="t0@example.com")
    report("queued", message_id=Delivery.objects.first().message_id)
    assert not DeliveryEvent.objects.exists()


def test_the_send_page_shows_what_the_provider_reported(send, client, desk_editor):
    row = Delivery.objects.filter(send=send).first()
    report("bounced", message_id=row.message_id, recipient=row.email)
    client.force_login(desk_editor)
    html = client.get(f"/admin/newsletters/send/{send.pk}/change/").content.decode()
    assert "What the provider reported" in html
    assert '<td class="report-bounced">1</td>' in html
    assert '<td class="report-delivered">0</td>' in html
    assert "Open and click tracking is off" in html
