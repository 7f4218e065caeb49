"""The anonymous page cache: every anonymous reader gets the same bytes, so build them once.

It runs before sessions, authentication and CSRF. A request is answered from the cache only
when it carries no session cookie, no pending message and no cookie but the CSRF token, and
only with a page that was stored from such a request and set no cookie, said ``public`` and
varied on nothing but ``Cookie``. Paywalled, metered, gift and signed-in pages are ``private``
(articles/views.py), so they are never stored.

Coherence: every stored page is keyed by a content version kept in the shared cache (Redis).
Any change that can alter a page (an article, section, author, topic, byline or plan saved or
deleted, see ``articles.apps`` and ``subscriptions.apps``) replaces the version at once and
again when its transaction commits, so every worker on every machine stops serving the old
pages on its next request, and the old pages are deleted. No page outlives the next scheduled
publication.

Where it is on: only with Redis (``PAGE_CACHE_SECONDS`` defaults to 60 when ``REDIS_URL`` is
set, else 0). The demo's local-memory cache is one per gunicorn worker, and an edit made through
one worker (or ``manage.py shell``) could not reach the others, so there it is off. When Redis
fails, requests go through uncached: a page is never served without its version check.

Bodies are stored once as they are, gzipped and brotli-compressed; a request picks one by its
``Accept-Encoding`` and nothing is compressed per request. Each page has an ``ETag`` and a
``Last-Modified`` and conditional requests get a 304.
"""

import gzip
import hashlib
import logging
import threading
import time
import uuid
from collections import OrderedDict
from email.utils import formatdate, parsedate_to_datetime

import brotli
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"
KEYS_KEY = "pagecache:keys:{version}"
PAGE_KEY = "pagecache:page:{version}:{scheme}:{host}:{path}"
# Cookies that do not change what an anonymous reader sees.
NEUTRAL_COOKIES = {"csrftoken"}
# Headers that are the transport's, not the page's.
_NOT_STORED = {"set-cookie", "content-length", "content-encoding", "date", "etag", "last-modified"}
LOCAL_PAGES = 256


def _backend():
    return caches["default"]


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def content_changed() -> None:
    """Something a page may show has changed: no stored page may be served any more.

    Now, so this process and every other stop serving old pages at once; and again on
    commit, so a page built from the old rows by a reader in between is dropped too.
    """
    if not enabled():
        return
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> None:
    _local.forget()  # other processes forget theirs on their next request
    try:
        cache = _backend()
        old = cache.get(VERSION_KEY)
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
        if old:
            # Unreachable once the version moves on; deleted so no copy of a page that is now
            # paid or unpublished stays in Redis until it expires.
            _forget_pages(cache, old)
    except Exception:
        logger.warning("Page cache: could not replace the content version", exc_info=True)


def _remember_page(cache, version, key, entry) -> None:
    timeout = settings.PAGE_CACHE_SECONDS + 60
    keys_key = KEYS_KEY.format(version=version)
    if isinstance(cache, RedisCache):
        # A Redis set, so workers storing pages at the same time lose none of the keys.
        client = cache._cache.get_client(write=True)
        set_key = cache.make_and_validate_key(keys_key)
        cache.set(key, entry, timeout)
        pipeline = client.pipeline()
        pipeline.sadd(set_key, cache.make_and_validate_key(key))
        pipeline.expire(set_key, timeout)
        pipeline.execute()
    else:
        cache.set_many({key: entry, keys_key: [*(cache.get(keys_key) or []), key]}, timeout)


def _forget_pages(cache, version) -> None:
    keys_key = KEYS_KEY.format(version=version)
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        set_key = cache.make_and_validate_key(keys_key)
        client.delete(*client.smembers(set_key), set_key)
    else:
        cache.delete_many([*(cache.get(keys_key) or []), keys_key])


def _eligible(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    # A session (signed in, or a pending message, a basket, a meter) or any other cookie we do
    # not know may change the page.
    return set(request.COOKIES) <= NEUTRAL_COOKIES


class _Local:
    """A few pages in this process's memory, valid only under the version they were made in."""

    def __init__(self):
        self.version = None
        self.pages = OrderedDict()
        self.lock = threading.Lock()  # gunicorn may run threads

    def forget(self):
        with self.lock:
            self.pages.clear()
            self.version = None

    def get(self, version, key):
        with self.lock:
            if version != self.version:
                self.pages.clear()  # the content moved on: drop every old page from memory too
                self.version = version
                return None
            entry = self.pages.get(key)
            if entry is not None:
                self.pages.move_to_end(key)
            return entry

    def put(self, version, key, entry):
        with self.lock:
            if version != self.version:
                self.pages.clear()
                self.version = version
            self.pages[key] = entry
            while len(self.pages) > LOCAL_PAGES:
                self.pages.popitem(last=False)


_local = _Local()


def _next_publication():
    """When the next scheduled article appears; a page must not be served past it."""
    from articles.models import Article

    nxt = (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=_now_dt())
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return nxt.timestamp() if nxt else None


def _now_dt():
    from django.utils import timezone

    return timezone.now()


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page holds a CSRF token: it is this visitor's alone
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    if response.has_header("Content-Encoding"):
        return False
    directives = {
        part.strip().split("=")[0].lower() for part in response.get("Cache-Control", "").split(",")
    }
    if "public" not in directives or directives & {"private", "no-store", "no-cache"}:
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    return vary <= {"cookie", "accept-encoding"}


def _entry(response, expires: float) -> dict:
    body = response.content
    stored_at = time.time()
    return {
        "status": response.status_code,
        "headers": [
            (name, value) for name, value in response.items() if name.lower() not in _NOT_STORED
        ],
        "identity": body,
        "gzip": gzip.compress(body, compresslevel=6, mtime=0),
        "br": brotli.compress(body, quality=5),
        "etag": '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"',
        "last_modified": stored_at,
        "expires": expires,
    }


def _not_modified(request, entry) -> bool:
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return entry["etag"] in tags or "*" in tags
    if_modified_since = request.META.get("HTTP_IF_MODIFIED_SINCE")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        return int(entry["last_modified"]) <= since
    return False


def _respond(request, entry) -> HttpResponse:
    accepted = request.META.get("HTTP_ACCEPT_ENCODING", "")
    encoding = "br" if "br" in accepted else "gzip" if "gzip" in accepted else None
    if _not_modified(request, entry):
        response = HttpResponse(status=304)
        for name, value in entry["headers"]:
            if name.lower() in {"cache-control", "vary", "content-location", "expires"}:
                response[name] = value
    else:
        response = HttpResponse(entry[encoding or "identity"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        if encoding:
            response["Content-Encoding"] = encoding
        response["Content-Length"] = str(len(response.content))
        if request.method == "HEAD":
            response.content = b""
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = formatdate(entry["last_modified"], usegmt=True)
    response["Age"] = str(max(0, int(time.time() - entry["last_modified"])))
    response["X-Page-Cache"] = "hit"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled() or not _eligible(request):
            return self.get_response(request)
        try:
            cache = _backend()
            version = cache.get(VERSION_KEY)
            if version is None:
                version = uuid.uuid4().hex
                cache.add(VERSION_KEY, version, None)
                version = cache.get(VERSION_KEY) or version
            key = PAGE_KEY.format(
                version=version,
                scheme=request.scheme,
                host=request.get_host(),
                path=request.get_full_path(),
            )
            entry = _local.get(version, key) or cache.get(key)
        except Exception:
            logger.warning("Page cache unavailable: serving uncached", exc_info=True)
            return self.get_response(request)
        if entry is not None and entry["expires"] > time.time():
            _local.put(version, key, entry)
            return _respond(request, entry)

        response = self.get_response(request)
        if request.method == "GET" and _storable(request, response):
            self._store(cache, version, key, response)
        return response

    def _store(self, cache, version, key, response) -> None:
        now = time.time()
        expires = now + settings.PAGE_CACHE_SECONDS
        try:
            upcoming = _next_publication()
            if upcoming is not None:
                expires = min(expires, upcoming)
            if expires <= now:
                return
            entry = _entry(response, expires)
            _remember_page(cache, version, key, entry)
            if cache.get(VERSION_KEY) != version:
                # The content changed while this page was being built: it may be old.
                cache.delete(key)
                return
            _local.put(version, key, entry)
        except Exception:
            logger.warning("Page cache: could not store %s", key, exc_info=True)
