"""Log lines: readable text by default, one JSON object per line with LOG_FORMAT=json, and the
request id on each, from X-Request-ID (or made) to the response and into tasks."""

import io
import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings

from newsroom.logs import JsonFormatter, RequestIdFilter, request_id
from tests.logging_tasks import log_a_line
from tests.task_helpers import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """What the console handler would write with LOG_FORMAT=json."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def test_the_request_id_sent_by_the_proxy_is_returned(client):
    response = client.get("/", headers={"X-Request-ID": "edge-7f3a.42"})
    assert response.status_code == 200
    assert response["X-Request-ID"] == "edge-7f3a.42"


@pytest.mark.parametrize("sent", [None, "", "a b", "x" * 300, "<script>", "id\x01"])
def test_a_missing_or_odd_request_id_is_replaced_by_a_new_one(client, sent):
    headers = {"X-Request-ID": sent} if sent is not None else {}
    first = client.get("/", headers=headers)
    second = client.get("/", headers=headers)
    assert first.status_code == 200
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_each_line_is_one_json_object_with_the_request_id(client, json_lines):
    client.get("/no-such-page/at-all/", headers={"X-Request-ID": "req-404"})
    lines = json_lines()
    not_found = [line for line in lines if line["message"].startswith("Not Found:")]
    assert len(not_found) == 1
    line = not_found[0]
    assert set(line) == {"timestamp", "level", "logger", "message", "request_id"}
    assert line["level"] == "WARNING"
    assert line["logger"] == "django.request"
    assert line["request_id"] == "req-404"
    assert line["timestamp"].endswith("+00:00")


def test_a_task_enqueued_during_a_request_logs_with_that_requests_id(json_lines):
    token = request_id.set("req-task-1")  # as RequestIdMiddleware does for a request
    try:
        log_a_line.enqueue("the welcome email went out")
    finally:
        request_id.reset(token)
    assert run_queued_tasks() == 1
    [line] = [line for line in json_lines() if line["message"] == "the welcome email went out"]
    assert line["request_id"] == "req-task-1"
    assert request_id.get() == "-"  # the worker forgets it after the task


def test_a_task_enqueued_outside_a_request_logs_with_its_own_id(json_lines):
    result = log_a_line.enqueue("the nightly reconciliation ran")
    run_queued_tasks()
    [line] = [line for line in json_lines() if line["message"] == "the nightly reconciliation ran"]
    assert line["request_id"] == f"task-{result.id}"


@pytest.mark.parametrize(("log_format", "looks_like"), [("json", "json"), (None, "text")])
def test_log_format_chooses_the_console_format(log_format, looks_like):
    env = {**os.environ, "DATABASE_URL": "sqlite:///:memory:"}
    env.pop("LOG_FORMAT", None)
    if log_format:
        env["LOG_FORMAT"] = log_format
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "import logging; logging.getLogger('newsroom.ops').warning('disk is filling up')",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    [line] = [line for line in done.stderr.splitlines() if "disk is filling up" in line]
    if looks_like == "json":
        parsed = json.loads(line)
        assert parsed["message"] == "disk is filling up"
        assert parsed["logger"] == "newsroom.ops"
        assert parsed["request_id"] == "-"
    else:
        assert line.endswith("WARNING newsroom.ops [-] disk is filling up")
