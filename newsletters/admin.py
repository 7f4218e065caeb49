from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path

from articles.models import Article
from newsroom.view_only_admin import ViewOnlyAdmin

from . import delivery, sending
from .models import ConsentEvent, Delivery, Newsletter, NewsletterSubscription, Segment, Send


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    list_display = ["name", "sender_name", "default_for_new_members", "order"]
    list_editable = ["order"]


class ConsentEventInline(admin.TabularInline):
    model = ConsentEvent
    fk_name = "user"
    extra = 0
    can_delete = False
    readonly_fields = ("at", "newsletter", "action", "source")
    fields = readonly_fields
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


class ComposeForm(forms.Form):
    newsletter = forms.ModelChoiceField(queryset=Newsletter.objects.all(), empty_label=None)
    segment = forms.ChoiceField(
        choices=Segment.choices, widget=forms.RadioSelect, initial=Segment.EVERYONE
    )


@admin.register(Send)
class SendAdmin(ViewOnlyAdmin):
    """Sends are made from an article ("Email this story") and watched and steered here."""

    list_display = ["article", "newsletter", "segment", "state", "created_at", "created_by"]
    list_filter = ["state", "newsletter"]
    list_select_related = ["article", "newsletter", "created_by"]
    change_form_template = "admin/newsletters/send/detail.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("compose/<int:article_id>/", wrap(self.compose_view), name="newsletters_compose"),
            path("<int:send_id>/control/", wrap(self.control_view), name="newsletters_control"),
            *super().get_urls(),
        ]

    # -- composing: choose, see who gets what, test, confirm --

    def compose_view(self, request, article_id: int):
        if not request.user.has_perm("newsletters.send_newsletter"):
            raise PermissionDenied
        article = get_object_or_404(Article, pk=article_id)
        form = ComposeForm(request.POST or None)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Email “{article.headline}”",
            "article": article,
            "form": form,
            "opts": self.model._meta,
        }
        status = 200
        try:
            sending.ensure_published(article)
        except sending.NotSendable as refusal:
            context["refusal"] = str(refusal)
            return TemplateResponse(request, COMPOSE, context, status=400 if form.data else 200)
        if request.method != "POST":
            return TemplateResponse(request, COMPOSE, context)
        if not form.is_valid():
            return TemplateResponse(request, COMPOSE, context, status=400)
        newsletter, segment = form.cleaned_data["newsletter"], form.cleaned_data["segment"]
        planned = sending.plan(article=article, newsletter=newsletter, segment=segment)
        context.update(plan=planned, newsletter=newsletter, segment=segment)
        action = request.POST.get("action")
        if action == "test":
            sending.send_test(article=article, newsletter=newsletter, user=request.user)
            messages.success(
                request,
                f"Two test emails are on their way to {request.user.email}: the whole story "
                "and the preview with the Subscribe button. Nobody else was sent anything.",
            )
        elif action == "send":
            if request.POST.get("reviewed") != planned_key(planned):
                messages.warning(
                    request,
                    "The numbers changed since you looked (members joined, left or paid). "
                    "Check them and confirm again; nothing was sent.",
                )
                status = 409
            else:
                try:
                    send = sending.start_send(
                        article=article, newsletter=newsletter, segment=segment, by=request.user
                    )
                except sending.NotSendable as refusal:
                    messages.error(request, str(refusal))
                    status = 400
                else:
                    messages.success(request, f"Sending to {planned.total:,} members.")
                    return redirect("admin:newsletters_send_change", send.pk)
        context["reviewed"] = planned_key(planned)
        return TemplateResponse(request, COMPOSE, context, status=status)

    # -- watching and steering a send --

    def change_view(self, request, object_id, form_url="", extra_context=None):
        send = self.get_object(request, unquote(object_id))
        if send is None or not self.has_view_permission(request, send):
            return super().change_view(request, object_id, form_url, extra_context)
        counts = delivery.progress(send)
        reports = delivery.provider_reports(send)
        problems = list(
            Delivery.objects.filter(
                send=send, state__in=[Delivery.State.UNKNOWN, Delivery.State.FAILED]
            ).values("email", "state", "error")[:PROBLEMS_SHOWN]
        )
        context = {
            **self.admin_site.each_context(request),
            "title": str(send),
            "send": send,
            "counts": counts,
            "reports": reports,
            "tracking": settings.NEWSLETTER_TRACKING,
            "problems": problems,
            "can_steer": request.user.has_perm("newsletters.send_newsletter"),
            "opts": self.model._meta,
            "original": send,
        }
        return TemplateResponse(request, self.change_form_template, context)

    def control_view(self, request, send_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("newsletters.send_newsletter"):
            raise PermissionDenied
        send = get_object_or_404(Send, pk=send_id)
        action = request.POST.get("action")
        if action == "pause":
            done = sending.pause(send)
            text = "Paused: workers stop after the batch in hand."
        elif action == "resume":
            done = sending.resume(send)
            text = "Resumed: sending continues with the members not yet sent to."
        elif action == "cancel":
            left = sending.cancel(send)
            done = left is not None
            text = f"Cancelled: {left or 0:,} members not yet sent to will not get it."
        else:
            done, text = False, ""
        if done:
            messages.success(request, text)
        else:
            messages.error(request, "That cannot be done to this send now; nothing changed.")
        return redirect("admin:newsletters_send_change", send.pk)


COMPOSE = "admin/newsletters/send/compose.html"
PROBLEMS_SHOWN = 100


def planned_key(planned: sending.Plan) -> str:
    return f"{planned.full}:{planned.preview}"
