"""Flows that span models or call Stripe. Keyword-only, typed; one module per flow.

Every change to a stored subscription goes through `sync.apply_subscription`, fed with what
Stripe says *now* (`sync_subscription` re-fetches it): the webhook, the success page, the seed
and the reconciliation all use it, so whatever order events arrive in, the last sync wins with
Stripe's current state.

Callers import from `subscriptions.services`; the modules are:

- `customers`: Stripe customers and the per-customer lease that serialises their changes.
- `sync`: storing Stripe's state of a subscription: every change goes through `apply_subscription`.
- `duplicates`: two tabs, two subscriptions: keep the first, cancel and refund the second.
- `checkout`: checkout and the Customer Portal: starting a session, and completing it on return.
- `deletion`: when a reader deletes their account: their subscriptions and Stripe customer go too.
- `notices`: billing emails a reader is sent once per invoice or subscription event.
- `offers`: offers at Stripe: the coupon and promotion code behind each offer.
- `members`: the publisher's actions on a member's billing: invoices, cancel, refund.
"""

from .checkout import (
    CheckoutNotFound,
    CheckoutNotPaid,
    cancel_url,
    complete_checkout,
    fetch_checkout_session,
    portal_url,
    retention_offer_for,
    start_checkout,
)
from .customers import (
    LOCK_POLL_SECONDS,
    CustomerBusy,
    customer_lock,
    ensure_customer,
    idempotency_key,
    is_missing,
    link_if_unlinked,
    lock_for,
    to_datetime,
    user_for_customer,
)
from .deletion import (
    CancellationIncomplete,
    cancel_subscriptions_for_deleted_user,
    delete_stripe_customer,
    describe_subscription,
)
from .duplicates import (
    duplicate_message,
    end_duplicate_subscriptions,
)
from .members import (
    AlreadyRefunded,
    Invoice,
    NothingToRefund,
    Refund,
    cancel_member_subscription,
    dashboard_url,
    last_paid_invoice,
    member_invoices,
    refund_last_invoice,
)
from .notices import (
    notify_payment_action_required,
    notify_payment_failed,
    notify_trial_ending,
)
from .offers import (
    archive_offer,
    create_offer_at_stripe,
)
from .sync import (
    MISSING,
    apply_subscription,
    fetch_subscription,
    live_at_stripe,
    live_subscription,
    live_subscription_anywhere,
    mark_canceled,
    record_payment,
    store_fetched,
    sync_subscription,
)

__all__ = [
    "AlreadyRefunded",
    "Invoice",
    "NothingToRefund",
    "Refund",
    "cancel_member_subscription",
    "dashboard_url",
    "last_paid_invoice",
    "member_invoices",
    "refund_last_invoice",
    "CancellationIncomplete",
    "CheckoutNotFound",
    "CheckoutNotPaid",
    "CustomerBusy",
    "LOCK_POLL_SECONDS",
    "MISSING",
    "apply_subscription",
    "archive_offer",
    "cancel_url",
    "cancel_subscriptions_for_deleted_user",
    "complete_checkout",
    "create_offer_at_stripe",
    "customer_lock",
    "delete_stripe_customer",
    "describe_subscription",
    "duplicate_message",
    "end_duplicate_subscriptions",
    "ensure_customer",
    "fetch_checkout_session",
    "fetch_subscription",
    "idempotency_key",
    "is_missing",
    "link_if_unlinked",
    "live_at_stripe",
    "live_subscription",
    "live_subscription_anywhere",
    "lock_for",
    "mark_canceled",
    "notify_payment_action_required",
    "notify_payment_failed",
    "notify_trial_ending",
    "record_payment",
    "retention_offer_for",
    "portal_url",
    "start_checkout",
    "store_fetched",
    "sync_subscription",
    "to_datetime",
    "user_for_customer",
]
