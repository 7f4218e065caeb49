from django.urls import path

from . import feeds, gift_views, previews, views

app_name = "articles"

# Section paths come last in the site's URLconf: they catch any other top-level slug.
urlpatterns = [
    path("", views.home, name="home"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("search/", views.search, name="search"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag"),
    path("preview/<int:pk>/", previews.staff_preview, name="preview"),
    path("preview/<int:pk>/as/<slug:persona>/", previews.view_as, name="view_as"),
    path("preview/s/<str:token>/", previews.preview_link, name="preview_link"),
    path("gift/<str:token>/", gift_views.gift_link, name="gift_link"),
    path("gift/<str:token>/revoke/", gift_views.revoke_gift, name="revoke_gift"),
    path("gifts/new/<int:pk>/", gift_views.make_gift, name="make_gift"),
    path("<slug:section_slug>/", views.section_detail, name="section"),
    path("<slug:section_slug>/feed/", feeds.LatestArticlesFeed(), name="section_feed"),
    path("<slug:section_slug>/<slug:slug>/", views.article_detail, name="detail"),
]
