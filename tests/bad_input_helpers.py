"""Shared by the tests/test_bad_input_*.py files: what hostile clients send, and a way to see
that a refused request changed nothing in the database."""

from django.apps import apps
from django.contrib.sessions.models import Session

# Off-site `next` values a browser would follow away from the site.
HOSTILE_NEXTS = [
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "http:evil.example",
]


def database_state():
    """Every stored row of every model, sessions apart (a visit may start one)."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if model is not Session
    }
