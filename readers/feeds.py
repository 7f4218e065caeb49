"""The private RSS feed: a paying reader's feed reader gets what that reader may read.

Whole stories while the reader has access, the preview otherwise: both decided by the one
access rule (`articles.access.decide`) and the one cut (`Article.text`), never here.
"""

from django.conf import settings
from django.http import Http404
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe

from articles.access import decide
from articles.feeds import FEED_SIZE, ArticleFeed
from articles.models import Article
from newsroom.site import absolute
from subscriptions.entitlements import has_paid_access

from .models import PrivateFeed


class PrivateArticlesFeed(ArticleFeed):
    @method_decorator(require_safe)
    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # One reader's text under a secret address: no cache keeps it (the page cache stores
        # only `public` pages), and no search engine lists it.
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    def get_object(self, request, token):
        self.request = request
        feed = (
            PrivateFeed.objects.select_related("user")
            .filter(token=token, user__is_active=True)
            .first()
        )
        if feed is None:
            raise Http404("No such feed.")
        return feed

    def title(self, feed):
        return f"{settings.SITE_NAME}: your private feed"

    def link(self, feed):
        return absolute("/")

    def description(self, feed):
        return "The latest stories, whole while your subscription lasts."

    def items(self, feed):
        # The reader is asked once, so the feed costs one billing query whatever its length.
        user = feed.user
        paid = has_paid_access(user)
        articles = list(Article.objects.published().for_listing().defer(None)[:FEED_SIZE])
        for article in articles:
            access = decide(article, signed_in=True, staff=user.is_staff, paid=lambda: paid)
            article.feed_text = article.text.full if access.full else article.text.preview
            article.feed_is_whole = access.full
        return articles

    def item_description(self, article):
        if article.feed_is_whole:
            return article.feed_text
        more = f'<p><a href="{absolute(article.get_absolute_url())}">Subscribe to read on</a></p>'
        return f"{article.feed_text}\n{more}"
