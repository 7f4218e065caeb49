"""Offers in the admin: saving a new discount offer makes its coupon and promotion code at
Stripe (a trial offer needs neither: Checkout is given its days); archiving switches the code
off. Terms never change once made: Stripe's coupons cannot."""

import stripe
from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html

from . import services
from .models import Offer
from .offers import refusal
from .stripe_client import UNAVAILABLE

TERMS = [
    "code",
    "kind",
    "percent_off",
    "amount_off",
    "currency",
    "trial_days",
    "duration",
    "duration_in_months",
    "plans",
    "starts_at",
    "ends_at",
    "max_redemptions",
]


class OfferForm(forms.ModelForm):
    class Meta:
        model = Offer
        fields = ["name", "description", *TERMS]

    def clean_code(self):
        # Checked here, not after clean(): nothing may reach Stripe with a bad or taken code.
        code = self.cleaned_data["code"]
        for validator in Offer._meta.get_field("code").validators:
            validator(code)
        if Offer.objects.filter(code__iexact=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("An offer with this code exists already.")
        return code

    def clean(self):
        data = super().clean() or {}
        if self.instance.pk or self.errors:
            return data
        kind = data.get("kind")
        percent = kind == Offer.Kind.PERCENT
        if kind == Offer.Kind.TRIAL:
            if not data.get("trial_days"):
                self.add_error("trial_days", "Say how many days the free trial lasts.")
        elif percent and not data.get("percent_off"):
            self.add_error("percent_off", "Say how many percent off.")
        elif not percent and not data.get("amount_off"):
            self.add_error("amount_off", "Say how much off, in cents.")
        if (
            kind != Offer.Kind.TRIAL
            and data.get("duration") == Offer.Duration.REPEATING
            and not data.get("duration_in_months")
        ):
            self.add_error("duration_in_months", "Say for how many months.")
        ends, starts = data.get("ends_at"), data.get("starts_at")
        if ends and (ends <= timezone.now() or (starts and ends <= starts)):
            self.add_error("ends_at", "The end must be in the future and after the start.")
        if self.errors:
            return data
        if kind == Offer.Kind.TRIAL:
            # Nothing at Stripe: the days go to each Checkout, the one-trial rule is ours.
            self.instance.percent_off = self.instance.amount_off = None
            self.instance.duration_in_months = None
            data["percent_off"] = data["amount_off"] = data["duration_in_months"] = None
            return data
        data["trial_days"] = None
        offer = Offer(**{k: v for k, v in data.items() if k != "plans"})
        if not percent:
            offer.percent_off = None
        else:
            offer.amount_off = None
        try:
            services.create_offer_at_stripe(offer=offer, plans=list(data.get("plans") or []))
        except UNAVAILABLE:
            raise forms.ValidationError(
                "Stripe did not answer, so the offer was not made. Please try again."
            ) from None
        except stripe.StripeError as error:  # Stripe refused the terms: show its words
            raise forms.ValidationError(f"Stripe refused this offer: {error}") from None
        self.instance.stripe_coupon_id = offer.stripe_coupon_id
        self.instance.stripe_promotion_code_id = offer.stripe_promotion_code_id
        return data


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    form = OfferForm
    list_display = ["code", "name", "terms", "state", "is_retention", "redemptions", "ends_at"]
    search_fields = ["code", "name"]
    filter_horizontal = ["plans"]
    actions = ["archive", "make_retention"]
    readonly_fields = [
        "page",
        "is_retention",
        "stripe_coupon_id",
        "stripe_promotion_code_id",
        "archived_at",
    ]

    def get_queryset(self, request):
        # A retention offer is taken up in the portal, so it counts the subscriptions whose
        # discount it is; any other offer, those bought with it.
        return (
            super()
            .get_queryset(request)
            .annotate(
                redemption_count=Count("subscriptions", distinct=True),
                retained_count=Count("discounted_subscriptions", distinct=True),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [*TERMS, *self.readonly_fields]
        return []

    def get_fields(self, request, obj=None):
        fields = ["name", "description", *TERMS]
        return fields + self.readonly_fields if obj is not None else fields

    @admin.display(description="Terms")
    def terms(self, obj):
        return obj.terms()

    @admin.display(description="Redemptions", ordering="redemption_count")
    def redemptions(self, obj):
        if obj.is_retention:
            return f"{obj.retained_count} kept"
        limit = f" of {obj.max_redemptions}" if obj.max_redemptions else ""
        return f"{obj.redemption_count}{limit}"

    @admin.display(description="State")
    def state(self, obj):
        if obj.archived_at:
            return "Archived"
        now = timezone.now()
        if obj.starts_at > now:
            return "Not started"
        return "Ended" if obj.ends_at and obj.ends_at <= now else "Live"

    @admin.display(description="Page")
    def page(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_absolute_url())

    @admin.action(description="Offer the selected offer to subscribers who cancel")
    def make_retention(self, request, queryset):
        offers = list(queryset)
        if len(offers) != 1:
            messages.error(request, "Choose one offer: subscribers who cancel are shown one.")
            return
        (offer,) = offers
        closed = not offer.is_retention and refusal(offer)
        if offer.is_trial or not offer.stripe_coupon_id or closed:
            messages.error(
                request,
                f"{offer.code} cannot be the retention offer: it must be a live discount "
                "(percent or amount off), not a trial.",
            )
            return
        with transaction.atomic():
            Offer.objects.filter(is_retention=True).update(is_retention=False)
            Offer.objects.filter(pk=offer.pk).update(is_retention=True)
        messages.success(
            request,
            f"{offer.code} ({offer.terms()}) is now offered to subscribers who cancel.",
        )

    @admin.action(description="Archive the selected offers (switches their codes off)")
    def archive(self, request, queryset):
        done = 0
        for offer in queryset.filter(archived_at__isnull=True):
            try:
                services.archive_offer(offer=offer)
            except UNAVAILABLE:
                messages.error(request, f"Stripe did not answer; {offer.code} is still live.")
                continue
            done += 1
        if done:
            messages.success(request, f"{done} offer(s) archived; their codes no longer work.")
