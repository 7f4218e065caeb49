"""Emails the reader does not wait for: rendered now, sent by a task worker, retried.

    from emails.sending import send_later

    send_later(
        to=user.email,
        subject=f"Your payment to {settings.SITE_NAME} failed",
        template="subscriptions/email/payment_failed.txt",   # text body (required)
        html_template=None,                                  # optional HTML alternative
        context={...},                                       # rendered here, not in the task
    )

Welcome, billing and account emails use the site's one email layout (the newsletters' own,
CSS inlined, with a text alternative): `send_in_layout(to=..., template_prefix=..., context=...)`
renders `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html` (which extends
`email/layout.html`) through `newsroom.emails.render_email` and queues the result.

Call it inside the transaction that makes the email necessary: the queued task commits (or
rolls back) with it. The worker sends through MAILERS["default"] (so suppressions and the
outbox apply); a failure is retried with exponential backoff (1 minute doubling, 8 attempts:
about four hours) and a send that gives up stays in the admin's "Task results" as "Failed",
with the whole message in its arguments.
"""

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from jobs.tasks import retried_task
from newsroom.emails import build_message, render_email

from .models import SentOnce

EMAIL_QUEUE = "email"


def send_later(
    *,
    to: str | list[str],
    subject: str,
    template: str,
    context: dict | None = None,
    html_template: str | None = None,
    from_email: str | None = None,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> str:
    """Render one email now and queue it; returns the task's id."""
    context = context or {}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(template, context),
        from_email=from_email,
        to=[to] if isinstance(to, str) else list(to),
        reply_to=reply_to or [],
        headers=headers or {},
    )
    if html_template:
        message.attach_alternative(render_to_string(html_template, context), "text/html")
    return queue_message(message)


def send_in_layout(
    *,
    to: str,
    template_prefix: str,
    context: dict,
    from_email: str | None = None,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> str:
    """Render one email in the site's layout now (HTML with CSS inlined, and its text) and
    queue it; returns the task's id."""
    rendered = render_email(template_prefix, context)
    message = build_message(
        rendered, to=[to], from_email=from_email, reply_to=reply_to, headers=headers
    )
    return queue_message(message)


def send_once(key: str, **email) -> bool:
    """`send_in_layout(**email)` (or `send_later`, for a text-only `template`) unless an email
    with this key was already queued; True if queued."""
    send = send_in_layout if "template_prefix" in email else send_later
    try:
        with transaction.atomic():
            SentOnce.objects.create(key=key)
            send(**email)
    except IntegrityError:
        return False
    return True


def queue_message(message: EmailMessage) -> str:
    """Queue an email already built (e.g. by allauth's adapter); returns the task's id."""
    html = (
        next(
            (str(content) for content, mimetype in message.alternatives if mimetype == "text/html"),
            "",
        )
        if hasattr(message, "alternatives")
        else ""
    )
    result = deliver_email.enqueue(
        to=list(message.to),
        subject=str(message.subject),
        body=str(message.body),
        html=html,
        from_email=message.from_email,
        reply_to=list(message.reply_to),
        headers={str(k): str(v) for k, v in message.extra_headers.items()},
        cc=list(message.cc),
        bcc=list(message.bcc),
    )
    return str(result.id)


@retried_task(queue_name=EMAIL_QUEUE, attempts=8, backoff=60)
def deliver_email(
    *,
    to: list[str],
    subject: str,
    body: str,
    html: str,
    from_email: str | None,
    reply_to: list[str],
    headers: dict[str, str],
    cc: list[str] | None = None,
    bcc: list[str] | None = None,
) -> int:
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=from_email,
        to=to,
        cc=cc or [],
        bcc=bcc or [],
        reply_to=reply_to,
        headers=headers,
    )
    if html:
        message.attach_alternative(html, "text/html")
    # 0 when every recipient is suppressed: nothing to retry.
    return message.send()
