"""Input no view should have to think about."""

from urllib.parse import unquote_plus

from django.http import HttpResponseBadRequest
from django.middleware import csp

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
