"""`manage.py db_worker`: django-tasks-db's worker, which first recovers what dead workers left.

Same options as django-tasks-db's command (this app is listed before it in INSTALLED_APPS, so
this one is found first). Before taking its first task, the worker puts back tasks left running
by a dead worker and (re)starts the periodic chains (jobs.tasks.PERIODIC_TASKS).
"""

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from jobs.tasks import ensure_periodic_tasks, recover_stale


class Command(DBWorkerCommand):
    help = DBWorkerCommand.help + ", after recovering tasks left running by dead workers"

    def handle(self, *args, **options):
        recovered = recover_stale()
        if recovered and options["verbosity"]:
            self.stdout.write(f"Put {recovered} task(s) of a dead worker back on the queue.")
        ensure_periodic_tasks()
        return super().handle(*args, **options)
