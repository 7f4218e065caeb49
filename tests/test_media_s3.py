"""Uploaded images on S3-compatible object storage (django-storages), against moto's S3 server
running as a real HTTP server: what one node saves, any node serves, from the bucket."""

import io
import json
import subprocess
import sys

import boto3
import pytest
import requests
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from PIL import Image

from tests.factories import make_article
from tests.private_servers import free_port, wait_for_port

pytestmark = pytest.mark.django_db

BUCKET = "newsroom-media"


@pytest.fixture(scope="module")
def s3_server():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, timeout=60)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def bucket(s3_server, settings):
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    # As the README asks: the images are public, readable by anyone (or through a CDN).
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_read))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "querystring_auth": False,
                "file_overwrite": False,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def picture() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_hero_image_and_its_copies_are_stored_in_the_bucket_and_served_from_it(
    bucket, s3_server, client
):
    article = make_article(access="public", headline="Tide mill reopens")
    article.hero_alt = "The tide mill"
    article.hero_image.save("mill.png", ContentFile(picture()))
    keys = {item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert article.hero_image.name in keys
    assert len(keys) > 1  # the responsive copies went to the bucket too
    assert not (django_settings.MEDIA_ROOT / article.hero_image.name).exists()

    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    # Readers get the copies, from the bucket; never the stored original.
    assert f"{s3_server}/{BUCKET}/{article.hero_image.name}" not in html
    for width, name in article.hero_renditions["widths"].items():
        url = f"{s3_server}/{BUCKET}/{name}"
        assert f"{url} {width}w" in html
        served = requests.get(url, timeout=10)
        assert served.status_code == 200
        assert Image.open(io.BytesIO(served.content)).width == int(width)
    shared = f"{s3_server}/{BUCKET}/{article.hero_renditions['widths']['1200']}"
    assert f'<meta property="og:image" content="{shared}">' in html


def test_the_content_security_policy_allows_images_from_the_bucket():
    env = {
        "MEDIA_S3_BUCKET": BUCKET,
        "MEDIA_S3_ENDPOINT_URL": "https://s3.example.net/",
        "DATABASE_URL": "sqlite:///:memory:",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'newsroom.settings';"
            "django.setup(); from django.conf import settings as s;"
            "print(s.STORAGES['default']['BACKEND']); print(s.SECURE_CSP['img-src'])",
        ],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    backend, img_src = done.stdout.splitlines()
    assert backend == "storages.backends.s3.S3Storage"
    assert "'https://s3.example.net'" in img_src
