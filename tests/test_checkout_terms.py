"""Checkout asks the reader to agree to the terms of sale, linking them and the refunds policy."""

import pytest
from django.conf import settings

from devtools.stripe_standin.testing import pay, request
from tests.stripe_helpers import make_plan
from tests.test_checkout_flow import start, stripe_session

pytestmark = pytest.mark.django_db


def test_checkout_requires_agreeing_to_the_terms_of_sale(client, reader, stripe_standin):
    plan = make_plan(currency="gbp")
    client.force_login(reader)
    response = start(client, plan)
    assert response.status_code == 303
    session = stripe_session(stripe_standin, response)
    assert session["consent_collection"]["terms_of_service"] == "required"
    message = session["custom_text"]["terms_of_service_acceptance"]["message"]
    terms, refunds = f"{settings.SITE_URL}/terms/", f"{settings.SITE_URL}/refunds/"
    assert message == (
        f"I agree to the [Terms of sale]({terms}) and the [Refunds policy]({refunds})."
    )
    page = request("GET", response["Location"]).text
    assert f'<a href="{terms}">Terms of sale</a>' in page
    # Without the box ticked Stripe takes no money; with it, the reader's consent is recorded.
    assert pay(response["Location"], email=reader.email, terms_of_service="").status == 400
    assert pay(response["Location"], email=reader.email).status == 303
    assert session["consent"]["terms_of_service"] == "accepted"
