import pytest

from newsroom.stripe_defaults import STANDIN_SECRET_KEY
from tests.users import PASSWORD, staff_in_group, verified_user


def pytest_configure(config):
    from django.conf import settings

    # Real password hashing is slow by design, and the suite signs in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # On SQLite the test database is a file here (settings.py), shared with worker processes.
    (settings.BASE_DIR / "var").mkdir(exist_ok=True)
    # The demo's outbox keeps a copy of every email in the database; tests that read it turn
    # it on (the `outbox_on` fixture).
    settings.EMAIL_OUTBOX = False
    # The anonymous page cache is on wherever Redis is; tests ask for it where they test it
    # (tests/test_page_cache.py), so every other test sees each request reach its view.
    settings.PAGE_CACHE_SECONDS = 0
    # Likewise sessions: from the database, so pinned query counts are the same with or without
    # Redis; tests/test_sessions_cache.py checks the cached sessions production uses.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    # Staff second factor (desk/staff_mfa.py): tests that test it turn it on.
    settings.STAFF_REQUIRE_MFA = False


@pytest.fixture(scope="session", autouse=True)
def _mail_through_the_sites_backend(django_test_environment):
    """Django's test set-up points every mailer at locmem; put the site's own backend back
    in front of it, so every test's email passes the suppressions (and the outbox) as in
    production and still lands in mail.outbox."""
    from django.conf import settings

    settings.MAILERS = {
        "default": {
            "BACKEND": "emails.backend.EmailBackend",
            "OPTIONS": {"deliver_with": "delivery"},
        },
        "delivery": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    }


@pytest.fixture
def outbox_on(settings):
    settings.EMAIL_OUTBOX = True


def clear_own_cache_keys():
    """Empty the cache of this run's keys only.

    On Redis, clearing the cache is FLUSHDB: it would empty every other program's keys on a
    shared server. Our keys all start with the configured KEY_PREFIX, so delete just those.
    """
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]  # not the `cache` proxy, which isinstance() cannot see through
    if not isinstance(backend, RedisCache):
        backend.clear()
        return
    client = backend._cache.get_client(write=True)
    # make_key() writes "<prefix>:<version>:<key>", so this matches our keys even with no prefix.
    batch = list(client.scan_iter(match=f"{backend.key_prefix}:*", count=500))
    if batch:
        client.delete(*batch)


@pytest.fixture(autouse=True)
def _isolated_cache():
    # Rate limits and cached pages live in the cache; one test must not see another's.
    clear_own_cache_keys()
    yield
    clear_own_cache_keys()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def reader():
    """A signed-up reader with a verified email and no subscription."""
    return verified_user("reader@example.com")


@pytest.fixture
def subscriber():
    """A reader with paid access: a stored, active monthly subscription."""
    from tests.stripe_helpers import store_subscription

    user = verified_user("subscriber@example.com")
    store_subscription(user, status="active")
    return user


@pytest.fixture
def staff_without_group():
    """is_staff and no role group: reads everything (the access rule's staff), edits nothing."""
    return verified_user("staff-no-group@example.com", is_staff=True)


# The Stripe stand-in (devtools/stripe_standin): one server per test session, emptied per test.
@pytest.fixture(scope="session")
def _standin_server(tmp_path_factory):
    from devtools.stripe_standin.server import StandinServer

    clock_file = tmp_path_factory.mktemp("clock") / "offset"
    server = StandinServer(
        host="127.0.0.1", port=0, webhook_backoff=0.05, clock_file=str(clock_file)
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stripe_standin(_standin_server, settings):
    """A fresh stand-in, with the site's StripeClient pointed at it. Webhooks are off.

    The site shares its clock (newsroom/clock.py): `stripe_standin.advance(days=...)` moves
    what the site, and any worker process the test starts, take for "now".
    """
    _standin_server.configure_webhooks(None, None)
    _standin_server.reset()
    settings.CLOCK_FILE = _standin_server.store.clock_file
    settings.STRIPE_SECRET_KEY = STANDIN_SECRET_KEY
    settings.STRIPE_API_BASE = _standin_server.url
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_newsroom"
    yield _standin_server
    _standin_server.configure_webhooks(None, None)


# The newsroom's staff, in the groups the data migration creates.
@pytest.fixture
def writer():
    """Staff in the Writer group, with an author profile: writes and edits own drafts."""
    return staff_in_group("writer@example.com", "Writer")


@pytest.fixture
def desk_editor():
    """Staff in the Editor group, with an author profile: edits and publishes everything."""
    return staff_in_group("desk@example.com", "Editor")


@pytest.fixture
def publisher():
    """Staff in the Publisher group: the dashboard, plans, offers, subscriptions, comps and the
    audit log; writes nothing."""
    return staff_in_group("publisher@example.com", "Publisher", author=False)
