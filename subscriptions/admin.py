from django.contrib import admin
from django.utils import timezone

from .models import ComplimentaryAccess, Customer, Plan, Subscription


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "active",
        "order",
        "trial_days",
        "monthly_amount",
        "yearly_amount",
        "currency",
    ]
    list_editable = ["active", "order"]
    search_fields = ["name", "monthly_price_id", "yearly_price_id", "stripe_product_id"]
    fieldsets = [
        (None, {"fields": ["name", "benefits", "active", "order", "trial_days"]}),
        (
            "Stripe prices",
            {
                "description": "Amounts are in cents (minor units) and are what the pricing "
                "page shows; Stripe charges the price itself. `manage.py stripe_import_plans` "
                "fills these from Stripe.",
                "fields": [
                    "stripe_product_id",
                    ("monthly_price_id", "monthly_amount"),
                    ("yearly_price_id", "yearly_amount"),
                    "currency",
                ],
            },
        ),
    ]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "plan",
        "interval",
        "status",
        "cancel_at_period_end",
        "current_period_end",
        "source",
        "source_article",
        "synced_at",
    ]
    # Filtering by source and article counts conversions: "N subscriptions" at the top.
    list_filter = [
        "status",
        "plan",
        "interval",
        "cancel_at_period_end",
        "source",
        ("source_article", admin.RelatedOnlyFieldListFilter),
        ("offer", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["user__email", "stripe_id", "stripe_customer_id"]
    list_select_related = ["user", "plan", "source_article"]
    # Stripe is the source of truth: these rows change through sync, never by hand.
    readonly_fields = [f.name for f in Subscription._meta.fields]

    def has_add_permission(self, request):
        return False


class CurrentFilter(admin.SimpleListFilter):
    title = "current"
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", "Current"), ("no", "Expired")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.current()
        if self.value() == "no":
            return queryset.filter(expires_at__lte=timezone.now())
        return queryset


@admin.register(ComplimentaryAccess)
class ComplimentaryAccessAdmin(admin.ModelAdmin):
    list_display = ["user", "reason", "expires_at", "is_current", "granted_by", "created_at"]
    list_filter = [CurrentFilter]
    search_fields = ["user__email", "reason"]
    autocomplete_fields = ["user"]
    readonly_fields = ["granted_by", "created_at"]
    fields = ["user", "reason", "expires_at", "granted_by", "created_at"]
    list_select_related = ["user", "granted_by"]

    @admin.display(boolean=True, description="current")
    def is_current(self, obj):
        return obj.is_current

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["user", "stripe_id", "created_at"]
    search_fields = ["user__email", "stripe_id"]
    readonly_fields = ["user", "stripe_id", "created_at"]

    def has_add_permission(self, request):
        return False


from . import event_admin, offer_admin  # noqa: E402, F401  (register their admins)
