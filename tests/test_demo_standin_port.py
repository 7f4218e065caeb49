"""`make run` never takes over a stand-in that another run owns: when something answers on
STANDIN_PORT it says so and starts its own stand-in on a free port."""

import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from devtools import demo


class OtherRunsStandin(BaseHTTPRequestHandler):
    """Looks healthy like a stand-in, and remembers every request it gets."""

    seen: list = []

    def log_message(self, *args):
        pass

    def _answer(self):
        type(self).seen.append((self.command, self.path))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = _answer


@pytest.fixture
def other_run():
    OtherRunsStandin.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), OtherRunsStandin)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_taken_standin_port_is_left_alone_and_a_free_one_used(other_run, monkeypatch, capsys):
    monkeypatch.setenv("STANDIN_PORT", str(other_run))
    for name in ("STRIPE_API_BASE", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    process = demo.start_standin("8105")
    try:
        said = capsys.readouterr().out
        assert f"Something already answers on 127.0.0.1:{other_run}" in said
        base = demo.os.environ["STRIPE_API_BASE"]
        assert base != f"http://127.0.0.1:{other_run}"
        with urllib.request.urlopen(f"{base}/_standin/health", timeout=5) as response:
            assert response.status == 200
        # The other run's stand-in was asked nothing: its webhooks still go to its own site.
        assert OtherRunsStandin.seen == []
    finally:
        demo.stop(process)
    assert process.poll() is not None
