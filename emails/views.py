"""The demo's outbox: every email the site sent, readable in the browser.

It exists only while EMAIL_OUTBOX is on (by default only with DEBUG), and then it is open to
anyone who can reach the site, sign-in codes included: that is its point in the demo (a newcomer
signs up without a terminal), and why settings.py refuses EMAIL_OUTBOX on a site with DEBUG off.
"""

import logging
import re

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from .models import OutboxMessage

log = logging.getLogger(__name__)

PAGE_SIZE = 50
URL = re.compile(r"https?://[^\s<>\"']+")
# allauth's codes stand alone on their line: "ABCD-EFGH", "123-456-789" or undashed.
CODE_LINE = re.compile(
    r"^([ \t]*)([A-Z0-9]{3,6}(?:-[A-Z0-9]{3,6}){1,2}|[A-Z0-9]{6,12})([ \t]*)$", re.MULTILINE
)
# The HTML version is shown as the mail client would: its own styles and images, no scripts,
# no forms, and no way to frame or reach anything else of the site.
HTML_CSP = (
    "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; form-action 'none'; base-uri 'none'"
)


def _outbox_on() -> None:
    if not settings.EMAIL_OUTBOX:
        raise Http404("No outbox on this site.")


def linkify(text: str) -> SafeString:
    """Escape the text; make its addresses links and its codes copyable."""
    out: list[str] = []
    last = 0
    for match in URL.finditer(text):
        url = match.group(0).rstrip(".,;:)")
        out.append(escape(text[last : match.start()]))
        out.append(f'<a href="{escape(url)}">{escape(url)}</a>')
        last = match.start() + len(url)
    out.append(escape(text[last:]))
    html = "".join(out)
    html = CODE_LINE.sub(
        r'\1<button type="button" class="outbox-code" data-code="\2" '
        r'title="Copy the code">\2</button>\3',
        html,
    )
    return mark_safe(html)  # noqa: S308 - every piece above was escaped


@require_safe
def outbox(request: HttpRequest) -> HttpResponse:
    _outbox_on()
    emails = OutboxMessage.objects.defer("body", "html")[:PAGE_SIZE]
    return render(request, "emails/outbox.html", {"emails": emails})


@require_safe
def outbox_message(request: HttpRequest, pk: int) -> HttpResponse:
    _outbox_on()
    message = get_object_or_404(OutboxMessage, pk=pk)
    return render(
        request, "emails/outbox_message.html", {"message": message, "body": linkify(message.body)}
    )


@require_safe
def outbox_message_html(request: HttpRequest, pk: int) -> HttpResponse:
    _outbox_on()
    message = get_object_or_404(OutboxMessage.objects.exclude(html=""), pk=pk)
    response = HttpResponse(message.html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = HTML_CSP
    return response


# ---------------------------------------------------------------- provider webhooks
def _tracking_views() -> dict:
    from anymail import urls

    return {
        p.name.removesuffix("_tracking_webhook"): p.callback
        for p in urls.urlpatterns
        if p.name and p.name.endswith("_tracking_webhook")
    }


TRACKING_VIEWS = _tracking_views()


@csrf_exempt
def tracking_webhook(request: HttpRequest, provider: str) -> HttpResponse:
    """The provider's tracking webhook, through anymail's own (signed) view.

    Without ANYMAIL_WEBHOOK_SECRET anymail would accept anyone's events (with a warning), so
    until it is set the address does not exist. With it, a request without the right basic
    auth (or, for providers that sign, a valid signature) is refused 400 by anymail.
    """
    view = TRACKING_VIEWS.get(provider)
    if view is None or not settings.ANYMAIL.get("WEBHOOK_SECRET"):
        raise Http404("No such webhook.")
    try:
        # All of a request's events, or none of them.
        with transaction.atomic():
            return view(request)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        # Authenticated but not shaped like the provider's events: anymail's parsers assume
        # well-formed input and would otherwise answer 500.
        log.warning("Malformed %s tracking webhook: %r", provider, error)
        return HttpResponseBadRequest("Malformed webhook body.")
