"""The private storage on a real S3-compatible server (`s3_storage`): moto's server mode, which `make test` starts
and names in TEST_S3_ENDPOINT_URL. Each test gets a bucket of its own, and the `default` storage is switched to it
exactly as config/settings.py builds it when AWS_STORAGE_BUCKET_NAME is set; the test reads the bucket itself with
boto3 (keys, objects, grants) and as a stranger would, with no credentials at all."""

import os
import runpy
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from unittest import mock

import pytest

# Anyone on the internet, and anyone with any AWS account: a grant to either makes an object public.
PUBLIC_GRANTEES = {"http://acs.amazonaws.com/groups/global/AllUsers",
                   "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}  # fmt: skip
REGION = "us-east-1"


def storage_as_configured(environ: dict) -> dict:
    """STORAGES["default"] as config/settings.py builds it from these environment variables (the settings file
    itself is run again with them, so the tests use the very options production does)."""
    from django.conf import settings

    with mock.patch.dict(os.environ, environ):
        built = runpy.run_path(str(settings.BASE_DIR / "config" / "settings.py"))
    return built["STORAGES"]["default"]


@dataclass
class Bucket:
    name: str
    endpoint_url: str
    client: object
    environ: dict = field(default_factory=dict)  # what a process of the portal's needs to use this bucket

    def stored(self, prefix: str = "") -> set[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        pages = paginator.paginate(Bucket=self.name, Prefix=prefix)
        return {entry["Key"] for page in pages for entry in page.get("Contents", ())}

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def head(self, key: str) -> dict:
        return self.client.head_object(Bucket=self.name, Key=key)

    def public_grants(self, key: str) -> list:
        grants = self.client.get_object_acl(Bucket=self.name, Key=key)["Grants"]
        return [grant for grant in grants if grant["Grantee"].get("URI") in PUBLIC_GRANTEES]

    def anonymous_get(self, key: str) -> int:
        """The status a stranger's plain GET of the object's address gets (no credentials, no signature)."""
        url = f"{self.endpoint_url}/{self.name}/{key}"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own loopback server
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def _models_with_files():
    from django.apps import apps
    from django.db.models import FileField

    return [(model, f) for model in apps.get_models() for f in model._meta.fields if isinstance(f, FileField)]


@pytest.fixture
def s3_storage(settings, monkeypatch, _private_storage):
    """The `default` storage on a fresh bucket of the test S3 server, for one test; yields the `Bucket`."""
    import boto3
    from django.core.files.storage import default_storage
    from storages.backends.s3 import S3Storage

    endpoint_url = os.environ.get("TEST_S3_ENDPOINT_URL")
    if not endpoint_url:
        pytest.fail("The object-storage tests need the test S3 server: run them with `make test` (or "
                    "SERVICES_S3=1 scripts/services.sh run -- ...), which sets TEST_S3_ENDPOINT_URL.")  # fmt: skip
    # Dummy credentials for moto, and nothing read from this machine's AWS files.
    credentials = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    for name, value in {**credentials, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                        "AWS_EC2_METADATA_DISABLED": "true"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"portal-test-{worker}-{uuid.uuid4().hex[:16]}".lower()
    client = boto3.client("s3", endpoint_url=endpoint_url, region_name=REGION, **{
        "aws_access_key_id": credentials["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": credentials["AWS_SECRET_ACCESS_KEY"]})  # fmt: skip
    client.create_bucket(Bucket=name)
    environ = {"AWS_STORAGE_BUCKET_NAME": name, "AWS_S3_ENDPOINT_URL": endpoint_url, "AWS_S3_REGION_NAME": REGION,
               "AWS_S3_ADDRESSING_STYLE": "path", **credentials}  # fmt: skip
    configured = storage_as_configured(environ)
    assert configured["BACKEND"] == "storages.backends.s3.S3Storage", configured
    settings.STORAGES = {**settings.STORAGES, "default": configured}
    # Changing STORAGES empties Django's storages (setting_changed); every FileField uses the lazy default_storage.
    for model, file_field in _models_with_files():
        assert isinstance(file_field.storage, S3Storage), f"{model.__name__}.{file_field.name} is not on S3"
    assert default_storage.bucket_name == name
    bucket = Bucket(name=name, endpoint_url=endpoint_url, client=client, environ=environ)
    yield bucket
    for key in bucket.stored():
        client.delete_object(Bucket=name, Key=key)
    client.delete_bucket(Bucket=name)
