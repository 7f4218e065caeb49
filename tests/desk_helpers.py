"""Members for the publisher's desk tests: readers in each status, and staff who may act."""

from datetime import timedelta

from django.contrib.auth.models import Permission
from django.utils import timezone

from subscriptions.models import ComplimentaryAccess
from tests.stripe_helpers import store_subscription
from tests.users import verified_user

MEMBER_PERMISSIONS = [
    "view_member",
    "comp_member",
    "cancel_member_subscription",
    "refund_member",
    "export_members",
    "import_members",
]


def desk_staff(email: str = "publisher-desk@example.com", *, codenames=MEMBER_PERMISSIONS):
    """Staff holding the desk's member permissions (and nothing else)."""
    user = verified_user(email, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="desk", codename__in=codenames)
    )
    return user


def member_in(status: str, email: str, **subscription):
    """A reader whose rows put them in `status` (a MemberStatus value)."""
    user = verified_user(email)
    if status == "paying":
        store_subscription(user, status="active", **subscription)
    elif status == "trial":
        store_subscription(user, status="trialing", **subscription)
    elif status == "past_due":
        store_subscription(user, status="past_due", **subscription)
    elif status == "complimentary":
        ComplimentaryAccess.objects.create(
            user=user, reason="Press", expires_at=timezone.now() + timedelta(days=30)
        )
    elif status == "cancelled":
        store_subscription(user, status="canceled", ended_at=timezone.now(), **subscription)
    return user
