from django.urls import path

from . import views
from .models import Page

app_name = "pages"

# Fixed addresses, one per kind (/privacy/, /terms/, …), ahead of the section paths that would
# otherwise catch them; articles.models reserves them as section slugs.
urlpatterns = [path(f"{kind}/", views.page, {"kind": kind}, name=kind) for kind in Page.Kind.values]
