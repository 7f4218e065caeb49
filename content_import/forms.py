from django import forms
from django.conf import settings

from articles.models import Author, Section

from .bundle import Bundle, check_size
from .models import Source
from .records import BadExport


class UploadForm(forms.Form):
    source = forms.ChoiceField(choices=Source.choices, label="Exported from")
    export = forms.FileField(
        label="Export file",
        help_text="Ghost: the .json file (or a zip of it with its content/images folder). "
        "Substack: the export zip.",
    )
    section = forms.ModelChoiceField(
        queryset=Section.objects.all(), help_text="Every imported story goes into this section."
    )
    author = forms.ModelChoiceField(
        queryset=Author.objects.all(),
        required=False,
        help_text="The byline of stories whose export names no author (Substack's).",
    )

    def clean_export(self):
        upload = self.cleaned_data["export"]
        try:
            # Before reading it: a huge upload is refused without being held in memory.
            check_size(upload.size)
            self.bundle = Bundle.from_bytes(upload.read(), upload.name)
        except BadExport as error:
            raise forms.ValidationError(str(error)) from error
        return upload

    @property
    def max_megabytes(self) -> int:
        return settings.CONTENT_IMPORT_MAX_BYTES // 1_000_000
