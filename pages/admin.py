from django.contrib import admin

from articles.forms import body_field

from .models import Page


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "updated_at")
    fields = ("kind", "title", "body")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # The article body's editor and allow-list: one way to write HTML in the admin.
        if db_field.name == "body":
            field = body_field(may_place_paywall_break=False)
            field.required = True
            field.help_text = "What readers see under the title."
            return field
        return super().formfield_for_dbfield(db_field, request, **kwargs)
