from django.urls import path

from . import feeds, views

app_name = "readers"

urlpatterns = [
    path("feed/private/<str:token>/", feeds.PrivateArticlesFeed(), name="private_feed"),
    path("account/feed/rotate/", views.rotate_feed, name="rotate_feed"),
    path("account/data/", views.download_data, name="download_data"),
]
