import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from subscriptions.entitlements import has_paid_access

from .data import reader_data
from .models import PrivateFeed, new_token


@require_POST
@login_required
def rotate_feed(request: HttpRequest) -> HttpResponse:
    """Make the reader's private feed address, or replace it: the old one stops working."""
    feed = PrivateFeed.objects.filter(user=request.user).first()
    if feed is None:
        if not has_paid_access(request.user):
            messages.error(request, "A private feed comes with a subscription.")
            return redirect("accounts:account")
        PrivateFeed.objects.create(user=request.user)
        messages.success(request, "Your private feed is ready: add its address to your reader.")
    else:
        feed.token = new_token()
        feed.save(update_fields=["token", "rotated_at"])
        messages.success(
            request,
            "Your private feed has a new address. The old one no longer works: "
            "give your feed reader the new one.",
        )
    return redirect(reverse("accounts:account") + "#private-feed")


@require_POST
@login_required
def download_data(request: HttpRequest) -> HttpResponse:
    """The reader's data as a JSON file. POST, so no prefetch or crawler ever builds one."""
    body = json.dumps(reader_data(request.user), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
