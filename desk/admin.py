import functools

from django.contrib import admin
from django.http import HttpRequest

from newsroom.view_only_admin import ViewOnlyAdmin
from subscriptions.money import format_money

from .charts import line_chart, sample
from .models import AuditEntry
from .numbers import dashboard


@admin.register(AuditEntry)
class AuditEntryAdmin(ViewOnlyAdmin):
    """Read-only: nobody, superusers included, adds, edits or deletes audit entries."""

    list_display = ["at", "actor_label", "action", "target_label"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_label", "action"]
    date_hierarchy = "at"

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [f.name for f in self.model._meta.fields]


# ---------------------------------------------------------------- the dashboard
def dashboard_context() -> dict:
    """The figures and charts the admin's front page shows above the model list."""
    figures = dashboard()
    currency = figures["currency"]
    rows = figures["trends"]["rows"]
    figures["charts"] = [
        line_chart(
            slug="paying",
            title="Paying members, the last year",
            column="Paying members",
            series=sample([(day, paying) for day, paying, _mrr in rows]),
        ),
        line_chart(
            slug="mrr",
            title="Monthly recurring revenue, the last year",
            column="MRR",
            series=sample([(day, mrr) for day, _paying, mrr in rows]),
            shown=lambda amount: format_money(amount, currency),
        ),
    ]
    return {"dashboard": figures}


def with_dashboard(index):
    """The admin's front page, with the dashboard above the model list for those allowed it."""

    @functools.wraps(index)
    def front_page(request: HttpRequest, extra_context=None):
        if request.user.has_perm("desk.view_dashboard"):
            extra_context = {**(extra_context or {}), **dashboard_context()}
        return index(request, extra_context)

    return front_page


admin.site.index = with_dashboard(admin.site.index)  # type: ignore[method-assign]


from . import import_admin, member_admin  # noqa: E402, F401  (they register their admins)
