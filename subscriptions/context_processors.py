from django.utils.functional import SimpleLazyObject

from .entitlements import billing_state


def billing(request):
    # Lazy: a page that never shows the banner never pays for the query.
    user = getattr(request, "user", None)
    return {"billing": SimpleLazyObject(lambda: billing_state(user))}
