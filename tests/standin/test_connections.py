"""How the stand-in talks TCP: kept-alive connections answer without waiting."""

import socket

from devtools.stripe_standin.server import Handler


def test_the_stand_in_answers_on_a_kept_alive_connection_with_nagle_off(srv, client, monkeypatch):
    # With Nagle on, the body (a second small write after the headers) waited for the client's
    # delayed ACK: about 44 ms on every Stripe call the site made to the stand-in.
    seen = []
    setup = Handler.setup

    def recording_setup(self):
        setup(self)
        seen.append(self.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    monkeypatch.setattr(Handler, "setup", recording_setup)
    customer = client.v1.customers.create(params={"email": "reader@example.com"})
    for _ in range(3):
        assert client.v1.customers.retrieve(customer.id).email == "reader@example.com"
    assert seen  # the requests went through the stand-in's handler
    assert all(seen)
    assert len(seen) < 4  # one kept-alive connection (or two), not one per request
