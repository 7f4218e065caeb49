"""Uploading a members CSV through the admin, confirming it and running its task."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from desk.models import MemberImport
from tests.task_helpers import TEST_WORKER_ID, run_queued_tasks

DATA = Path(__file__).parent / "data"
ADD = "/admin/desk/memberimport/add/"


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def upload(client, data: bytes, source: str, *, name: str = "members.csv"):
    return client.post(ADD, {"source": source, "file": SimpleUploadedFile(name, data)})


def dry_run(client, data: bytes, source: str, **kwargs) -> MemberImport:
    response = upload(client, data, source, **kwargs)
    assert response.status_code == 302, response.content.decode()[:2000]
    return MemberImport.objects.latest("pk")


def confirm_and_run(client, job: MemberImport) -> MemberImport:
    response = client.post(f"/admin/desk/memberimport/{job.pk}/confirm/")
    assert response.status_code == 302
    run_queued_tasks(limit=1000)
    job.refresh_from_db()
    return job


def run_one_task() -> None:
    """Run the next ready task only, as a worker would (run_queued_tasks runs them all)."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=TEST_WORKER_ID,
        excluded_queue_names=[],
    )
    result = DBTaskResult.objects.ready().first()
    assert result is not None
    result.claim(TEST_WORKER_ID)
    worker.run_task(result)
