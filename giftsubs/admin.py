import stripe
from django.contrib import admin, messages

from subscriptions.stripe_client import UNAVAILABLE

from . import services
from .models import Gift


@admin.register(Gift)
class GiftAdmin(admin.ModelAdmin):
    list_display = [
        "recipient_email",
        "months",
        "state",
        "deliver_on",
        "delivered_at",
        "redeemed_by",
        "access_ends",
        "buyer_email",
        "source",
        "created_at",
    ]
    list_filter = ["state", "months", "source"]
    search_fields = ["recipient_email", "buyer_email", "checkout_session_id", "payment_intent_id"]
    actions = ["refund_and_revoke"]
    # Everything on a gift comes from Stripe or from the reader: read it here, change it by
    # its flows (refund below) only.
    readonly_fields = [field.name for field in Gift._meta.fields if field.name != "token"]
    exclude = ["token"]  # the redeem link is the recipient's alone

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Refund and revoke (unredeemed gifts only)", permissions=["change"])
    def refund_and_revoke(self, request, queryset):
        for gift in queryset:
            try:
                services.refund(gift_id=gift.pk, actor=request.user)
            except services.NotRefundable as refused:
                self.message_user(request, f"{gift}: {refused}", messages.ERROR)
            except UNAVAILABLE:
                self.message_user(
                    request, f"{gift}: Stripe did not answer; nothing changed.", messages.ERROR
                )
            except stripe.StripeError as error:
                self.message_user(
                    request,
                    f"{gift}: Stripe refused the refund ({error.user_message or error}).",
                    messages.ERROR,
                )
            else:
                self.message_user(request, f"Refunded and revoked: {gift}.", messages.SUCCESS)
