from django.contrib import admin

from .models import ConsentEvent, Newsletter, NewsletterSubscription


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    list_display = ["name", "sender_name", "default_for_new_members", "order"]
    list_editable = ["order"]


class ConsentEventInline(admin.TabularInline):
    model = ConsentEvent
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ["at", "newsletter", "action", "source"]
    readonly_fields = fields
    verbose_name_plural = "Newsletter consent history"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(NewsletterSubscription)
class NewsletterSubscriptionAdmin(admin.ModelAdmin):
    """Who receives what, and the consent behind it. Read-only: consent is the member's to give."""

    list_display = ["user", "newsletter", "consented_at", "consent_source", "unsubscribed_at"]
    list_filter = ["newsletter", "consent_source", ("unsubscribed_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email"]
    list_select_related = ["user", "newsletter"]
    readonly_fields = [
        "user",
        "newsletter",
        "consented_at",
        "consent_source",
        "unsubscribed_at",
        "unsubscribe_source",
    ]

    def has_add_permission(self, request):
        return False
