"""/healthz and /readyz for load balancers and orchestrators (django-health-check).

/healthz: the process answers; it touches nothing else, so a database outage never gets a
healthy process restarted. /readyz: the database, the shared cache (Redis itself, not the
per-process fallback of newsroom/cache.py) and the task queue answer; 503 otherwise, so a load
balancer sends readers elsewhere.
"""

import dataclasses

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import Error as DatabaseError
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


@require_safe
@never_cache
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain")


@dataclasses.dataclass
class SharedCache(HealthCheck):
    """Redis answers a PING (with no REDIS_URL the cache is per process and always there)."""

    def run(self):
        backend = caches["default"]
        if not isinstance(backend, RedisCache):
            return
        try:
            backend._cache.get_client(write=True).ping()
        except Exception as error:
            raise ServiceUnavailable("Redis unreachable") from error


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """The queue's table (django-tasks-db) answers a query."""

    def run(self):
        from django_tasks_db.models import DBTaskResult

        try:
            DBTaskResult.objects.exists()
        except DatabaseError as error:
            raise ServiceUnavailable("Task queue unreachable") from error


class ReadinessView(HealthCheckView):
    checks = ("health_check.checks.Database", SharedCache, TaskQueue)

    async def get(self, request, *args, **kwargs):
        response = await super().get(request, *args, **kwargs)
        if response.status_code == 500:
            response.status_code = 503  # not ready (yet): an error of ours would be a 500
        return response
