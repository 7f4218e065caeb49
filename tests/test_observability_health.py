"""/healthz says the process answers, touching nothing; /readyz checks the database, Redis and
the task queue, and is a 503 when one of them does not answer (django-health-check)."""

import pytest

from tests.private_servers import PrivateRedis

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_ready_when_everything_answers(client):
    response = client.get("/readyz", headers={"Accept": "application/json"})
    assert response.status_code == 200
    checks = response.json()
    assert checks == {
        "Database(alias='default')": "OK",
        "SharedCache()": "OK",
        "TaskQueue()": "OK",
    }


def test_readyz_is_a_503_naming_redis_when_redis_is_down(client, settings):
    redis = PrivateRedis()
    redis.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": redis.url,
            "KEY_PREFIX": "readyz-test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    assert client.get("/readyz?format=json").status_code == 200
    redis.stop()
    response = client.get("/readyz?format=json")
    assert response.status_code == 503
    assert response.json()["SharedCache()"] == "Unavailable: Redis unreachable"
    assert response.json()["Database(alias='default')"] == "OK"
    # Still alive: the load balancer should stop sending readers, not restart it.
    assert client.get("/healthz").status_code == 200
