"""Offers at Stripe: the coupon and promotion code behind each offer."""

import logging

from django.utils import timezone
from stripe.params import CouponCreateParams, PromotionCodeCreateParams

from ..models import (
    Offer,
    Plan,
)
from ..stripe_client import get_client

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- offers
def create_offer_at_stripe(*, offer: Offer, plans: list[Plan]) -> None:
    """Make the offer's coupon and promotion code at Stripe and note their ids on `offer`.

    Called before the offer is saved, so an offer never exists without its code.
    """
    coupon: CouponCreateParams = {
        "duration": offer.duration,
        "name": offer.name[:40],
        "metadata": {"offer": offer.code},
    }
    if offer.kind == Offer.Kind.PERCENT:
        coupon["percent_off"] = offer.percent_off or 0
    else:
        coupon["amount_off"] = offer.amount_off or 0
        coupon["currency"] = offer.currency
    if offer.duration == Offer.Duration.REPEATING:
        coupon["duration_in_months"] = offer.duration_in_months or 1
    products = sorted({plan.stripe_product_id for plan in plans if plan.stripe_product_id})
    if products:
        coupon["applies_to"] = {"products": products}
    if offer.max_redemptions:
        coupon["max_redemptions"] = offer.max_redemptions
    if offer.ends_at:
        coupon["redeem_by"] = int(offer.ends_at.timestamp())
    client = get_client()
    made = client.v1.coupons.create(params=coupon)
    promotion: PromotionCodeCreateParams = {
        "code": offer.code,
        "metadata": {"offer": offer.code},
        "promotion": {"type": "coupon", "coupon": made.id},
    }
    if offer.max_redemptions:
        promotion["max_redemptions"] = offer.max_redemptions
    if offer.ends_at:
        promotion["expires_at"] = int(offer.ends_at.timestamp())
    code = client.v1.promotion_codes.create(params=promotion)
    offer.stripe_coupon_id, offer.stripe_promotion_code_id = made.id, code.id


def archive_offer(*, offer: Offer) -> None:
    """Switch the offer's code off at Stripe, then mark it archived here."""
    if offer.archived_at is not None:
        return
    if offer.stripe_promotion_code_id:
        get_client().v1.promotion_codes.update(
            offer.stripe_promotion_code_id, params={"active": False}
        )
    offer.archived_at = timezone.now()
    offer.save(update_fields=["archived_at"])
