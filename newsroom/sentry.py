"""Errors to Sentry when SENTRY_DSN is set, never article text or email addresses.

Sentry gets the exception, its stack (without local variables, where an article's body may
sit) and the request's method and path. `scrub` runs on every event before it leaves: request
bodies, query strings, cookies, headers and the user go, fields that name a body, text or an
address are blanked, and any address left in a message is masked. Our code never puts article
text into an exception message. Tested in tests/test_observability_sentry.py.
"""

import re

import sentry_sdk

EMAIL = re.compile(r"[^\s@<>\"'(),;:]+@[^\s@<>\"'(),;:]+\.[A-Za-z]{2,}")
# A key with one of these words in its name ("body", "article_body", "previewHtml") anywhere in
# an event has its value replaced. Whole words: Sentry's own "contexts" must stay.
SENSITIVE = {"body", "html", "text", "content", "preview", "email", "login", "password", "code"}
WORDS = re.compile(r"[a-z]+")
SCRUBBED = "[scrubbed]"


def init_sentry(dsn: str, **options) -> None:
    sentry_sdk.init(
        dsn=dsn,
        # scrub takes and returns plain dicts, which is what an Event is at run time.
        before_send=scrub,  # type: ignore[arg-type]
        before_send_transaction=scrub,  # type: ignore[arg-type]
        include_local_variables=False,  # an article's body can sit in any frame
        max_request_body_size="never",
        traces_sample_rate=0,
        **options,
    )


def scrub(event: dict, hint: dict | None = None) -> dict:
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "headers", "env", "query_string"):
            request.pop(key, None)
    event.pop("user", None)
    return _clean(event)


def _clean(value, key: str = ""):
    if key and SENSITIVE.intersection(WORDS.findall(re.sub(r"([A-Z])", r"_\1", key).lower())):
        return SCRUBBED
    if isinstance(value, dict):
        return {k: _clean(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    if isinstance(value, str):
        return EMAIL.sub("[email]", value)
    return value
