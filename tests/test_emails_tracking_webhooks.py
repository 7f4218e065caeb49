"""The provider's signed tracking webhooks record bounces, complaints and unsubscribes;
an unsigned or forged one is refused and records nothing."""

import base64
import json

import pytest
from django.test import Client

from emails.models import Suppression

pytestmark = pytest.mark.django_db

URL = "/email/webhooks/postmark/tracking/"
SECRET = "newsroom:webhook-secret-for-tests"


@pytest.fixture
def webhook_secret(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}


def _auth(credentials: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


def _bounce(email="gone@example.com", kind="HardBounce") -> str:
    # The shape of Postmark's bounce webhook.
    return json.dumps(
        {
            "RecordType": "Bounce",
            "ID": 4323372036854775807,
            "Type": kind,
            "TypeCode": 1,
            "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
            "Description": "The server was unable to deliver your message (ex: unknown user).",
            "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
            "Email": email,
            "BouncedAt": "2026-11-30T10:21:03Z",
            "Metadata": {},
            "Tag": "",
        }
    )


def _complaint(email="angry@example.com") -> str:
    return json.dumps(
        {
            "RecordType": "SpamComplaint",
            "ID": 42,
            "Type": "SpamComplaint",
            "MessageID": "00000000-0000-0000-0000-000000000001",
            "Email": email,
            "BouncedAt": "2026-11-30T11:00:00Z",
            "Description": "The subscriber explicitly marked this message as spam.",
        }
    )


def _unsubscribe(email="leaver@example.com") -> str:
    return json.dumps(
        {
            "RecordType": "SubscriptionChange",
            "MessageID": "00000000-0000-0000-0000-000000000002",
            "ChangedAt": "2026-11-30T12:00:00Z",
            "Recipient": email,
            "SuppressSending": True,
            "SuppressionReason": "ManualSuppression",
            "Metadata": {},
        }
    )


def _post(payload: str, **headers):
    return Client().post(URL, payload, content_type="application/json", **headers)


def test_a_signed_hard_bounce_suppresses_the_address(webhook_secret):
    response = _post(_bounce("Gone@Example.com"), **_auth(SECRET))
    assert response.status_code == 200
    suppression = Suppression.objects.get()
    assert suppression.address == "gone@example.com"
    assert suppression.reason == "bounced"
    assert suppression.provider == "Postmark"
    assert "does not exist" in suppression.detail


def test_a_signed_complaint_and_unsubscribe_are_recorded(webhook_secret):
    assert _post(_complaint(), **_auth(SECRET)).status_code == 200
    assert _post(_unsubscribe(), **_auth(SECRET)).status_code == 200
    reasons = dict(Suppression.objects.values_list("address", "reason"))
    assert reasons == {"angry@example.com": "complained", "leaver@example.com": "unsubscribed"}


def test_an_unsubscribe_after_a_complaint_keeps_the_complaint(webhook_secret):
    _post(_complaint("both@example.com"), **_auth(SECRET))
    _post(_unsubscribe("both@example.com"), **_auth(SECRET))
    assert Suppression.objects.get().reason == "complained"


def test_a_delivery_or_soft_event_records_nothing(webhook_secret):
    delivered = json.dumps(
        {
            "RecordType": "Delivery",
            "MessageID": "00000000-0000-0000-0000-000000000003",
            "Recipient": "fine@example.com",
            "DeliveredAt": "2026-11-30T12:00:00Z",
            "Details": "Test delivery webhook details",
        }
    )
    assert _post(delivered, **_auth(SECRET)).status_code == 200
    assert _post(_bounce(kind="Transient"), **_auth(SECRET)).status_code == 200
    assert not Suppression.objects.exists()


def test_an_unsigned_webhook_is_refused_and_records_nothing(webhook_secret):
    response = _post(_bounce())
    assert response.status_code == 400
    assert not Suppression.objects.exists()


def test_a_forged_webhook_with_the_wrong_secret_is_refused_and_records_nothing(webhook_secret):
    response = _post(_bounce(), **_auth("newsroom:guessed"))
    assert response.status_code == 400
    assert not Suppression.objects.exists()


def test_without_a_webhook_secret_the_webhook_does_not_exist(settings):
    settings.ANYMAIL = {k: v for k, v in settings.ANYMAIL.items() if k != "WEBHOOK_SECRET"}
    response = _post(_bounce(), **_auth(SECRET))
    assert response.status_code == 404
    assert not Suppression.objects.exists()


def test_an_unknown_provider_is_not_found(webhook_secret):
    response = Client().post(
        "/email/webhooks/nobody/tracking/", "{}", content_type="application/json", **_auth(SECRET)
    )
    assert response.status_code == 404


def test_a_signed_but_malformed_body_is_refused_and_records_nothing(webhook_secret):
    response = _post("{not json", **_auth(SECRET))
    assert response.status_code == 400
    assert not Suppression.objects.exists()
