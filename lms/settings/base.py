"""Settings shared by every environment. Secrets and URLs come from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "lms.people",
    "lms.audit",
    "lms.learning",
    "lms.quiz",
    "lms.h5p",
    "lms.certificates",
    "lms.compliance",
    "lms.reminders",
    "lms.demo",
    "lms.ops",
    "lms.privacy",
    "lms.skills",
    "courses",
    "content",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_celery_beat",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before every middleware that reads or writes the body; after WhiteNoise in production (production.py),
    # whose static files are compressed ahead of time. Compresses only first-party requests (BREACH).
    "lms.middleware.CompressionMiddleware",
    "lms.h5p.middleware.PlayerOriginMiddleware",
    "lms.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lms.audit.context.AuditContextMiddleware",
    "lms.offline.middleware.OfflineUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lms.people.sessions.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a login refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Browser-side protections, the same in every environment (production adds HTTPS: see production.py).
# No page of the site may be framed by another site, nor by the site itself, except the H5P player
# (lms/h5p/views.py) and Wagtail's preview and block preview, which exempt themselves with SAMEORIGIN.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4, lms.middleware.ContentSecurityPolicyMiddleware). Pages run only the
# site's own script files: no inline <script>, no on...= attributes, no javascript: links, no inline styles
# (docs/architecture.md, Front end). Views that send their own policy keep it (the H5P player's sandbox).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        # A video block may link an MP4/WebM file anywhere on the web, or embed YouTube or Vimeo
        # (content/blocks.py: VideoValue.embed_url); the H5P player frame is the site's own.
        "media-src": [SELF, "https:"],
        "frame-src": [SELF, "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        # The service worker (/sw.js, lms.offline) and the web app manifest are the site's own files.
        "worker-src": [SELF],
        "manifest-src": [SELF],
    },
}
# Wagtail's admin (and the HR pages inside it) needs more than the learner pages: Wagtail 8 still writes
# inline <script> for inline panels and date pickers and inline styles in many templates, and shows uploads
# as blob:/data: images. These directives replace the site's under these prefixes. (Views that may be framed
# by the site, such as Wagtail's preview, get frame-ancestors 'self' from their X-Frame-Options: SAMEORIGIN.)
CONTENT_SECURITY_POLICY_ADMIN = {
    "URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
    },
}

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "lms.reminders.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web server, the Celery worker and beat share the file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
# Usernames are compared ignoring letter case at sign-in (site, Wagtail admin and Django admin alike).
# How long the link confirming a new email address works (seconds).
EMAIL_CHANGE_TIMEOUT = int(os.environ.get("EMAIL_CHANGE_TIMEOUT", str(3 * 24 * 60 * 60)))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "learning:my_learning"
LOGOUT_REDIRECT_URL = "/"

# Login protection (django-axes, see docs/operations.md "Login protection"). Axes comes first and refuses a
# locked-out login before any backend checks the password.
# Axes first (it refuses a locked login before any password is checked), then usernames compared
# ignoring letter case ("bt-004" is BT-004: phone keyboards type lower case).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lms.people.backends.CaseInsensitiveModelBackend",
]
# LOGIN_FAILURE_LIMIT failed logins lock the account, and separately the address they came from, for
# LOGIN_LOCKOUT_MINUTES after the last failure (0: until an administrator unlocks it).
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
_lockout_minutes = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30"))
AXES_COOLOFF_TIME = timedelta(minutes=_lockout_minutes) if _lockout_minutes > 0 else None
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "lms.people.lockouts.username_for_lockout"
AXES_CLIENT_IP_CALLABLE = "lms.audit.context.client_ip"
AXES_LOCKOUT_CALLABLE = "lms.people.lockouts.lockout_response"
# A success does not wipe the failures: otherwise logging in to one's own account from an address would
# reset the count of the guesses made from it at another account.
AXES_RESET_ON_SUCCESS = False
# Locks are lifted in the Wagtail admin (Settings → Login lockouts), which writes the audit trail; the
# Django admin's raw tables and the per-login access log are not used.
AXES_ENABLE_ADMIN = False
AXES_DISABLE_ACCESS_LOG = True
# Password-reset requests per hour, counted in the cache, per email address and per client address.
PASSWORD_RESET_LIMIT_PER_EMAIL = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_EMAIL", "3"))
PASSWORD_RESET_LIMIT_PER_ADDRESS = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_ADDRESS", "10"))

# Sessions: by default a session ends when the browser closes (shared office PCs); "remember me" at login
# keeps it SESSION_REMEMBER_DAYS. A session that is not remembered ends after SESSION_IDLE_MINUTES without
# a request (0: no idle limit).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_REMEMBER_DAYS", "14")) * 24 * 60 * 60
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_MINUTES", "60")) * 60

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# The project's catalogue first (makemessages writes to the first entry), then the Vietnamese it adds to
# Wagtail's and Django's admin (scripts/admin_translations.py); both take precedence over the packages'.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
FORMAT_MODULE_PATH = ["lms.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
STATICFILES_DIRS: list = [BASE_DIR / "static"]
# The H5P player (npm h5p-standalone, installed by scripts/bootstrap) is served from our own static files.
# Only when installed: a missing folder would make Django warn at every start; the player tests fail then.
H5P_STANDALONE_DIST = BASE_DIR / "node_modules" / "h5p-standalone" / "dist"
if H5P_STANDALONE_DIST.is_dir():
    STATICFILES_DIRS.append(("vendor/h5p-standalone", H5P_STANDALONE_DIST))
# MathJax 2 (npm mathjax, pinned) for H5P.MathDisplay, partly published as vendor/mathjax (lms/h5p/mathjax.py)
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "lms.h5p.mathjax.MathJaxFinder",
]
MEDIA_URL = "/media/"
# The service worker's release (docs/offline.md): by default a digest of the project's static files; set it
# to make every browser replace its stored static files at the next page.
OFFLINE_RELEASE = os.environ.get("OFFLINE_RELEASE", "")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Files that only views checking permission may serve (staged imports, H5P packages): outside MEDIA_ROOT,
# without a URL, never served by the web server (lms/storage.py, docs/operations.md).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "lms.storage.PrivateStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Email: every setting from the environment; the console backend unless told otherwise.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SmartWard Learn <no-reply@smartward.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when the environment names it, otherwise a broker that needs no server.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = BASE_DIR / "var" / "celery-broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# The health endpoint (/health/, lms/ops): seconds allowed to connect to the broker.
HEALTH_BROKER_TIMEOUT = float(os.environ.get("HEALTH_BROKER_TIMEOUT", "2"))

# Wagtail
WAGTAIL_SITE_NAME = "SmartWard Learn"
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://localhost:8000")
WAGTAIL_I18N_ENABLED = False
# Page addresses stay ASCII; Vietnamese titles are folded into them (courses/slugs.py).
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# A trainer's draft untouched this many days is listed under "Abandoned drafts" (courses/drafts.py).
LMS_ABANDONED_DRAFT_DAYS = 14
# The admin's date pickers show and read dd/mm/yyyy whatever the language (lms/formats/*/ accept it).
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
# One password-reset door for everyone, the site's (/tai-khoan/password_reset/): it is rate-limited and
# completing it lifts the account's login lockout. The admin login links to it from the lockout page.
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "ods", "odp"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# The admin shows no Gravatar pictures (officials' email hashes would go to a third party) and does not ask
# wagtail.org for new releases from the browser: upgrades go through the deployment (docs/operations.md).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Wagtail's background tasks and page actions are recorded in its own audit log already.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# The page models that `learning` tracks as courses and lessons (see lms/learning/structure.py).
LEARNING_COURSE_MODEL = "courses.CoursePage"
LEARNING_LESSON_MODEL = "courses.LessonPage"
TAGGIT_CASE_INSENSITIVE = True

# H5P packages: upload limits, counted on the real bytes while unpacking (see lms/h5p/packages.py).
H5P_MAX_UPLOAD_BYTES = int(os.environ.get("H5P_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))
H5P_MAX_TOTAL_BYTES = int(os.environ.get("H5P_MAX_TOTAL_BYTES", str(200 * 1024 * 1024)))
H5P_MAX_FILE_BYTES = int(os.environ.get("H5P_MAX_FILE_BYTES", str(50 * 1024 * 1024)))
H5P_MAX_ENTRIES = int(os.environ.get("H5P_MAX_ENTRIES", "2000"))
H5P_MAX_RATIO = int(os.environ.get("H5P_MAX_RATIO", "100"))

# The H5P player's own origin (e.g. https://h5p.example.vn, served by this same application): there the
# player is isolated from the site by its origin instead of an opaque sandbox, and the browser can keep its
# files (docs/h5p.md, "Serving"). Empty: the player runs in an opaque sandbox on the site's origin.
H5P_PLAYER_ORIGIN = os.environ.get("H5P_PLAYER_ORIGIN", "")
# The base of the xAPI object ids of H5P activities (lms/h5p/player.py: activity_iri); SITE_URL if empty.
H5P_XAPI_IRI_BASE = os.environ.get("H5P_XAPI_IRI_BASE", "")

# The real H5P package that load_demo puts in a demo lesson (test data beside the checkout, not part of it).
_demo_package = os.environ.get(
    "H5P_DEMO_PACKAGE", str(BASE_DIR.parent / "shared" / "fixtures" / "h5p" / "true-false-hello-world.h5p")
)
H5P_DEMO_PACKAGE = Path(_demo_package) if _demo_package else None

# Mandatory training: a person who joins after a fixed due date gets this many days from joining;
# a recertification cycle opens this many days before the earlier completion stops being valid.
COMPLIANCE_LATE_JOINER_DAYS = 30
COMPLIANCE_RENEWAL_NOTICE_DAYS = 30

# Reminders (lms/reminders): days before the due date, weekly overdue reminders and their cap, quiet hours
# in Asia/Ho_Chi_Minh (no email from 21:00 to 07:00), the weekday of the digest (0 = Monday).
REMINDER_DUE_SOON_DAYS = (7, 3, 1)
REMINDER_OVERDUE_MAX = 4
REMINDER_QUIET_START_HOUR = 21
REMINDER_QUIET_END_HOUR = 7
REMINDER_DIGEST_WEEKDAY = 0
REMINDER_MAX_ATTEMPTS = 5
REMINDER_MESSAGE_DOMAIN = "smartward.local"

# Timed quizzes: how long after the deadline an answer made before it may still arrive (a slow link, the
# offline outbox) and count; the attempt is submitted once it has passed. docs/offline.md.
QUIZ_TIME_LIMIT_GRACE_SECONDS = int(os.environ.get("QUIZ_TIME_LIMIT_GRACE_SECONDS", "120"))
