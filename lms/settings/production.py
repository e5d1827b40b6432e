"""Production: PostgreSQL, Redis, several web and Celery workers. Everything from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, DATABASES, MIDDLEWARE, SECRET_KEY, env_bool, env_list

DEBUG = False
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment.")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    raise ImproperlyConfigured("Production needs DATABASE_URL pointing at PostgreSQL.")
if CELERY_BROKER_URL.startswith("filesystem://"):
    raise ImproperlyConfigured("Production needs REDIS_URL or CELERY_BROKER_URL.")

# WhiteNoise serves the collected static files right after the security middleware.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "lms.storage.PrivateStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS only (docs/operations.md, HTTPS). Behind a proxy that terminates TLS, Django learns that a request
# came over HTTPS from a header the proxy sets (X-Forwarded-Proto by default; SECURE_PROXY_SSL_HEADER="" when
# nothing in front sets it: a header the proxy does not overwrite could be forged by the client).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = env_list("SECURE_REDIRECT_EXEMPT")
_proxy_ssl_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https") if _proxy_ssl_header else None
)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
# HSTS: a year by default; subdomains included (the site is meant to have a host name of its own). Preload
# commits the whole registrable domain (the city's, not only this site's) to HTTPS in every browser, for good:
# off unless the operator opts in. Django reminds of it (security.W021) whenever HSTS is on; that reminder is
# silenced for the default, deliberately, so that `check --deploy` shows only what needs fixing.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
CACHES = {
    "default": {
        # Django's Redis cache, except that a Redis that does not answer makes pages slower, not fail
        # (lms/cache.py): course outlines and permissions are then read from the database.
        "BACKEND": "lms.cache.ResilientRedisCache",
        "LOCATION": os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL"),
        # A Redis that stops answering must slow a page (or the health check) by seconds, not hang it.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}
