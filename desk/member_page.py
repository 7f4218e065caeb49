"""A member's page in the admin, and the publisher's actions on it: comp, extend a comp,
cancel the subscription, refund the last invoice. Each action asks for confirmation first,
needs its own permission, and writes the audit log."""

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from emails.models import SentEmail
from newsletters.models import Delivery
from subscriptions import services
from subscriptions.models import LIVE, ComplimentaryAccess, Subscription
from subscriptions.money import format_money
from subscriptions.stripe_client import UNAVAILABLE

from .audit import record
from .members import ORIGIN_LABELS, STATUS_LABELS, members, with_newsletters
from .models import Member, MemberNote

EMAILS_SHOWN = 50
STRIPE_DOWN = "Stripe did not answer, so nothing changed. Try again in a minute."


def _member(member_id: int) -> Any:
    """The member with the list's annotations (member_status, plan_name, origin)."""
    return get_object_or_404(with_newsletters(members()), pk=member_id)


def _context(admin_site, request: HttpRequest, member: Any, title: str) -> dict:
    return {
        **admin_site.each_context(request),
        "title": title,
        "member": member,
        "opts": Member._meta,
        "status_label": STATUS_LABELS.get(member.member_status, member.member_status),
    }


def _emails(member: Member) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = [
        {"at": row.sent_at, "subject": row.subject, "kind": "Email"}
        for row in SentEmail.objects.filter(address=member.email.lower())[:EMAILS_SHOWN]
    ]
    newsletters: list[dict[str, Any]] = [
        {
            "at": row.sent_at,
            "subject": row.article.headline,
            "kind": f"{row.newsletter.name} ({row.get_state_display().lower()})",
        }
        for row in Delivery.objects.filter(user=member, sent_at__isnull=False)
        .select_related("newsletter", "article")
        .order_by("-sent_at")[:EMAILS_SHOWN]
    ]
    return sorted(sent + newsletters, key=lambda e: e["at"], reverse=True)[:EMAILS_SHOWN]


def member_page(admin_site, request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(member_id)
    context = _context(admin_site, request, member, member.email)
    try:
        invoices = services.member_invoices(user=member)
        stripe_error = ""
    except UNAVAILABLE:
        invoices, stripe_error = [], "Stripe did not answer; the invoices are not shown."
    user = request.user
    context.update(
        origin=ORIGIN_LABELS.get(member.origin, member.origin),
        note=MemberNote.objects.filter(user=member).first(),
        subscriptions=Subscription.objects.filter(user=member).select_related("plan", "offer"),
        comps=ComplimentaryAccess.objects.filter(user=member).select_related("granted_by"),
        current_comp=ComplimentaryAccess.objects.current().filter(user=member).first(),
        live=Subscription.objects.filter(user=member, status__in=LIVE).first(),
        invoices=[(i, format_money(i.amount_paid or i.amount_due, i.currency)) for i in invoices],
        stripe_error=stripe_error,
        emails=_emails(member),
        may_comp=user.has_perm("desk.comp_member"),
        may_cancel=user.has_perm("desk.cancel_member_subscription"),
        may_refund=user.has_perm("desk.refund_member"),
    )
    return TemplateResponse(request, "admin/desk/member/detail.html", context)


# ---------------------------------------------------------------- comp and extend


class CompForm(forms.Form):
    reason = forms.CharField(max_length=255, help_text="Why: press, a contributor, an apology.")
    until = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The last day of access. Leave empty for access that does not expire.",
    )

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until is not None and until < timezone.localdate():
            raise forms.ValidationError("Choose today or a day after it.")
        return until


class ExtendForm(forms.Form):
    until = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), help_text="The new last day of access."
    )


def _end_of(day) -> datetime:
    """Access lasts through the whole of its last day, in the newsroom's time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def comp_view(admin_site, request: HttpRequest, member_id: int) -> HttpResponse:
    if not request.user.has_perm("desk.comp_member"):
        raise PermissionDenied
    member = _member(member_id)
    form = CompForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        until = form.cleaned_data["until"]
        comp = ComplimentaryAccess.objects.create(
            user=member,
            reason=form.cleaned_data["reason"],
            expires_at=_end_of(until) if until else None,
            granted_by=request.user if request.user.is_authenticated else None,
        )
        record(
            actor=request.user,
            action="comp",
            target=member.email,
            reason=comp.reason,
            until=until.isoformat() if until else "",
        )
        messages.success(request, f"{member.email} has complimentary access.")
        return redirect("admin:desk_member_change", member.pk)
    context = _context(admin_site, request, member, f"Give {member.email} complimentary access")
    context.update(form=form, action="comp")
    status = 400 if form.errors else 200
    return TemplateResponse(request, "admin/desk/member/action.html", context, status=status)


def extend_view(admin_site, request: HttpRequest, member_id: int) -> HttpResponse:
    if not request.user.has_perm("desk.comp_member"):
        raise PermissionDenied
    member = _member(member_id)
    comp = ComplimentaryAccess.objects.current().filter(user=member).first()
    context = _context(admin_site, request, member, f"Extend {member.email}'s complimentary access")
    if comp is None or comp.expires_at is None:
        context.update(refusal="There is no complimentary access with an end to extend.")
        return TemplateResponse(request, "admin/desk/member/action.html", context, status=409)
    form = ExtendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new_end = _end_of(form.cleaned_data["until"])
        if new_end <= comp.expires_at:
            form.add_error("until", "Choose a day after the access ends now.")
        else:
            was = comp.expires_at
            ComplimentaryAccess.objects.filter(pk=comp.pk).update(expires_at=new_end)
            record(
                actor=request.user,
                action="extend_comp",
                target=member.email,
                was=was.isoformat(),
                until=new_end.isoformat(),
            )
            messages.success(request, f"{member.email}'s complimentary access was extended.")
            return redirect("admin:desk_member_change", member.pk)
    context.update(form=form, action="extend", comp=comp)
    status = 400 if form.errors else 200
    return TemplateResponse(request, "admin/desk/member/action.html", context, status=status)


# ---------------------------------------------------------------- cancel and refund


def cancel_view(admin_site, request: HttpRequest, member_id: int) -> HttpResponse:
    if not request.user.has_perm("desk.cancel_member_subscription"):
        raise PermissionDenied
    member = _member(member_id)
    live = Subscription.objects.filter(user=member, status__in=LIVE).select_related("plan").first()
    context = _context(admin_site, request, member, f"Cancel {member.email}'s subscription")
    if live is None:
        context.update(refusal="This member has no subscription to cancel.")
        return TemplateResponse(request, "admin/desk/member/action.html", context, status=409)
    context.update(action="cancel", subscription=live)
    when = request.POST.get("when")
    if request.method == "POST" and when in ("period_end", "now"):
        try:
            stored = services.cancel_member_subscription(
                subscription=live, at_period_end=when == "period_end"
            )
        except UNAVAILABLE:
            messages.error(request, STRIPE_DOWN)
            return TemplateResponse(request, "admin/desk/member/action.html", context, status=503)
        record(
            actor=request.user,
            action="cancel",
            target=member.email,
            subscription=live.stripe_id,
            when=when,
        )
        ended = stored is not None and stored.status not in LIVE
        messages.success(
            request,
            "The subscription is cancelled; access has ended."
            if ended
            else "The subscription will end when the paid period does; access lasts until then.",
        )
        return redirect("admin:desk_member_change", member.pk)
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "admin/desk/member/action.html", context, status=status)


def refund_view(admin_site, request: HttpRequest, member_id: int) -> HttpResponse:
    if not request.user.has_perm("desk.refund_member"):
        raise PermissionDenied
    member = _member(member_id)
    context = _context(admin_site, request, member, f"Refund {member.email}'s last invoice")
    try:
        invoice = services.last_paid_invoice(user=member)
    except UNAVAILABLE:
        context.update(refusal=STRIPE_DOWN)
        return TemplateResponse(request, "admin/desk/member/action.html", context, status=503)
    if invoice is None:
        context.update(refusal="This member has no paid invoice to refund.")
        return TemplateResponse(request, "admin/desk/member/action.html", context, status=409)
    amount = format_money(invoice.amount_paid, invoice.currency)
    context.update(action="refund", invoice=invoice, amount=amount)
    if request.method == "POST":
        try:
            refund = services.refund_last_invoice(
                user=member, invoice_id=request.POST.get("invoice", "")
            )
        except services.NothingToRefund:
            messages.error(request, "That invoice is no longer the last one paid; nothing done.")
            return redirect("admin:desk_member_refund", member.pk)
        except services.AlreadyRefunded:
            messages.error(request, "Stripe says that payment was refunded already.")
            return redirect("admin:desk_member_change", member.pk)
        except UNAVAILABLE:
            messages.error(request, STRIPE_DOWN)
            return TemplateResponse(request, "admin/desk/member/action.html", context, status=503)
        record(
            actor=request.user,
            action="refund",
            target=member.email,
            invoice=refund.invoice_id,
            refund=refund.id,
            amount=refund.amount,
            currency=refund.currency,
        )
        messages.success(request, f"Refunded {amount} of invoice {invoice.number or invoice.id}.")
        return redirect("admin:desk_member_change", member.pk)
    return TemplateResponse(request, "admin/desk/member/action.html", context)
