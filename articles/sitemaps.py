from django.contrib.sitemaps import Sitemap

from newsroom.site import scheme_and_host

from .models import Article, Section


class SiteSitemap(Sitemap):
    """Addresses on SITE_URL's host, whatever host the sitemap was asked on."""

    def get_protocol(self, protocol=None):
        return scheme_and_host()[0]

    def get_domain(self, site=None):
        return scheme_and_host()[1]


class ArticleSitemap(SiteSitemap):
    changefreq = "daily"
    limit = 5000

    def items(self):
        return Article.objects.published().select_related("section").defer("body")

    def lastmod(self, article):
        return article.updated_at


class SectionSitemap(SiteSitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.all()
