from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Background jobs"

    def ready(self):
        from .tasks import keep_the_shared_clock

        keep_the_shared_clock()
