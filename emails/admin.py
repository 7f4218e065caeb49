from django.contrib import admin

from .models import OutboxMessage, Suppression


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ("address", "reason", "provider", "event_at")
    list_filter = ("reason", "provider")
    search_fields = ("address",)
    readonly_fields = ("address", "reason", "provider", "detail", "event_at", "recorded_at")

    def has_add_permission(self, request):
        # Only the provider's webhooks record a suppression; staff may lift one (delete).
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("subject", "to", "sent_at")
    search_fields = ("subject", "to")
    readonly_fields = ("subject", "from_email", "to", "body", "html", "sent_at")

    def has_add_permission(self, request):
        return False
