"""The README's backup and restore, done for real: a pg_dump and the media folder, restored into
a fresh database and folder, and the site serves the restored story and its picture."""

import re
import shutil
import tarfile
import tempfile
from pathlib import Path

import pytest
import requests

from tests.private_servers import AppNode, PrivatePostgres
from tests.test_fault_postgres_restart import manage

MAKE_STORY = """
from io import BytesIO
from django.core.files.base import ContentFile
from PIL import Image
from tests.factories import make_article
picture = BytesIO()
Image.new("RGB", (64, 40), "navy").save(picture, "PNG")
article = make_article(access="public", headline="Harbour wall restored")
article.hero_alt = "The harbour wall at dusk"
article.hero_image.save("harbour.png", ContentFile(picture.getvalue()))
print(article.get_absolute_url())
"""


@pytest.fixture
def folder():
    path = Path(tempfile.mkdtemp(prefix="newsroom-backup-"))
    path.chmod(0o755)  # PostgreSQL, run as its own user, keeps its cluster inside
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_a_dump_and_the_media_restored_elsewhere_serve_the_site(folder):
    postgres = PrivatePostgres(folder / "pg")
    postgres.create()
    node = None
    try:
        old = {"DATABASE_URL": postgres.url, "MEDIA_ROOT": str(folder / "media"), "DEBUG": "1"}
        manage(old, "migrate", "--noinput", "-v", "0")
        path = manage(old, "shell", "--no-imports", "-c", MAKE_STORY).split()[-1]

        # Backup, as in the README.
        dump = postgres.folder / "newsroom.dump"  # written by the postgres user
        postgres.client("pg_dump", "--format=custom", "--no-owner", "-f", str(dump), "newsroom")
        with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:
            archive.add(folder / "media", arcname=".")

        # Restore into a database and a media folder that never saw the site.
        postgres.client("createdb", "newsroom_restored")
        postgres.client("pg_restore", "--no-owner", "-d", "newsroom_restored", str(dump))
        (folder / "restored-media").mkdir()
        with tarfile.open(folder / "media.tar.gz") as archive:
            archive.extractall(folder / "restored-media", filter="data")

        node = AppNode(
            {
                "DATABASE_URL": postgres.url_of("newsroom_restored"),
                "MEDIA_ROOT": str(folder / "restored-media"),
                "DEBUG": "1",  # the demo serves media itself (SERVE_MEDIA)
            }
        )
        node.start()
        page = requests.get(node.url + path, timeout=20)
        assert page.status_code == 200
        assert "Harbour wall restored" in page.text
        picture = re.search(r'src="(/media/[^"]+\.(?:png|webp|jpg))"', page.text).group(1)
        image = requests.get(node.url + picture, timeout=20)
        assert image.status_code == 200
        assert image.headers["Content-Type"].startswith("image/")
    finally:
        if node is not None:
            node.stop()
        postgres.stop()
