"""Where private files live: a local folder by default, an S3-compatible bucket when
``PRIVATE_STORAGE_URL`` is set (``s3://bucket`` or ``s3://bucket/prefix``).

A bucket lets web servers and workers on different machines share stored reports, evidence
and plan documents. The files stay private either way: the bucket is never given a public
ACL, and no page links to it (``cpc.storage.PrivateStorage.url`` points at the view that
checks the user's role and country before streaming the file from the bucket).

Read from the environment (boto3 reads the credentials itself when they are not given):

* ``AWS_S3_ENDPOINT_URL``: the S3-compatible service (MinIO, moto, Ceph...); unset for AWS.
* ``AWS_S3_REGION_NAME``: the bucket's region.
* ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``: the credentials.
"""

from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def private_storage(*, url: str, root: str, environ: Mapping[str, str]) -> dict:
    """The ``STORAGES["private"]`` entry for ``url`` (empty: the folder ``root``)."""
    if not url:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": None},
        }
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"PRIVATE_STORAGE_URL must look like s3://bucket or s3://bucket/prefix, not {url!r}")
    endpoint = environ.get("AWS_S3_ENDPOINT_URL") or None
    options = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        "endpoint_url": endpoint,
        "region_name": environ.get("AWS_S3_REGION_NAME") or None,
        # Private objects: the bucket's own policy, never a public-read ACL.
        "default_acl": None,
        # A name already taken gets a new one, as on disk: an upload never replaces
        # another record's file (reports delete their own file before a re-run saves).
        "file_overwrite": False,
        "signature_version": "s3v4",
        # Compatible services (MinIO, moto) serve buckets by path, not by host name.
        "addressing_style": "path" if endpoint else None,
    }
    for setting, option in (("AWS_ACCESS_KEY_ID", "access_key"),
                            ("AWS_SECRET_ACCESS_KEY", "secret_key")):
        if environ.get(setting):
            options[option] = environ[setting]
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
