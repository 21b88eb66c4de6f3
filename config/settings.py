"""Settings for the Agency Portal.

Every value comes from the environment. The defaults need nothing: SQLite,
tasks run in-process, e-mail written to files under var/. Production sets
DEBUG=false, SECRET_KEY, DATABASE_URL, REDIS_URL and ALLOWED_HOSTS.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", _DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",  # before staticfiles: `runserver` serves the ASGI application, Online Chat's WebSockets included
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "allauth",
    "allauth.account",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "channels",
    "portal",
    "agencies",
    "agents",
    "consumers",
    "delegations",
    "bookofbusiness",
    "extranet",
    "securemailbox",
    "servicecenter",
    "pages",
    "tooling",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.replica.ReadYourWritesMiddleware",
    "extranet.middleware.ExtranetSessionMiddleware",
    "portal.middleware.NoStoreWhenSignedInMiddleware",
    "portal.middleware.UserLanguageMiddleware",
    "portal.audit.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.SessionTimeoutMiddleware",
    "portal.middleware.OTPMiddleware",
    "portal.middleware.SecondFactorRequiredMiddleware",
    "delegations.middleware.ActingOnBehalfMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
# Online Chat's WebSockets (config/asgi.py): daphne beside gunicorn, and `runserver` on `make run`.
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
                "securemailbox.context_processors.replies",
            ]
        },
    }
]

# Database: DATABASE_URL (postgres://user:pass@host:port/name) or SQLite under var/.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the dev server read while a task writes.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # Streamed reads (`.iterator()`: exports, extracts, digests) always read every row, so plan them for the
    # whole result rather than PostgreSQL's default first tenth of a cursor (the largest agency's export read
    # went from 20 s to 9 s); JIT compilation cost more than it saved on these queries (1.6 s of a 3 s read).
    # No parallel workers for a query (DB_PARALLEL_WORKERS): with every core busy serving people, a page's query
    # split across three processes took the CPU from everyone else (the Book sorted by net premium, page 30:
    # 150 ms on three processes, 121 ms on one); streamed reads never run in parallel anyway.
    database_options = DATABASES["default"].setdefault("OPTIONS", {})
    parallel = int(env("DB_PARALLEL_WORKERS", "0"))
    database_options["options"] = " ".join(
        filter(None, [database_options.get("options", ""), "-c cursor_tuple_fraction=1.0 -c jit=off",
                      f"-c max_parallel_workers_per_gather={parallel}"])
    )  # fmt: skip
# A streaming replica of the primary (DATABASE_REPLICA_URL), for the reads that may leave it: the weekly extracts,
# large exports and the Book of Business's counts, when it has what they must see (portal/replica.py). Every
# other read, every write and every migration is the primary's. In the suite it mirrors the test database.
if env("DATABASE_REPLICA_URL") and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["replica"] = dj_database_url.parse(
        env("DATABASE_REPLICA_URL"), conn_max_age=int(env("DB_CONN_MAX_AGE", "60")), conn_health_checks=True
    )
    # A replica host that vanishes (its machine lost, the network cut) must cost a reader seconds, not the
    # minutes TCP would wait on a connection kept open: at most 2 s to connect, and a connection kept is given up
    # when what was sent stays unacknowledged for 5 s or, waiting on an answer, 3 keepalives go unanswered
    # (after 5 s idle, one a second). A server that hangs while its machine still answers is not bounded (nor is
    # the primary's): TCP says nothing is wrong then.
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "connect_timeout": 2,
        "tcp_user_timeout": 5000,
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 1,
        "keepalives_count": 3,
    }
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["portal.replica.Router"]
DATABASE_REPLICA_READS = env_bool("DATABASE_REPLICA_READS", True)
DATABASE_REPLICA_MAX_LAG_SECONDS = float(env("DATABASE_REPLICA_MAX_LAG_SECONDS", "10"))
DATABASE_REPLICA_MAX_LAG_BYTES = int(env("DATABASE_REPLICA_MAX_LAG_BYTES", str(16 * 1024 * 1024)))
DATABASE_REPLICA_CHECK_SECONDS = float(env("DATABASE_REPLICA_CHECK_SECONDS", "2"))
DATABASE_REPLICA_RETRY_SECONDS = float(env("DATABASE_REPLICA_RETRY_SECONDS", "15"))
DATABASE_REPLICA_WAIT_SECONDS = float(env("DATABASE_REPLICA_WAIT_SECONDS", "2"))
DATABASE_REPLICA_STICKY_SECONDS = int(env("DATABASE_REPLICA_STICKY_SECONDS", "300"))

# The role web and workers connect as, when it is not the tables' owner (docker-compose, `make test`): `migrate`,
# run with DATABASE_URL naming the owner, grants it what the portal needs and, on the audit log, only reading and
# appending (portal/database_grants.py). Owning nothing, it cannot alter a table or disable a trigger.
DATABASE_APP_ROLE = env("DATABASE_APP_ROLE")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"

AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, reading the session's user through portal.person (kept between requests).
    "portal.backends.ModelBackend",
    "portal.backends.AuthenticationBackend",
]

# Django's, with <input> and <textarea> written in Python (the same markup; portal/renderers.py).
FORM_RENDERER = "portal.renderers.FormRenderer"

PASSWORD_HASHERS = [
    "portal.hashers.Argon2PasswordHasher",  # Argon2id at parameters written down in portal/hashers.py
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "first_name", "last_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in (django-allauth): by e-mail. Agents', agencies' and staff accounts are made by agencies and the service
# center; sign-up makes only a consumer's own account, whose address is confirmed before it can sign in (the login
# stage portal.login_stages.ConsumerEmailVerificationStage: nobody else waits for a confirmation, hence "none").
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "portal.adapters.PortalAccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_REAUTHENTICATION_METHODS = ("password",)  # allauth 65.13+ also offers a code by e-mail: not here
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Agency Portal] "
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # never e-mail an address that has no account
# 'Forgot password' only queues a task: the lookup and the e-mail happen there, so the answer's time tells nothing.
ACCOUNT_FORMS = {"reset_password": "portal.forms.PasswordResetByTaskForm", "signup": "portal.forms.ConsumerSignupForm"}
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # the link opens a page with a button: a mail scanner's visit confirms nothing
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False  # then they sign in, with their password
# A consumer's sign-up not confirmed within these days is closed and its address freed (portal.tasks, daily).
UNCONFIRMED_SIGN_UP_DAYS = int(env("UNCONFIRMED_SIGN_UP_DAYS", "7"))
ACCOUNT_RATE_LIMITS = {
    # Throttle by client address; the per-account lock is the portal's own (portal/lockout.py).
    "login": "30/m/ip",
    "login_failed": "20/900s/ip",
    "reset_password": "20/m/ip,3/900s/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for one hour, and only once

# Lockout: 3 failed sign-ins within 120 minutes lock sign-in for 60 minutes.
PORTAL_LOCKOUT_FAILURES = 3
PORTAL_LOCKOUT_WINDOW_MINUTES = 120
PORTAL_LOCKOUT_MINUTES = 60

# Sessions: 15 minutes without activity, 12 hours at most; gone server-side on sign-out.
# Sessions are read from the cache and written through to the database only when they change: a page that changes
# nothing writes nothing (the idle timer is saved at most once a minute, portal.middleware).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_IDLE_TIMEOUT = int(env("SESSION_IDLE_TIMEOUT", str(15 * 60)))
SESSION_ACTIVITY_RESOLUTION = 60
# What portal.person keeps of a signed-in person (user, device, facts, unread count), at most this long.
PERSON_CACHE_SECONDS = 60
SESSION_WARNING_SECONDS = 60
SESSION_ABSOLUTE_TIMEOUT = 12 * 60 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

OTP_TOTP_ISSUER = "Agency Portal"
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_TOTP_THROTTLE_FACTOR = 1
PORTAL_RECOVERY_CODES = 10

# Content-Security-Policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Internationalisation: English and Español, Pacific time.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["portal.formats"]  # Spanish with US numbers and money (portal/formats/es)
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True

# Static files are served by WhiteNoise; uploaded files never are.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]

# Private file storage: local folder by default, S3-compatible object storage when a
# bucket is named. MEDIA_URL is deliberately unset: files go out through audited views.
PRIVATE_STORAGE_ROOT = Path(env("PRIVATE_STORAGE_ROOT", str(VAR_DIR / "private")))
_bucket = env("AWS_STORAGE_BUCKET_NAME")
if _bucket:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env("AWS_S3_REGION_NAME") or None,
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE") or None,  # "path" for most S3-compatible servers
            "default_acl": "private",
            # Files leave through the audited views only (portal/downloads.py); nothing asks the storage for a
            # URL, and one it made would be signed and gone in a minute.
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
            # A file the portal reads back whole (not a download, which streams: portal/downloads.py) spills to
            # disk past 1 MiB instead of sitting in memory.
            "max_memory_size": 1024 * 1024,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT), "base_url": None},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
MAX_UPLOAD_SIZE = int(env("MAX_UPLOAD_SIZE", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# E-mail: written to files under var/mail by default; SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Agency Portal <agents@portal.invalid>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
if env("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")

# Redis: Celery's broker and the cache. Without REDIS_URL, tasks run in-process.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    # Pages keep serving while Redis is away (portal/cache.py); a dead Redis is given up on in half a second.
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL)
    CELERY_TASK_ALWAYS_EAGER = False
    # Online Chat's messages between ASGI processes: every process of every machine on the one Redis.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # Each process sends with up to this many connections at once (redis-py refuses the next one, it does
            # not wait): a few hundred chats writing at the same moment need more than its default 100. Reads wait
            # longer than the layer's 5-second blocking pop (redis-py 8's own default of 5 s cuts it off and tears
            # every quiet socket down: django/channels_redis#422), and still notice a Redis that is gone.
            "CONFIG": {
                "hosts": [
                    {
                        "address": env("CHANNEL_LAYER_URL", REDIS_URL),
                        "socket_timeout": 15,
                        "max_connections": int(env("CHANNEL_LAYER_MAX_CONNECTIONS", "1000")),
                    }
                ],
                "capacity": 500,
                "expiry": 60,
            },
        }
    }
else:
    # One process (`make run`): the in-memory layer.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
# In each process: fragments that depend only on the code, the catalogue and their key (the menu for a set of
# permissions, the help pages in a language), and a few seconds' copy of what every page reads from Redis.
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal-local",
                   "OPTIONS": {"MAX_ENTRIES": 2000}}  # fmt: skip
CELERY_TIMEZONE = TIME_ZONE
# Publishing a task gives up quickly when the broker is away; callers then say so or fall back (e-mail is
# sent directly, exports wait for the requeue task).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_IGNORE_RESULT = True  # nothing waits for a task's return value; the database records outcomes
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# The scheduled work, in Pacific time.
CELERY_BEAT_SCHEDULE = {
    "weekly-extracts": {
        "task": "bookofbusiness.tasks.run_weekly_extracts",
        "schedule": crontab(day_of_week="mon", hour=4, minute=0),
    },
    "expiry-reminders": {"task": "agents.tasks.expiry_reminders", "schedule": crontab(hour=6, minute=15)},
    "verification-digests": {"task": "consumers.tasks.verification_digests", "schedule": crontab(hour=6, minute=30)},
    # Consumers are e-mailed in the morning, not at dawn; an agency manager's week starts with what is at risk.
    "deadline-reminders": {"task": "consumers.tasks.deadline_reminders", "schedule": crontab(hour=9, minute=0)},
    "at-risk-summaries": {
        "task": "bookofbusiness.tasks.at_risk_summaries",
        "schedule": crontab(day_of_week="mon", hour=7, minute=15),
    },
    "expire-exports": {"task": "bookofbusiness.tasks.expire_exports", "schedule": crontab(minute=5)},
    "expire-unconfirmed-sign-ups": {
        "task": "portal.tasks.expire_unconfirmed_sign_ups",
        "schedule": crontab(hour=3, minute=40),
    },
    # Online Chat: a chat nobody wrote in for CHAT_IDLE_MINUTES is closed, its transcript sent.
    "close-idle-chats": {"task": "servicecenter.tasks.close_idle_chats", "schedule": crontab(minute="*/5")},
    # The Monday run again each hour of the morning: it writes only what is missing, so a run the broker or a
    # worker lost at 04:00 still completes.
    "weekly-extracts-catch-up": {
        "task": "bookofbusiness.tasks.run_weekly_extracts",
        "schedule": crontab(day_of_week="mon", hour="5-12", minute=30),
    },
    "requeue-exports": {"task": "bookofbusiness.tasks.requeue_exports", "schedule": crontab(minute="*/5")},
    "extranet-onboarding": {
        "task": "extranet.tasks.monday_onboarding",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
    "extranet-password-reminders": {
        "task": "extranet.tasks.password_expiry_reminders",
        "schedule": crontab(hour=6, minute=45),
    },
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A worker machine lost whole (not only a child process, which the worker itself hands back) leaves the tasks it had
# taken unacknowledged in Redis, which gives them to another worker once the visibility timeout has passed. Every
# task here is safe to run twice (an extract batch writes only what is not published, an export only until Ready),
# and the longest (a large export) takes well under a minute: ten minutes lose no task and bound the wait.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "600"))}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

# Sessions and cookies. The production hardening lives behind DEBUG=false.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Logs: to stderr, never with request bodies. Consumer data stays out of log lines.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# The portal's own settings.
PORTAL_CUSTOMER_SERVICE_PHONE = env("PORTAL_CUSTOMER_SERVICE_PHONE", "1-800-300-1506")
PORTAL_AGENT_SERVICE_CENTER_PHONE = env("PORTAL_AGENT_SERVICE_CENTER_PHONE", "877-453-9198")
PORTAL_NAME = _("Agency Portal")
# The portal's public address, for links in e-mails (invitations, notices).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", "http://127.0.0.1:8000")
PORTAL_INVITATION_DAYS = 7
PORTAL_EXPIRY_REMINDER_DAYS = 30
# Today: a request waiting longer than this many business days is flagged; licenses and certifications
# expiring within TODAY_EXPIRING_DAYS are listed; renewals are worked from 1 October to 31 January.
TODAY_REQUEST_TARGET_BUSINESS_DAYS = int(env("TODAY_REQUEST_TARGET_BUSINESS_DAYS", "2"))
TODAY_EXPIRING_DAYS = 60
TODAY_DUE_SOON_DAYS = 7
RENEWAL_WINDOW = ((10, 1), (1, 31))  # (month, day) it opens, (month, day) it closes
# Bulk actions: how many cases one transfer may move (measured in make bench: 5,000 in one request).
BULK_TRANSFER_LIMIT = int(env("BULK_TRANSFER_LIMIT", "10000"))
# Deadline reminders to consumers (agencies opt in): this many days before an open item is due, each once; a day
# the daily run missed is made up within CONSUMER_REMINDER_CATCH_UP_DAYS (never once the next threshold is nearer).
CONSUMER_REMINDER_DAYS = tuple(int(days) for days in env_list("CONSUMER_REMINDER_DAYS", "15,5,1"))
CONSUMER_REMINDER_CATCH_UP_DAYS = int(env("CONSUMER_REMINDER_CATCH_UP_DAYS", "1"))
EXTRACT_RETENTION_WEEKS = int(env("EXTRACT_RETENTION_WEEKS", "8"))
# Online Chat: how long a chat may go without a message before it is closed (the person left, the tab was shut).
CHAT_IDLE_MINUTES = int(env("CHAT_IDLE_MINUTES", "30"))
# Owners per task of the weekly run (see bookofbusiness/extracts.py for why these sizes).
EXTRACT_AGENTS_PER_TASK = int(env("EXTRACT_AGENTS_PER_TASK", "200"))
EXTRACT_AGENCIES_PER_TASK = int(env("EXTRACT_AGENCIES_PER_TASK", "20"))
# Large books: how many rows a filtered Book of Business has is counted once a minute (from this many rows up),
# and the counts of a dashboard are kept this long; both pages say how old their figures are.
BOOK_COUNT_CACHE_FROM = int(env("BOOK_COUNT_CACHE_FROM", "2000"))
BOOK_COUNT_CACHE_SECONDS = int(env("BOOK_COUNT_CACHE_SECONDS", "60"))
DASHBOARD_CACHE_SECONDS = int(env("DASHBOARD_CACHE_SECONDS", "300"))
# Search from anywhere (the header's box): the cases and agents listed for a search, and how far the cases found
# are counted ("more than 1,000" past it, rather than counting a common name across a million cases).
SEARCH_RESULTS = int(env("SEARCH_RESULTS", "20"))
SEARCH_COUNT_UP_TO = int(env("SEARCH_COUNT_UP_TO", "1000"))

# The Agent Extranet: its own accounts, passwords and session (cookie limited to /extranet/).
EXTRANET_PASSWORD_DAYS = 60  # a password expires this long after it was set
EXTRANET_PASSWORD_REMINDER_DAYS = 10  # one e-mail this long before it expires
EXTRANET_PASSWORD_HISTORY = 24  # none of the last N passwords may be chosen again
EXTRANET_PASSWORD_MIN_AGE_HOURS = 24  # one change a day at most
EXTRANET_RESET_LINK_HOURS = 24
EXTRANET_ONBOARDING_LINK_DAYS = 7
# Password links (reset and onboarding together) an account may be sent: one per interval, so a burst of requests
# leaves the first link working, and a few an hour. Past that, nothing is sent and the live link lives on.
EXTRANET_LINK_INTERVAL_MINUTES = 5
EXTRANET_LINKS_PER_HOUR = 3
EXTRANET_SESSION_COOKIE_NAME = "__Secure-extranet" if not DEBUG else "extranet_session"
