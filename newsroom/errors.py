"""The site's last-resort error pages.

A database that is down (PostgreSQL restarting, failing over) is not our bug: readers and
Stripe's webhooks get a 503 with Retry-After, and the next request connects again by itself
(conn_health_checks). Everything else is the ordinary 500 page. Neither page touches the
database.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 10


def database_unavailable(error: BaseException | None) -> bool:
    # A refused, lost or timed-out connection; not a query we got wrong.
    return isinstance(error, OperationalError | InterfaceError)


@requires_csrf_token
def server_error(request):
    error = sys.exc_info()[1]
    if database_unavailable(error):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
