from django.urls import path

from . import offers, views, webhooks

app_name = "subscriptions"

urlpatterns = [
    path("pricing/", views.pricing, name="pricing"),
    path("offer/<str:code>/", offers.offer_page, name="offer"),
    path("subscribe/checkout/", views.checkout, name="checkout"),
    path("subscribe/continue/", views.continue_checkout, name="continue"),
    path("subscribe/canceled/", views.canceled, name="canceled"),
    path("subscribe/success/", views.success, name="success"),
    path("account/billing/", views.billing, name="billing"),
    path("account/billing/cancel/", views.cancel, name="cancel"),
    path("stripe/webhook/", webhooks.stripe_webhook, name="webhook"),
]
