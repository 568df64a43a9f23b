import pytest

from nqtrack.testing import national_admin, tree  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher takes ~0.5 s a password by design; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path_factory):
    # Uploaded files (attachments, evidence) never land in the developer's var/media.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _fresh_cache():
    # API throttling counts requests in the cache; every test starts with none counted.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _background_jobs_run_at_once(settings):
    # Tasks (imports, e-mail) run inside the code that starts them, as the old "sync" runner
    # did; tests of the real worker start `nqtrack db_worker` with the database backend.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
