from django.tasks import task

from .services import run_batch


@task()
def import_batch(content_import_id: int, start: int) -> None:
    """One batch of a confirmed import; the next batch is its own task, so none runs long."""
    following = run_batch(content_import_id, start)
    if following is not None:
        import_batch.enqueue(content_import_id, following)
