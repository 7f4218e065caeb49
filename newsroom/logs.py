"""Log lines an operator can follow: one request id from the edge to the task it enqueued.

- RequestIdMiddleware takes the id from X-Request-ID (set by the proxy or load balancer) when it
  looks like one, or makes one, and returns it in the response's X-Request-ID.
- RequestIdFilter puts it on every log record, so the text and the JSON formats both show it.
- A task enqueued while a request is handled keeps that id beside its arguments; the worker
  puts it back while the task runs, so the task's lines carry the request's id.
- JsonFormatter writes one JSON object per line (LOG_FORMAT=json).
"""

import json
import logging
import re
import uuid
from contextvars import ContextVar, Token
from datetime import UTC, datetime

from django.core.signals import request_finished
from django.dispatch import receiver
from django.tasks.signals import task_enqueued, task_finished, task_started

request_id: ContextVar[str] = ContextVar("request_id", default="-")

# What a proxy's request id looks like; anything else is replaced, never logged as sent.
VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
HEADER = "X-Request-ID"
TASK_PREFIX = "task-"


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sent = request.headers.get(HEADER, "")
        current = sent if VALID_ID.fullmatch(sent) else uuid.uuid4().hex
        # Left set after the middleware: Django logs the response's status ("Not Found: /x")
        # once it is out of it. Cleared when the response is closed (request_finished).
        request_id.set(current)
        response = self.get_response(request)
        response[HEADER] = current
        return response


@receiver(request_finished)
def _forget_after_response(sender, **kwargs):
    request_id.set("-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "timestamp": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


# -- carrying the id into tasks (django-tasks-db keeps arguments as JSON beside it) --


@receiver(task_enqueued)
def _remember_request_id(sender, task_result, **kwargs):
    current = request_id.get()
    if current == "-" or current.startswith(TASK_PREFIX):
        # Outside a request, or a task's own id: the new task will get its own.
        return
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.filter(id=task_result.id).only("args_kwargs").first()
    if row is not None:
        # Beside "args" and "kwargs", which are all the task itself is called with.
        row.args_kwargs = {**row.args_kwargs, "request_id": current}
        row.save(update_fields=["args_kwargs"])


_task_tokens: ContextVar[Token[str] | None] = ContextVar("task_tokens", default=None)


@receiver(task_started)
def _restore_request_id(sender, task_result, **kwargs):
    from django_tasks_db.models import DBTaskResult

    stored = (
        DBTaskResult.objects.filter(id=task_result.id).values_list("args_kwargs", flat=True).first()
    ) or {}
    current = stored.get("request_id") or f"{TASK_PREFIX}{task_result.id}"
    _task_tokens.set(request_id.set(current))


@receiver(task_finished)
def _forget_request_id(sender, task_result, **kwargs):
    token = _task_tokens.get()
    if token is not None:
        request_id.reset(token)
        _task_tokens.set(None)
