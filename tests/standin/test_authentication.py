"""Strong customer authentication at renewal: the 3184 card pays at Checkout, then each renewal
waits for the reader to confirm on the hosted invoice page."""

from __future__ import annotations

from devtools.stripe_standin.testing import monthly_checkout, pay, request

DAY = 86400
AUTHENTICATE = "4000 0027 6000 3184"


def events(client, since=0):
    listed = list(client.v1.events.list(params={"limit": 100}).auto_paging_iter())
    return list(reversed(listed))[since:]


def test_a_renewal_that_needs_authentication_asks_for_it_and_is_paid_once_confirmed(srv, client):
    _, session = monthly_checkout(client)
    assert pay(session.url, card=AUTHENTICATE).status == 303
    sub_id = client.v1.checkout.sessions.retrieve(session.id).subscription
    assert client.v1.subscriptions.retrieve(sub_id).status == "active"
    before = len(events(client))

    srv.advance(days=31)
    sub = client.v1.subscriptions.retrieve(sub_id)
    assert sub.status == "past_due"
    invoice = client.v1.invoices.retrieve(sub.latest_invoice)
    assert invoice.status == "open"
    assert invoice.hosted_invoice_url == f"{srv.url}/invoice/{invoice.id}"
    new = [e.type for e in events(client, before)]
    assert "invoice.payment_action_required" in new
    assert "invoice.payment_failed" not in new

    page = request("GET", invoice.hosted_invoice_url)
    assert page.status == 200
    assert "Your bank asks you to confirm this payment of <strong>$9.00</strong>" in page.text
    confirmed = request("POST", invoice.hosted_invoice_url, form={})
    assert "Paid: $9.00" in confirmed.text
    assert client.v1.invoices.retrieve(invoice.id).status == "paid"
    assert client.v1.subscriptions.retrieve(sub_id).status == "active"
    assert [e.type for e in events(client, before)][-2:] == [
        "invoice.paid",
        "customer.subscription.updated",
    ]
    # Confirming twice charges once.
    request("POST", invoice.hosted_invoice_url, form={})
    paid = [e for e in events(client, before) if e.type == "invoice.paid"]
    assert len(paid) == 1


def test_an_unknown_invoice_page_is_a_404(srv):
    page = request("GET", f"{srv.url}/invoice/in_nope")
    assert page.status == 404
    assert "This invoice link is invalid." in page.text
