"""NQTrack settings, configured by environment variables (see README)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from nqtrack.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("NQTRACK_VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and not env_bool("NQTRACK_ALLOW_INSECURE_KEY", False):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY (or SECRET_KEY_FILE), "
            "or DEBUG=1 for development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "nqtrack.core",
    "nqtrack.organizations",
    "nqtrack.documents",
    "nqtrack.assignments",
    "nqtrack.reporting",
    "nqtrack.oversight",
    "nqtrack.reviews",
    "nqtrack.analytics",
    "nqtrack.notifications",
    "nqtrack.dissemination",
    "nqtrack.ops",
    "nqtrack.jobs",  # before django_tasks_db: its `db_worker` adds a heartbeat to the library's
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Read-only roles (viewers) change nothing, on any page (core.access).
    "nqtrack.core.access.ReadOnlyRolesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A page's invalid query string (core.query.BadQuery) becomes a 400 page listing the errors.
    "nqtrack.core.query.BadQueryMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into the login page with its message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nqtrack.urls"
WSGI_APPLICATION = "nqtrack.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "nqtrack.notifications.context_processors.unread",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'nqtrack.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organizations.User"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out user before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "nqtrack.organizations.logins.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PROJECT_DIR / "locale", BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
FORMAT_MODULE_PATH = ["nqtrack.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Upload limits (core/uploads.py): every stored file up to this many megabytes; DOCX/XLSX
# (ZIP) within these members, unpacked megabytes and compression ratio; tables up to so many
# rows.
NQTRACK_MAX_UPLOAD_MB = env_int("NQTRACK_MAX_UPLOAD_MB", 50)
NQTRACK_ZIP_MAX_MEMBERS = env_int("NQTRACK_ZIP_MAX_MEMBERS", 2000)
NQTRACK_ZIP_MAX_UNPACKED_MB = env_int("NQTRACK_ZIP_MAX_UNPACKED_MB", 500)
NQTRACK_ZIP_MAX_RATIO = env_int("NQTRACK_ZIP_MAX_RATIO", 100)
NQTRACK_IMPORT_MAX_ROWS = env_int("NQTRACK_IMPORT_MAX_ROWS", 2_000_000)
# Downloads (core/downloads.py): e.g. "/protected-media/" to let nginx send the bytes of a
# file after NQTRACK has checked the permission (an `internal` location aliasing MEDIA_ROOT).
NQTRACK_X_ACCEL_REDIRECT = env_str("NQTRACK_X_ACCEL_REDIRECT", "")
if NQTRACK_X_ACCEL_REDIRECT and not (
    NQTRACK_X_ACCEL_REDIRECT.startswith("/") and NQTRACK_X_ACCEL_REDIRECT.endswith("/")
):
    raise ImproperlyConfigured(
        f"NQTRACK_X_ACCEL_REDIRECT must start and end with '/', not {NQTRACK_X_ACCEL_REDIRECT!r}"
    )
SECURE_CONTENT_TYPE_NOSNIFF = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Reminders: days before a deadline the lead unit is first reminded; e-mail settings.
NQTRACK_REMIND_DAYS_BEFORE = env_int("NQTRACK_REMIND_DAYS_BEFORE", 7)
# The address people open NQTrack at, for the links in e-mails (which require login).
NQTRACK_SITE_URL = env_str("NQTRACK_SITE_URL", "http://127.0.0.1:8000")
# Committees may hold review rules of their own for the documents issued in their subtree.
NQTRACK_LOCAL_REVIEW_RULES = env_bool("NQTRACK_LOCAL_REVIEW_RULES", True)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "nqtrack@localhost")

# Background jobs (django-tasks; README "Background jobs and e-mail"): "database" queues them
# for `nqtrack db_worker`; "immediate" runs each one at once in the process that starts it.
_TASK_BACKENDS = {
    "database": "django_tasks_db.backend.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
NQTRACK_TASKS_BACKEND = env_str("NQTRACK_TASKS_BACKEND", "database")
if NQTRACK_TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"NQTRACK_TASKS_BACKEND must be one of {sorted(_TASK_BACKENDS)}, "
        f"not {NQTRACK_TASKS_BACKEND!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[NQTRACK_TASKS_BACKEND]}}

# --- Security: cookies, HTTPS, headers (README "Security headers") ---
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HSTS only when the site is served over HTTPS (secure cookies say so), a year by default.
SECURE_HSTS_SECONDS = env_int(
    "SECURE_HSTS_SECONDS", 31_536_000 if SESSION_COOKIE_SECURE else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SESSION_COOKIE_SECURE)
# Behind a TLS-terminating proxy the redirect belongs to the proxy; here it is opt-in.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [] if SECURE_SSL_REDIRECT else ["security.W008"]

# No inline script and no inline event handler anywhere: page behaviour lives in
# core/static/nqtrack/*.js. style-src-attr allows style="" attributes (progress bars'
# widths): they cannot run code, and the server-side templates set them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Logins: django-axes locks a username from one address after repeated failures ---
AXES_FAILURE_LIMIT = env_int("NQTRACK_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("NQTRACK_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "nqtrack.organizations.logins.lockout_response"
AXES_VERBOSE = False
# Behind a reverse proxy, the client address comes from X-Forwarded-For (set by the proxy).
AXES_IPWARE_PROXY_COUNT = env_int("NQTRACK_PROXY_COUNT", 0) or None
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]


# --- Cache: API throttling counts requests here ---
def _cache_from_url(url: str) -> dict[str, Any]:
    """locmem:// (one process), redis://host:port/db, or db://table (several processes)."""
    scheme, _sep, rest = url.partition("://")
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": rest}
    if scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "db":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": rest}
    raise ImproperlyConfigured(f"CACHE_URL must start with locmem://, redis:// or db://: {url!r}")


CACHES = {"default": _cache_from_url(env_str("CACHE_URL", "locmem://nqtrack"))}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes an anonymous request a 401, not a 403.
        "nqtrack.core.throttling.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "nqtrack.core.access.ReadOnlyRolesCannotWrite",
    ],
    "DEFAULT_PAGINATION_CLASS": "nqtrack.core.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "nqtrack.core.query.StrictOrderingFilter",  # an unknown ?ordering= field is a 400
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "nqtrack.core.api.exception_handler",
    "DATE_FORMAT": "iso-8601",  # yyyy-mm-dd, zero-padded even before year 1000
    "DATE_INPUT_FORMATS": ["%Y-%m-%d"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Rates per user (or per address when anonymous); "expensive" covers parsing, extraction,
    # imports and roll-ups (nqtrack.core.throttling). NQTRACK_API_THROTTLING=0 turns them off.
    "DEFAULT_THROTTLE_CLASSES": (
        [
            "rest_framework.throttling.AnonRateThrottle",
            "rest_framework.throttling.UserRateThrottle",
            "nqtrack.core.throttling.ExpensiveRateThrottle",
        ]
        if env_bool("NQTRACK_API_THROTTLING", True)
        else []
    ),
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("NQTRACK_API_RATE_ANON", "60/minute"),
        "user": env_str("NQTRACK_API_RATE_USER", "600/minute"),
        "expensive": env_str("NQTRACK_API_RATE_EXPENSIVE", "30/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NQTrack API",
    "DESCRIPTION": "Theo dõi việc đưa nghị quyết, chỉ thị, kết luận vào cuộc sống (API v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # `check --deploy` checks the deployment (settings, HTTPS); the schema's own quality is
    # checked by the API tests, so its generation warnings stay out of the deploy check.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    # Every operation documents its error responses (core.api.error_responses_hook).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "nqtrack.core.api.error_responses_hook",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
