from django.urls import path

from . import views

urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/", views.outbox_message, name="outbox_message"),
    path("outbox/<int:pk>/html/", views.outbox_message_html, name="outbox_message_html"),
    # e.g. /email/webhooks/postmark/tracking/ (the providers' names as in EMAIL_PROVIDER)
    path(
        "email/webhooks/<slug:provider>/tracking/",
        views.tracking_webhook,
        name="email_tracking_webhook",
    ),
]
