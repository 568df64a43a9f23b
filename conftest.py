import pytest

from nqtrack.testing import tree  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher takes ~0.5 s a password by design; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path_factory):
    # Uploaded files (attachments, evidence) never land in the developer's var/media.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
