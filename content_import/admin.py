"""Content imports in the admin: upload an export, read its dry run, confirm, watch it run."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from . import services
from .forms import UploadForm
from .models import ContentImport
from .records import BadExport

PERMISSION = "content_import.run_content_import"
VERB_ORDER = ["create", "update", "unchanged", "skip"]


@admin.register(ContentImport)
class ContentImportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "section", "state", "progress", "created_by", "created_at"]
    list_filter = ["source", "state"]
    list_select_related = ["section", "author", "created_by"]

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm(PERMISSION)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PERMISSION)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PERMISSION)

    @admin.display(description="Posts imported")
    def progress(self, obj: ContentImport) -> str:
        return f"{obj.posts_done} of {obj.posts_total}"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/confirm/",
                wrap(require_POST(self.confirm_view)),
                name="content_import_contentimport_confirm",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    content_import = services.prepare_import(
                        source=form.cleaned_data["source"],
                        bundle=form.bundle,
                        filename=form.cleaned_data["export"].name,
                        section=form.cleaned_data["section"],
                        author=form.cleaned_data["author"],
                        actor=request.user,
                    )
                except BadExport as error:
                    form.add_error("export", str(error))
                else:
                    return HttpResponseRedirect(
                        reverse(
                            "admin:content_import_contentimport_change", args=[content_import.pk]
                        )
                    )
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import stories",
            "form": form,
        }
        return TemplateResponse(request, "admin/content_import/upload.html", context, status=status)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        # get_object() answers None for an id that is not one (say, 5,000 digits long).
        content_import = self.get_object(request, object_id)
        if content_import is None:
            raise Http404("No such import.")
        groups = {verb: [] for verb in VERB_ORDER}
        for action in content_import.plan:
            groups.setdefault(action["verb"], []).append(action)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": str(content_import),
            "content_import": content_import,
            "groups": [(verb, rows) for verb, rows in groups.items() if rows],
            "totals": sorted(content_import.totals.items()),
            "result": sorted(content_import.result.items()),
            "confirmable": content_import.state
            in (ContentImport.State.PLANNED, ContentImport.State.FAILED),
        }
        return TemplateResponse(request, "admin/content_import/review.html", context)

    def confirm_view(self, request, pk: int):
        if not self.has_add_permission(request):
            raise PermissionDenied
        content_import = get_object_or_404(ContentImport, pk=pk)
        try:
            services.confirm_import(content_import=content_import, actor=request.user)
        except services.NotConfirmable as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, "The import has started. This page shows its progress; reload it."
            )
        return HttpResponseRedirect(reverse("admin:content_import_contentimport_change", args=[pk]))
