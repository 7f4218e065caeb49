"""The site's one public address (SITE_URL), for every link that leaves the page it is on.

Canonical links, og:url, JSON-LD, the sitemap, feeds, robots.txt and emails all name this host,
never the request's: a page reached through another name (a node's own address, a proxy's
internal host) still names one site.
"""

from urllib.parse import urljoin, urlsplit

from django.conf import settings


def absolute(path: str) -> str:
    """SITE_URL plus an absolute path ("/news/story/")."""
    return settings.SITE_URL + path


def absolute_url(url: str) -> str:
    """Any URL the site names, made absolute on SITE_URL: a path ("/media/x.webp") gains the
    host, a URL that has one already (media on S3 or its CDN) is kept as it is."""
    return urljoin(settings.SITE_URL + "/", url)


def scheme_and_host() -> tuple[str, str]:
    parts = urlsplit(settings.SITE_URL)
    return parts.scheme, parts.netloc
