"""The admin's "Task results" (django-tasks-db's own page), with a way to run failed tasks again.

A task that gave up (a send that failed every attempt, a task abandoned by dead workers) keeps
its arguments; once the cause is fixed, staff select it and run it again.
"""

from django.contrib import admin, messages
from django.core.exceptions import SuspiciousOperation
from django.tasks.base import TaskResultStatus
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from .tasks import ATTEMPT_KWARG

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    actions = ["run_again"]

    @admin.action(description="Run the selected failed tasks again")
    def run_again(self, request, queryset) -> None:
        queued = 0
        for row in queryset.filter(status=TaskResultStatus.FAILED):
            try:
                task = row.task
            except (ImportError, SuspiciousOperation):
                self.message_user(
                    request, f"{row.task_path} no longer exists; not run.", messages.ERROR
                )
                continue
            kwargs = {k: v for k, v in row.args_kwargs["kwargs"].items() if k != ATTEMPT_KWARG}
            # A fresh run: a retried task starts again from its first attempt.
            task.enqueue(*row.args_kwargs["args"], **kwargs)
            queued += 1
        self.message_user(request, f"Queued {queued} failed task(s) to run again.")
        skipped = queryset.exclude(status=TaskResultStatus.FAILED).count()
        if skipped:
            self.message_user(
                request, f"Left {skipped} task(s) that had not failed.", messages.WARNING
            )
