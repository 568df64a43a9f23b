from __future__ import annotations

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def media_root(settings, tmp_path):
    """Pending imports wait under MEDIA_ROOT between the check and the apply step."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
