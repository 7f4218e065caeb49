from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Rss201rev2Feed
from django.views.decorators.http import require_safe

from newsroom.site import absolute

from .models import Article, Section

FEED_SIZE = 30
FEED_MAX_AGE = 300


class ArticleFeed(Feed):
    """What every feed of articles says of each item; subclasses choose the items and their
    text (the public feed: standfirsts; a reader's private feed: what they may read)."""

    feed_type = Rss201rev2Feed
    request: HttpRequest  # set by get_object, which Feed calls first

    def feed_url(self, obj):
        return absolute(self.request.path)

    # Absolute on SITE_URL, so the feed names the site's one host, not the request's.
    def item_link(self, article):
        return absolute(article.get_absolute_url())

    def item_title(self, article):
        return article.headline

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        return ", ".join(author.name for author in article.byline)

    def item_categories(self, article):
        return [article.section.name]


class LatestArticlesFeed(ArticleFeed):
    """Headlines and standfirsts only: a feed is public, so it never carries the body."""

    description_template = None

    @method_decorator(require_safe)
    def __call__(self, request, *args, **kwargs):
        # GET and HEAD only, like every other reader page (Feed itself answers any method).
        response = super().__call__(request, *args, **kwargs)
        # The same for every reader (headlines and standfirsts only): caches may keep it.
        patch_cache_control(response, public=True, max_age=FEED_MAX_AGE)
        return response

    def get_object(self, request, section_slug=None):
        self.request = request
        if section_slug is None:
            return None
        return get_object_or_404(Section, slug=section_slug)

    def title(self, section):
        from django.conf import settings

        return f"{settings.SITE_NAME}: {section.name}" if section else settings.SITE_NAME

    def link(self, section):
        return absolute(section.get_absolute_url() if section else "/")

    def description(self, section):
        return section.description if section and section.description else "The latest stories."

    def items(self, section):
        articles = Article.objects.published().for_listing()
        if section is not None:
            articles = articles.filter(section=section)
        return articles[:FEED_SIZE]

    def item_description(self, article):
        return article.standfirst
