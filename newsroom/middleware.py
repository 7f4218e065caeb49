"""Input no view should have to think about."""

from urllib.parse import unquote_plus

from django.http import HttpResponseBadRequest
from django.middleware import csp
from django.utils.cache import patch_cache_control
from django.utils.functional import empty

NUL = "\x00"


class RefuseNulMiddleware:
    """Keep NUL bytes out of lookups: PostgreSQL refuses them in text, which would be a 500.

    No real address or cookie holds one, so:
    - a NUL in the path is a 400 (a preview token, for one, goes straight into a query);
    - a header that is stored or looked up (user agent, referer) loses its NUL bytes;
    - a cookie holding one is ignored, as if it had not been sent (Django unquotes `"\\000"`
      in a quoted cookie to NUL, and the session cookie is looked up on every page);
    - in the admin, whose list filters go straight into queries, a NUL in the query string
      is a 400. Reader pages read their own query strings (search strips control characters).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path_info:
            return HttpResponseBadRequest("Bad request: the address contains a NUL byte.")
        for header in ("HTTP_USER_AGENT", "HTTP_REFERER", "HTTP_ACCEPT_LANGUAGE"):
            # Stored or looked up by sign-in history and CSRF checks; gunicorn refuses these,
            # other servers (runserver, ASGI) may not.
            if NUL in request.META.get(header, ""):
                request.META[header] = request.META[header].replace(NUL, "")
        cookies = request.COOKIES
        if any(NUL in name or NUL in value for name, value in cookies.items()):
            request.COOKIES = {
                name: value
                for name, value in cookies.items()
                if NUL not in name and NUL not in value
            }
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            match is not None
            and "admin" in match.namespaces
            and NUL in unquote_plus(request.META.get("QUERY_STRING", ""))
        ):
            return HttpResponseBadRequest("Bad request: the address contains a NUL byte.")
        return None


FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class RefuseForeignCharsetMiddleware:
    """Forms are UTF-8: a form body declared in any other charset is a 400 page.

    Django refuses such a body with BadRequest the moment anything reads request.POST, and the
    CSRF check does, twice: once for the request and again for the error page, which made the
    error page itself fail and the answer a bare 500. Refused here, before either reads it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        charset = request.content_params.get("charset") if request.content_params else None
        # Exactly "utf-8", as Django compares it: it refuses even the alias "utf8".
        if request.content_type in FORM_TYPES and charset and charset.lower() != "utf-8":
            return HttpResponseBadRequest(
                "Bad request: forms must be sent as UTF-8.", content_type="text/plain"
            )
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(csp.ContentSecurityPolicyMiddleware):
    """Django's CSP (settings.SECURE_CSP) on every page but the admin's.

    The reader's pages load no inline script at all, so the policy needs no nonce and pages
    stay cacheable. The admin's rich-text editor loads its modules through an inline import map,
    and the admin is staff only, behind sign-in.
    """

    def process_response(self, request, response):
        match = getattr(request, "resolver_match", None)
        if match is not None and "admin" in match.namespaces:
            response._csp_config = {}
        return super().process_response(request, response)


# Pages that show an account: its emails, sign-in history, passkeys and billing.
ACCOUNT_PATH_PREFIXES = ("/account/", "/accounts/")


class PrivateResponsesMiddleware:
    """No shared cache keeps a response that belongs to one person.

    Views mark reader pages `public` for anonymous visitors (one page for all of them). That
    stops being true when a response carries a flash message ("You have signed out.") or sets
    a cookie: both are that visitor's. Pages shaped by an account are `private` whatever the
    view said, and the account pages, which list emails, sessions and billing, are not stored
    at all. Sits above the session and messages middleware, so it sees the cookies they set.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(ACCOUNT_PATH_PREFIXES):
            _make_private(response, no_store=True)
        elif response.cookies or _carries_messages(request) or _signed_in(request):
            _make_private(response)
        return response


def _signed_in(request) -> bool:
    """A signed-in reader whose account the view looked at (so the page may be shaped by it).

    A view that never asked who is reading (a feed, the sitemap) costs no session query here.
    """
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", empty) is empty:
        return False
    return bool(user.is_authenticated)


def _carries_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    # Shown on this page (`used`) or waiting for the next one (queued).
    return bool(storage._queued_messages) or (
        storage.used and bool(getattr(storage, "_loaded_data", None))
    )


def _make_private(response, *, no_store=False):
    directives = {part.strip().lower() for part in response.get("Cache-Control", "").split(",")}
    if "no-store" in directives and "private" in directives:
        return
    if "private" not in directives or "public" in directives:
        # Drop what allowed a shared cache to keep it; a private page is revalidated.
        parts = [
            part.strip()
            for part in response.get("Cache-Control", "").split(",")
            if part.strip()
            and part.strip().lower().split("=")[0] not in {"public", "s-maxage", "max-age"}
        ]
        response["Cache-Control"] = ", ".join(parts)
        patch_cache_control(response, private=True, no_cache=True)
    if no_store:
        patch_cache_control(response, no_store=True)
