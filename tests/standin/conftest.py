"""The Stripe stand-in's own tests: a plain HTTP server and stripe-python, no Django."""

import pytest

from devtools.stripe_standin.server import StandinServer
from devtools.stripe_standin.testing import make_client


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Shadows the repo-wide autouse fixture that clears Django's cache: nothing to clear."""
    yield


@pytest.fixture
def srv():
    with StandinServer(port=0) as server:
        yield server


@pytest.fixture
def client(srv):
    return make_client(srv.url)
