import pytest
from django.core.files.storage import storages

from reports.models import ReportJob


@pytest.fixture
def private_storage(settings, tmp_path):
    """A private storage folder of the test's own (only for tests without the worker
    process, which reads the settings it started with)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}},
    }
    return storages["private"]


@pytest.fixture
def remove_report_files():
    """Reports rendered by the worker go to the shared private folder: remove them after."""
    yield
    storage = storages["private"]
    for name in ReportJob.objects.exclude(pdf="").values_list("pdf", flat=True):
        if storage.exists(name):
            storage.delete(name)
