"""Local development and the one-command demo: SQLite and an embedded Celery broker by default."""

import os

from .base import *  # noqa: F403

DEBUG = os.environ.get("DEBUG", "1") not in {"0", "false", "False"}
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = ["*"]

(BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
