"""Stripe events in the admin: processed, failed and pending, with what went wrong, and a way
to retry them (the list's action, or the Retry button on an event's page).

Retrying needs the "Can retry a Stripe event" permission and is written to the audit log.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from desk import audit
from newsroom.view_only_admin import ViewOnlyAdmin

from . import events
from .models import StripeEvent
from .tasks import ensure_processing


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("pending", "Pending"), ("failed", "Failed"), ("processed", "Processed")]

    def queryset(self, request, queryset):
        value = self.value()
        if value in ("pending", "failed", "processed"):
            return getattr(queryset, value)()
        return queryset


@admin.register(StripeEvent)
class StripeEventAdmin(ViewOnlyAdmin):
    list_display = ["event_id", "type", "status", "attempts", "received_at", "short_error"]
    list_filter = [StatusFilter, "type"]
    search_fields = ["event_id"]
    ordering = ["-received_at"]
    fields = readonly_fields = (
        "event_id",
        "type",
        "status",
        "received_at",
        "processed_at",
        "gave_up_at",
        "attempts",
        "last_error",
        "next_attempt_at",
        "payload",
    )
    actions = ["retry_selected"]
    change_form_template = "admin/subscriptions/stripeevent/change_form.html"

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("subscriptions.retry_stripeevent")

    @admin.display(description="error")
    def short_error(self, obj: StripeEvent) -> str:
        return obj.last_error[:120]

    @admin.display(description="status")
    def status(self, obj: StripeEvent) -> str:
        return obj.status

    @admin.action(description="Retry the selected events", permissions=["retry"])
    def retry_selected(self, request, queryset) -> None:
        self._retry(request, queryset)

    def _retry(self, request, queryset) -> int:
        chosen = list(queryset.filter(processed_at__isnull=True).values_list("event_id", flat=True))
        retried = events.retry(StripeEvent.objects.filter(event_id__in=chosen))
        for event_id in chosen:
            audit.record(actor=request.user, action="stripe_event.retry", target=event_id)
        if retried:
            ensure_processing()
        self.message_user(request, f"Queued {retried} event(s) to be processed again.")
        skipped = queryset.filter(processed_at__isnull=False).count()
        if skipped:
            self.message_user(
                request, f"Left {skipped} event(s) that were processed already.", messages.WARNING
            )
        return retried

    def get_urls(self):
        retry_one = require_POST(self.admin_site.admin_view(self.retry_one))
        return [
            path("<int:pk>/retry/", retry_one, name="subscriptions_stripeevent_retry"),
            *super().get_urls(),
        ]

    def retry_one(self, request, pk: int):
        if not (self.has_view_permission(request) and self.has_retry_permission(request)):
            raise PermissionDenied
        event = get_object_or_404(StripeEvent, pk=pk)
        self._retry(request, StripeEvent.objects.filter(pk=event.pk))
        return HttpResponseRedirect(reverse("admin:subscriptions_stripeevent_change", args=[pk]))

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_retry"] = self.has_retry_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)
