"""The sitemap: an index, then every published article in files of at most 50,000 URLs.

File n lists the published articles whose id falls in the n-th block of 50,000 ids, so a
file is one range scan on the primary key however large the archive, and the index needs
only the highest published id. Addresses are on SITE_URL's host (newsroom/site.py), whatever
host the sitemap was asked on. The XML is written directly: Django's sitemap framework
reverses a URL and renders a template per article, which takes seconds for 50,000.
"""

from xml.sax.saxutils import escape

from django.db.models import CharField, DateField, Value
from django.db.models.functions import Cast, Concat, Replace
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from newsroom.site import absolute

from .models import Article, Section

URLS_PER_FILE = 50_000
_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def _xml_response(body: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/xml; charset=utf-8")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def _escaped(field: str):
    # Slugs are validated to letters, digits, "-" and "_"; this catches what a raw write let by.
    return Replace(
        Replace(Replace(field, Value("&"), Value("&amp;")), Value("<"), Value("&lt;")),
        Value(">"),
        Value("&gt;"),
    )


def _article_file_count() -> int:
    highest = Article.objects.published().order_by("-id").values_list("id", flat=True).first()
    return (highest - 1) // URLS_PER_FILE + 1 if highest else 0


@require_safe
def index(request):
    files = [reverse("sitemap_sections")] + [
        reverse("sitemap_articles", args=[number]) for number in range(1, _article_file_count() + 1)
    ]
    entries = "".join(f"<sitemap><loc>{escape(absolute(path))}</loc></sitemap>\n" for path in files)
    return _xml_response(f"{_XML}<sitemapindex {_NS}>\n{entries}</sitemapindex>\n")


@require_safe
def articles(request, number: int):
    if not 1 <= number <= _article_file_count():
        raise Http404("No such sitemap.")
    first_id = (number - 1) * URLS_PER_FILE + 1
    # One reverse() for the whole file: each article's path is the same pattern.
    pattern = absolute(reverse("articles:detail", args=["SECTION", "SLUG"]))
    before_section, rest = pattern.split("SECTION", 1)
    between, after_slug = rest.split("SLUG", 1)
    # Each <url> is written by the database: 50,000 rows of Python formatting and driver
    # conversions cost several times the query itself.
    entry = Concat(
        Value(f"<url><loc>{escape(before_section)}"),
        _escaped("section__slug"),
        Value(escape(between)),
        _escaped("slug"),
        Value(f"{escape(after_slug)}</loc><lastmod>"),
        Cast(Cast("updated_at", DateField()), CharField()),
        Value("</lastmod></url>\n"),
        output_field=CharField(),
    )
    entries = "".join(
        Article.objects.published()
        .filter(id__gte=first_id, id__lt=first_id + URLS_PER_FILE)
        .order_by("id")
        .annotate(entry=entry)
        .values_list("entry", flat=True)
    )
    return _xml_response(f"{_XML}<urlset {_NS}>\n{entries}</urlset>\n")


@require_safe
def sections(request):
    entries = "".join(
        f"<url><loc>{escape(absolute(section.get_absolute_url()))}</loc>"
        "<changefreq>hourly</changefreq></url>\n"
        for section in Section.objects.navigation()
    )
    return _xml_response(f"{_XML}<urlset {_NS}>\n{entries}</urlset>\n")
