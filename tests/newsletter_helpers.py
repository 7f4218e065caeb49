"""Builders for newsletter tests."""

from newsletters.models import Newsletter, Source
from newsletters.services import subscribe


def make_newsletter(**kwargs):
    kwargs.setdefault("name", "Every story")
    kwargs.setdefault("description", "Each story as it is published.")
    kwargs.setdefault("sender_name", "The Newsroom")
    return Newsletter.objects.create(**kwargs)


def subscribed(user, *newsletters, source=Source.IMPORT):
    subscribe(user=user, newsletters=newsletters, source=source)
    return user


def send_and_deliver(**kwargs):
    """Confirm a send, then run the queue as the workers would until it is delivered."""
    from newsletters.sending import start_send
    from tests.task_helpers import run_queued_tasks

    send = start_send(**kwargs)
    run_queued_tasks()
    send.refresh_from_db()
    return send
