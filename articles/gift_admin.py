"""Gift links in the admin: every link, with its readers; editors make publisher links here,
which no quota limits, and switch any link off."""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html

from .models import Article, GiftLink


@admin.register(GiftLink)
class GiftLinkAdmin(admin.ModelAdmin):
    list_display = ["article", "giver_name", "from_publisher", "readers", "expires_at", "state"]
    list_filter = ["from_publisher"]
    search_fields = ["article__headline", "giver_name", "giver__email"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
    fields = ["article", "giver_name", "max_readers", "expires_at", "address", "revoked_at"]
    readonly_fields = ["address", "revoked_at"]
    actions = ["switch_off"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(reader_count=Count("readers"))

    def get_changeform_initial_data(self, request):
        return {
            "giver_name": settings.SITE_NAME,
            "max_readers": settings.GIFT_LINK_READERS,
            "expires_at": timezone.now() + timedelta(days=settings.GIFT_LINK_DAYS),
        }

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article":
            # Only what readers can already find: a gift is no way to publish a draft.
            kwargs["queryset"] = Article.objects.published()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["article", "giver_name", *self.readonly_fields]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.giver = request.user
            obj.from_publisher = True
        super().save_model(request, obj, form, change)

    @admin.display(description="Address")
    def address(self, obj):
        if not obj.pk:
            return "Made when you save."
        url = settings.SITE_URL + obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.display(description="Readers")
    def readers(self, obj):
        return f"{obj.reader_count} of {obj.max_readers}"

    @admin.display(description="State")
    def state(self, obj):
        if obj.revoked_at:
            return "Switched off"
        return "Expired" if obj.expires_at <= timezone.now() else "Opens"

    @admin.action(description="Switch off the selected gift links")
    def switch_off(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, f"{count} gift link(s) switched off.")
