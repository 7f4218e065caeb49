"""Importing members in the admin: upload, read the dry run, confirm, watch the progress."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path

from . import import_csv, import_run
from .audit import record
from .models import MemberImport

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
PAGE = "admin/desk/memberimport/detail.html"
UPLOAD = "admin/desk/memberimport/upload.html"


class UploadForm(forms.Form):
    source = forms.ChoiceField(
        choices=MemberImport.Source.choices, widget=forms.RadioSelect, label="Exported from"
    )
    file = forms.FileField(label="CSV file", help_text="Up to 50 MB (about 200,000 members).")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("This file is larger than 50 MB.")
        return upload


@admin.register(MemberImport)
class MemberImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "source", "state", "total", "done", "created_by", "created_at"]
    list_filter = ["source", "state"]

    def _may(self, request: HttpRequest) -> bool:
        return request.user.has_perm("desk.import_members")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._may(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:import_id>/confirm/", wrap(self.confirm_view), name="desk_import_confirm"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if not self._may(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        context = {
            **self.admin_site.each_context(request),
            "title": "Import members",
            "form": form,
            "opts": self.model._meta,
        }
        if request.method != "POST":
            return TemplateResponse(request, UPLOAD, context)
        if not form.is_valid():
            return TemplateResponse(request, UPLOAD, context, status=400)
        upload, source = form.cleaned_data["file"], form.cleaned_data["source"]
        try:
            parsed = import_csv.inspect(upload.read(), source)
        except import_csv.Unreadable as refusal:
            form.add_error("file", str(refusal))
            return TemplateResponse(request, UPLOAD, context, status=400)
        job = MemberImport(
            source=source,
            filename=upload.name[:255],
            text=parsed.text,
            delimiter=parsed.delimiter,
            encoding=parsed.encoding,
            created_by=request.user,
        )
        import_run.dry_run(job)
        job.report["unknown_columns"] = parsed.unknown_columns
        job.save()
        return redirect("admin:desk_memberimport_change", job.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self._may(request):
            raise PermissionDenied
        if not (str(object_id).isdigit() and len(str(object_id)) <= 18):
            return super().change_view(request, object_id, form_url, extra_context)
        job = get_object_or_404(MemberImport, pk=unquote(object_id))
        context = {
            **self.admin_site.each_context(request),
            "title": str(job),
            "job": job,
            "report": job.report,
            "opts": self.model._meta,
            "running": job.state in (MemberImport.State.QUEUED, MemberImport.State.RUNNING),
        }
        return TemplateResponse(request, PAGE, context)

    def confirm_view(self, request: HttpRequest, import_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self._may(request):
            raise PermissionDenied
        with transaction.atomic():
            job = get_object_or_404(MemberImport.objects.select_for_update(), pk=import_id)
            if job.state != MemberImport.State.CHECKED:
                messages.info(request, "This import was confirmed already.")
                return redirect("admin:desk_memberimport_change", job.pk)
            import_run.start(job)
            record(
                actor=request.user,
                action="import",
                target=job.filename,
                source=job.source,
                rows=job.total,
                planned=job.report.get("counts", {}),
            )
        messages.success(request, f"Importing {job.total:,} rows in the background.")
        return redirect("admin:desk_memberimport_change", job.pk)
