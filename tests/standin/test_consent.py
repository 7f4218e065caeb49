"""Checkout's terms consent in the stand-in: the params Stripe takes, the box on the hosted page,
and the consent recorded on the completed session, shaped as in Stripe's fixtures."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import stripe

from devtools.stripe_standin.testing import pay
from tests.standin.test_pages import new_session, prices  # noqa: F401 - the fixture

FIXTURES = Path(
    os.environ.get("STRIPE_FIXTURES")
    or Path(__file__).resolve().parents[3] / "shared/stripe/fixtures.json"
)
TERMS = {
    "consent_collection": {"terms_of_service": "required"},
    "custom_text": {
        "terms_of_service_acceptance": {
            "message": "I agree to the [Terms of sale](https://news.test/terms/)."
        }
    },
}


def stripes_session_keys(key):
    resources = json.loads(FIXTURES.read_text())["resources"]
    return set(resources["checkout.session"][key])


def test_a_session_asking_for_consent_has_stripes_shape(client, prices):  # noqa: F811
    session = new_session(client, prices[0], **TERMS)
    assert session.consent_collection.terms_of_service == "required"
    assert set(session.consent_collection.to_dict()) == stripes_session_keys("consent_collection")
    assert set(session.custom_text.to_dict()) == stripes_session_keys("custom_text")
    assert session.custom_text.terms_of_service_acceptance.message.startswith("I agree")
    assert session.consent is None


def test_the_hosted_page_shows_the_box_with_the_sentence_and_its_link(client, prices):  # noqa: F811
    from devtools.stripe_standin.testing import request

    session = new_session(client, prices[0], **TERMS)
    html = request("GET", session.url).text
    assert 'type="checkbox" id="terms_of_service" name="terms_of_service"' in html
    assert '<a href="https://news.test/terms/">Terms of sale</a>' in html


def test_paying_without_ticking_the_box_is_refused_and_completes_nothing(client, prices):  # noqa: F811
    session = new_session(client, prices[0], **TERMS)
    response = pay(session.url, terms_of_service="")
    assert response.status == 400
    assert "Please agree to the terms of service to continue." in response.text
    assert client.v1.checkout.sessions.retrieve(session.id).status == "open"


def test_paying_with_the_box_ticked_records_the_consent(client, prices):  # noqa: F811
    session = new_session(client, prices[0], **TERMS)
    assert pay(session.url).status == 303
    done = client.v1.checkout.sessions.retrieve(session.id)
    assert done.status == "complete"
    assert done.consent.terms_of_service == "accepted"
    assert set(done.consent.to_dict()) == stripes_session_keys("consent")


def test_a_session_without_consent_needs_no_box(client, prices):  # noqa: F811
    session = new_session(client, prices[0])
    assert session.consent_collection is None
    assert pay(session.url, terms_of_service="").status == 303


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"consent_collection": {"terms_of_service": "maybe"}}, "must be one of none or required"),
        (
            {"custom_text": {"terms_of_service_acceptance": {"message": "Agree?"}}},
            "can only be set when consent_collection[terms_of_service] is `required`",
        ),
        (
            {**TERMS, "custom_text": {"terms_of_service_acceptance": {"message": ""}}},
            "Missing required param: custom_text[terms_of_service_acceptance][message]",
        ),
        ({"custom_text": {"footer": {"message": "Hi"}}}, "unknown parameter: custom_text[footer]"),
    ],
)
def test_bad_consent_params_are_refused_as_stripe_would(client, prices, extra, message):  # noqa: F811
    with pytest.raises(stripe.InvalidRequestError, match=message.replace("[", r"\[")):
        new_session(client, prices[0], **extra)
