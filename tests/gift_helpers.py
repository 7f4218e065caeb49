"""Buying, paying for and redeeming gift subscriptions in tests (giftsubs/)."""

from urllib.parse import urlsplit

from devtools.stripe_standin.testing import pay
from giftsubs.models import Gift
from newsroom import clock


def gift_form(**overrides):
    form = {
        "months": "3",
        "recipient_email": "friend@example.com",
        "from_name": "Ada",
        "message": "Happy birthday!\nRead the harbour story.",
        "deliver_on": clock.localdate().isoformat(),
        "buyer_email": "buyer@example.com",
    }
    form.update(overrides)
    return form


def start_gift(client, **overrides):
    return client.post("/give/", gift_form(**overrides))


def session_of(standin, response) -> dict:
    assert response.status_code == 303, response.content.decode()[:800]
    session_id = urlsplit(response["Location"]).path.rsplit("/", 1)[-1]
    return standin.store.data["checkout_sessions"][session_id]


def pay_for(client, response, *, email="buyer@example.com", card="4242 4242 4242 4242"):
    """Pay at the stand-in's hosted page and follow Stripe back to the thank-you page."""
    paid = pay(response["Location"], email=email, card=card)
    assert paid.status == 303, paid.text[:500]
    back = urlsplit(paid.header("Location"))
    return client.get(f"{back.path}?{back.query}")


def bought_gift(client, **overrides) -> Gift:
    """A gift bought and paid (recorded from the buyer's return), not yet delivered."""
    thanks = pay_for(client, start_gift(client, **overrides))
    assert thanks.status_code == 200, thanks.content.decode()[:800]
    return Gift.objects.get(checkout_session_id=thanks.wsgi_request.GET["session_id"])


def redeem_path(gift: Gift) -> str:
    return f"/give/redeem/{gift.token}/"
