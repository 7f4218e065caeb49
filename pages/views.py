from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .models import Page


@require_safe
def page(request: HttpRequest, kind: str) -> HttpResponse:
    found = Page.objects.filter(kind=kind).first()
    if found is None:
        raise Http404("No such page.")
    return render(request, "pages/page.html", {"page": found})
