"""Redis stops: the entrance forms still answer, reading goes on, sessions survive.

Against a private redis-server started and stopped here (never the shared one). Rate limits,
the only thing kept in the cache, are then counted per process, and the outage is logged once
a minute rather than once a request.
"""

import logging

import pytest
import redis
from django.core import mail
from django.core.cache import cache
from django.test import Client

from tests.factories import SECRET_SENTENCE, make_article
from tests.private_servers import PrivateRedis

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_server(settings):
    server = PrivateRedis()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "fault-test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield server
    server.stop()


def test_sign_in_works_and_an_open_session_survives_while_redis_is_down(
    redis_server, reader, subscriber, password
):
    already_in = Client()
    already_in.force_login(subscriber)
    article = make_article(access="paid")
    redis_server.stop()

    page = already_in.get(article.get_absolute_url())
    assert page.status_code == 200
    assert SECRET_SENTENCE in page.content.decode()

    browser = Client()
    response = browser.post("/accounts/login/", {"login": reader.email, "password": password})
    assert response.status_code == 302
    assert browser.session["_auth_user_id"] == str(reader.pk)
    assert browser.get("/account/").status_code == 200


def test_sign_up_codes_and_password_reset_answer_while_redis_is_down(redis_server, reader):
    redis_server.stop()

    signup = Client().post(
        "/accounts/signup/", {"email": "new@example.com", "password1": "a-long-pass-phrase-3"}
    )
    assert signup.status_code == 302
    assert signup["Location"] == "/accounts/confirm-email/"

    code = Client().post("/accounts/login/code/", {"email": reader.email})
    assert code.status_code == 302
    assert code["Location"] == "/accounts/login/code/confirm/"

    reset = Client().post("/accounts/password/reset/", {"email": reader.email})
    assert reset.status_code == 302
    assert [message.to for message in mail.outbox] == [
        ["new@example.com"],
        [reader.email],
        [reader.email],
    ]


def test_reading_goes_on_while_redis_is_down(redis_server, client):
    article = make_article(headline="The tide tables, explained")
    redis_server.stop()
    assert client.get("/").status_code == 200
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert "The tide tables, explained" in page.content.decode()


def test_the_limits_are_counted_per_process_while_redis_is_down(redis_server, reader, password):
    redis_server.stop()
    for _ in range(5):
        wrong = Client().post("/accounts/login/", {"login": reader.email, "password": "wrong"})
        assert "are not correct" in wrong.content.decode()
    # login_failed allows 5 wrong passwords per account in 5 minutes, then refuses even the
    # right one: the limit still holds, counted in this process.
    browser = Client()
    response = browser.post("/accounts/login/", {"login": reader.email, "password": password})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in browser.session


def test_the_outage_is_logged_once_a_minute_not_once_a_request(redis_server, reader, caplog):
    redis_server.stop()
    with caplog.at_level(logging.ERROR, logger="newsroom.cache"):
        for _ in range(5):
            Client().post("/accounts/login/code/", {"email": reader.email})
    outage_lines = [r for r in caplog.records if r.name == "newsroom.cache"]
    assert len(outage_lines) == 1
    assert "Redis unreachable" in outage_lines[0].getMessage()


def test_the_shared_count_comes_back_by_itself_when_redis_does(redis_server, reader):
    redis_server.stop()
    Client().post("/accounts/login/", {"login": reader.email, "password": "wrong"})
    redis_server.start()
    cache.set("back", "yes")
    stored = redis.Redis.from_url(redis_server.url).get(cache.make_key("back"))
    assert stored is not None
    assert cache.get("back") == "yes"
