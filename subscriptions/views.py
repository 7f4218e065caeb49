from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def pricing(request):
    return render(request, "subscriptions/pricing.html", {"next": request.GET.get("next", "")})
