import pytest

from nqtrack.dissemination.tests.support import World, build_world


@pytest.fixture
def world(tree) -> World:
    return build_world(tree)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
