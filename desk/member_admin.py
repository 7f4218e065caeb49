"""The members list in the admin: readers with their status, plan, newsletters and origin,
filters on each, search by email or name, and the CSV export of what the filters select."""

import functools

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseNotAllowed
from django.urls import path

from newsletters.models import Newsletter
from newsroom.view_only_admin import ViewOnlyAdmin
from subscriptions.entitlements import MemberStatus
from subscriptions.models import Plan

from . import export, member_page
from .members import ORIGIN_LABELS, ORIGINS, STATUS_LABELS, members, on_plan, receiving
from .members import with_newsletters as prefetch_newsletters
from .models import Member


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return MemberStatus.choices

    def queryset(self, request, queryset):
        if self.value() in MemberStatus.values:
            return queryset.filter(member_status=self.value())
        return queryset


class PlanFilter(admin.SimpleListFilter):
    title = "plan"
    parameter_name = "plan"

    def lookups(self, request, model_admin):
        return [(str(plan.pk), plan.name) for plan in Plan.objects.all()]

    def queryset(self, request, queryset):
        value = self.value() or ""
        if value.isdigit():
            return queryset.filter(on_plan(int(value)))
        return queryset


class NewsletterFilter(admin.SimpleListFilter):
    title = "newsletter"
    parameter_name = "newsletter"

    def lookups(self, request, model_admin):
        return [(str(n.pk), n.name) for n in Newsletter.objects.all()]

    def queryset(self, request, queryset):
        value = self.value() or ""
        if value.isdigit():
            return queryset.filter(receiving(int(value)))
        return queryset


class OriginFilter(admin.SimpleListFilter):
    title = "signed up from"
    parameter_name = "origin"

    def lookups(self, request, model_admin):
        return ORIGINS

    def queryset(self, request, queryset):
        if self.value() in ORIGIN_LABELS:
            return queryset.filter(origin=self.value())
        return queryset


@admin.register(Member)
class MemberAdmin(ViewOnlyAdmin):
    # Never deleted here: readers delete their own accounts (which cancels their billing first).
    list_display = ["email", "name", "status", "plan", "member_since", "newsletters", "signed_up"]
    list_filter = [
        StatusFilter,
        PlanFilter,
        NewsletterFilter,
        OriginFilter,
        ("date_joined", admin.DateFieldListFilter),
    ]
    search_fields = ["email", "name"]
    ordering = ["-date_joined", "-id"]
    list_per_page = 50
    change_list_template = "admin/desk/member/change_list.html"
    fields = ["email", "name", "date_joined", "last_login", "is_active"]

    def get_queryset(self, request: HttpRequest):
        return prefetch_newsletters(members())

    @admin.display(description="status", ordering="member_status")
    def status(self, obj) -> str:
        return STATUS_LABELS.get(obj.member_status, obj.member_status)

    @admin.display(description="plan", ordering="plan_name")
    def plan(self, obj) -> str:
        return obj.plan_name or "—"

    @admin.display(description="member since", ordering="date_joined")
    def member_since(self, obj):
        return obj.date_joined

    @admin.display(description="newsletters")
    def newsletters(self, obj) -> str:
        names = [row.newsletter.name for row in obj.current_newsletters]
        return ", ".join(names) or "—"

    @admin.display(description="signed up from", ordering="origin")
    def signed_up(self, obj) -> str:
        return ORIGIN_LABELS.get(obj.origin, obj.origin)

    def get_urls(self):
        wrap = self.admin_site.admin_view

        def page(view):
            return wrap(functools.partial(view, self.admin_site))

        return [
            path("export/", wrap(self.export_view), name="desk_member_export"),
            path("<int:member_id>/comp/", page(member_page.comp_view), name="desk_member_comp"),
            path(
                "<int:member_id>/extend/", page(member_page.extend_view), name="desk_member_extend"
            ),
            path(
                "<int:member_id>/cancel/", page(member_page.cancel_view), name="desk_member_cancel"
            ),
            path(
                "<int:member_id>/refund/", page(member_page.refund_view), name="desk_member_refund"
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if not (str(object_id).isdigit() and len(str(object_id)) <= 18):
            raise Http404
        return member_page.member_page(self.admin_site, request, int(object_id))

    def export_view(self, request: HttpRequest):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET"])
        if not request.user.has_perm("desk.export_members"):
            raise PermissionDenied
        # The list's own filters and search select the rows: what the publisher sees is
        # what they get.
        changelist = self.get_changelist_instance(request)
        return export.members_csv(
            request=request, queryset=changelist.queryset, rows=changelist.result_count
        )
