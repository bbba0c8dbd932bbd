"""StoryWeb settings, read from the environment.

Every default runs on a laptop with nothing set: SQLite, the in-memory channel layer,
the offline storyteller. Production sets DJANGO_DEBUG=0 and the variables named in
README.md; our system checks (adventures/operations/checks.py) refuse unsafe combinations.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# A fixed development key: the deploy check refuses it when DEBUG is off.
DEFAULT_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEFAULT_SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "adventures.apps.StoryWebAdminConfig",  # django.contrib.admin with StoryWeb's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "adventures",
    "classroom",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "classroom.middleware.ClassMemberMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "adventures.operations.outages.OutageMiddleware",
]

ROOT_URLCONF = "storyweb.urls"
ASGI_APPLICATION = "storyweb.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "adventures.context_processors.reader_preferences",
            ],
        },
    },
]

# Database: SQLite file by default (WAL, immediate transactions so writers queue
# instead of failing); PostgreSQL through psycopg 3 and its pool when DATABASE_URL
# says so. Under ASGI every request may run on a different thread, so persistent
# connections are off and the pool does the reuse.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
_db = DATABASES["default"]
_db["CONN_MAX_AGE"] = 0
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db.setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # Tests use a file, not SQLite's shared in-memory mode: consumers reach the
    # database from several threads, and shared-cache mode locks whole tables. One file
    # per test process, so that two runs on one machine never share it.
    _db.setdefault("TEST", {})["NAME"] = os.path.join(tempfile.gettempdir(), f"storyweb-test-{os.getpid()}.sqlite3")
elif _db["ENGINE"] in ("django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2"):
    # Who holds a connection at once, per process: every HTTP request in flight (Django
    # gives each its own thread) and the STORYWEB_WORKER_THREADS threads that serve all
    # sockets and background tasks (adventures/runtime/workers.py); each gives its connection
    # back after the request or call. So the pool bounds concurrent page loads and
    # socket calls, not players (a crowd waits its turn, up to the timeout); N
    # processes x STORYWEB_DB_POOL_MAX must stay below PostgreSQL's max_connections
    # (100 by default).
    _db["ENGINE"] = "django.db.backends.postgresql"
    _db.setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("STORYWEB_DB_POOL_MIN", default=2),
        "max_size": env.int("STORYWEB_DB_POOL_MAX", default=20),
        # Seconds a request waits for a free connection before it fails.
        "timeout": env.float("STORYWEB_DB_POOL_TIMEOUT", default=5.0),
    }
    # The pool checks a connection before lending it, so a restarted or failed-over
    # PostgreSQL costs one retry instead of a burst of errors.
    _db["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Channel layer and cache: in-process by default, Redis when REDIS_URL is set (then
# several daphne processes share groups, rate-limit counters and the writing locks).
REDIS_URL = env.str("REDIS_URL", default="")
# The channel layer is channels-redis's pub/sub layer: Redis pushes each group message to
# the processes subscribed to it. (The list-based RedisChannelLayer pops a process's
# messages one at a time, each pop waiting for the previous one's clean-up round trip;
# under load the benchmark saw group messages queue there for seconds.) Delivery is at
# most once, which suits us: group messages only tell connected sockets that something
# is ready, and a page that reconnects reads the state from the database. (Its reader
# polls with its own short timeout; the socket timeout bounds publish and subscribe.)
CHANNEL_LAYER_SOCKET_TIMEOUT = 15
# Each "host" of the pub/sub layer is a shard with its own connections and its own lock,
# which every subscribe (a socket connecting), unsubscribe and publish (a group message)
# takes for one round trip to Redis. With one shard, 200 players' group messages and
# connects queued behind each other there for seconds (the benchmark: sockets not
# accepted within daphne's 5 s). The same Redis listed N times is N shards; a message
# published on any of them reaches every subscriber, so processes need not agree on N.
CHANNEL_LAYER_SHARDS = env.int("STORYWEB_CHANNEL_LAYER_SHARDS", default=8)
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": CHANNEL_LAYER_SOCKET_TIMEOUT,
                        "socket_connect_timeout": 5,
                    }
                ]
                * CHANNEL_LAYER_SHARDS,
                "prefix": env.str("STORYWEB_REDIS_PREFIX", default="storyweb"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("STORYWEB_REDIS_PREFIX", default="storyweb"),
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 90
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# `preload` only lets the site be submitted to browsers' preload list (hstspreload.org);
# set DJANGO_HSTS_PRELOAD=0 to keep it out (check --deploy then warns, security.W021).
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
if env.bool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (Django 6): no inline scripts or styles anywhere; htmx and
# our own JS come from 'self' with a nonce-free policy.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "media-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "adventures:home"
LOGOUT_REDIRECT_URL = "adventures:home"

LANGUAGE_CODE = "en"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Serve MEDIA_URL from this process (single machine). Off when media lives elsewhere.
STORYWEB_SERVE_MEDIA = env.bool("STORYWEB_SERVE_MEDIA", default=True)
STORAGES = {
    "default": {"BACKEND": env.str("STORYWEB_MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.channels.server": {"level": "WARNING"}},
}

# --- The game ---------------------------------------------------------------------

# Which storyteller writes the chapters: "offline" (built in, no key, no network) or
# "gemini". Without an explicit choice, a Gemini key selects gemini.
GEMINI_API_KEY = env.str("GEMINI_API_KEY", default="") or env.str("GOOGLE_API_KEY", default="")
_vertex = env.bool("GOOGLE_GENAI_USE_VERTEXAI", default=False)
STORYWEB_LLM = env.str("STORYWEB_LLM", default="gemini" if GEMINI_API_KEY or _vertex else "offline")
STORYWEB_ALLOW_OFFLINE_IN_PRODUCTION = env.bool("STORYWEB_ALLOW_OFFLINE_IN_PRODUCTION", default=False)
STORYWEB_ALLOW_MEMORY_LAYER_IN_PRODUCTION = env.bool("STORYWEB_ALLOW_MEMORY_LAYER_IN_PRODUCTION", default=False)
# Milliseconds between streamed pieces of the offline storyteller (0 in tests).
STORYWEB_OFFLINE_DELAY_MS = env.int("STORYWEB_OFFLINE_DELAY_MS", default=35)

# Current generally available models (ai.google.dev/gemini-api/docs/models, none with a
# shutdown date on .../docs/deprecations as of 2026-12): run `manage.py check_gemini`
# once per release, as models are retired every few months.
GEMINI_TEXT_MODEL = env.str("GEMINI_TEXT_MODEL", default="gemini-3.6-flash")
GEMINI_LITE_MODEL = env.str("GEMINI_LITE_MODEL", default="gemini-3.1-flash-lite")
GEMINI_IMAGE_MODEL = env.str("GEMINI_IMAGE_MODEL", default="gemini-3.1-flash-image")
GEMINI_BASE_URL = env.str("GOOGLE_GEMINI_BASE_URL", default="")
# Vertex AI (the route for a service used by children, see the README): the variables
# google-genai itself reads. Without a project, an API key is used on Vertex AI's
# express mode.
GEMINI_USE_VERTEXAI = _vertex
GEMINI_VERTEX_PROJECT = env.str("GOOGLE_CLOUD_PROJECT", default="")
GEMINI_VERTEX_LOCATION = env.str("GOOGLE_CLOUD_LOCATION", default="global")
# Seconds: a whole call (chapter stream, small JSON call, picture) must end within these.
GEMINI_CHAPTER_DEADLINE = env.float("GEMINI_CHAPTER_DEADLINE", default=90.0)
GEMINI_SMALL_DEADLINE = env.float("GEMINI_SMALL_DEADLINE", default=30.0)
GEMINI_IMAGE_DEADLINE = env.float("GEMINI_IMAGE_DEADLINE", default=60.0)
GEMINI_MAX_ATTEMPTS = env.int("GEMINI_MAX_ATTEMPTS", default=4)
GEMINI_BACKOFF_BASE = env.float("GEMINI_BACKOFF_BASE", default=0.5)
# A child waiting for a chapter waits for a server's "retry in N s" only up to this;
# beyond it the storyteller says it is busy at once instead of going quiet.
GEMINI_MAX_RETRY_DELAY = env.float("GEMINI_MAX_RETRY_DELAY", default=4.0)
# Thinking delays the first streamed word. Gemini 3 models take a level (minimal, low,
# medium, high); Gemini 2.5 models a token budget (0 off, -1 the model decides). Each
# is sent only to the family that understands it; empty sends nothing.
GEMINI_THINKING_LEVEL = env.str("GEMINI_THINKING_LEVEL", default="low")
_thinking_budget = env.str("GEMINI_THINKING_BUDGET", default="0")
GEMINI_THINKING_BUDGET = int(_thinking_budget) if _thinking_budget else None
# The model's own safety filter, on every request: the four adjustable categories
# (harassment, hate speech, sexually explicit, dangerous content) at this threshold.
GEMINI_SAFETY_THRESHOLD = env.str("GEMINI_SAFETY_THRESHOLD", default="BLOCK_LOW_AND_ABOVE")
# Output caps in tokens: the longest chapter (about 600 words) plus its choices and a
# margin, and the small JSON replies. Thinking counts against the cap on some models.
GEMINI_CHAPTER_MAX_TOKENS = env.int("GEMINI_CHAPTER_MAX_TOKENS", default=2048)
GEMINI_SMALL_MAX_TOKENS = env.int("GEMINI_SMALL_MAX_TOKENS", default=1024)
# How many times a chapter is written again with a gentler prompt (a safety stop, a
# blocked prompt, a cut-off draft) before the player gets a kind message and a Try again.
GEMINI_REWRITES = env.int("GEMINI_REWRITES", default=1)

# Narration (gemini only, off by default): each saved chapter is read once by a Gemini
# text-to-speech model and stored as a WAV file beside its picture; the reader plays it
# instead of the browser's voice. The chapter text is then sent to Google for speech too.
GEMINI_NARRATION = env.bool("GEMINI_NARRATION", default=False)
GEMINI_TTS_MODEL = env.str("GEMINI_TTS_MODEL", default="gemini-3.8-flash-lite-tts")
GEMINI_TTS_VOICE = env.str("GEMINI_TTS_VOICE", default="Kore")
# How the voice reads (speech_metadata.style of Gemini 3.8 TTS); empty sends none.
GEMINI_TTS_STYLE = env.str(
    "GEMINI_TTS_STYLE", default="Warm, calm and unhurried, like reading a storybook aloud to a child."
)
# Seconds the whole narration of one chapter (all its calls) may take.
GEMINI_NARRATION_DEADLINE = env.float("GEMINI_NARRATION_DEADLINE", default=180.0)

# Threads per process for the sockets' database and cache calls (adventures/runtime/workers.py).
STORYWEB_WORKER_THREADS = env.int("STORYWEB_WORKER_THREADS", default=8)
# Threads per process for page requests (storyweb/http.py); a page without JavaScript that
# waits for its chapter holds one for the chapter's writing.
STORYWEB_PAGE_THREADS = env.int("STORYWEB_PAGE_THREADS", default=32)
# Threads per process that convert pictures (adventures/runtime/workers.py `picture`):
# each can keep a core busy, so keep it below the cores a process may use.
STORYWEB_PICTURE_THREADS = env.int("STORYWEB_PICTURE_THREADS", default=1)
# Connections per process for locks, counters and flags on Redis (adventures/runtime/
# coordination.py), and the seconds a call waits for a free one before it fails. A crowd
# waits its turn: redis-py's own pool would refuse the 101st call at once.
STORYWEB_REDIS_CONNECTIONS = env.int("STORYWEB_REDIS_CONNECTIONS", default=200)
STORYWEB_REDIS_POOL_TIMEOUT = env.float("STORYWEB_REDIS_POOL_TIMEOUT", default=5.0)
# Pictures: how many may be in flight per process (from the request to the picture model
# until it is converted), and how long the whole of one picture (scene, prompt, picture,
# storing) may take.
STORYWEB_IMAGES_IN_FLIGHT = env.int("STORYWEB_IMAGES_IN_FLIGHT", default=32)
STORYWEB_IMAGE_DEADLINE = env.float("STORYWEB_IMAGE_DEADLINE", default=90.0)
# Seconds a socket waits, after telling the player that the database or Redis failed,
# before it closes so that the page reconnects (a pause, so that an outage does not
# turn every open page into a reconnect storm).
STORYWEB_RECONNECT_PAUSE_SECONDS = env.float("STORYWEB_RECONNECT_PAUSE_SECONDS", default=3.0)
# Seconds a chapter-writing lock lives without a heartbeat (a dead process lets go this fast).
STORYWEB_WRITING_LOCK_SECONDS = env.int("STORYWEB_WRITING_LOCK_SECONDS", default=20)

# Limits (counted in the cache; Redis when REDIS_URL is set).
STORYWEB_ADVENTURES_PER_VISITOR_PER_HOUR = env.int("STORYWEB_ADVENTURES_PER_VISITOR_PER_HOUR", default=10)
# A whole class often shares one school address: room for 30 children starting a few each.
STORYWEB_ADVENTURES_PER_IP_PER_HOUR = env.int("STORYWEB_ADVENTURES_PER_IP_PER_HOUR", default=120)
STORYWEB_CHAPTERS_PER_VISITOR_PER_MINUTE = env.int("STORYWEB_CHAPTERS_PER_VISITOR_PER_MINUTE", default=6)
# One address (a school's, behind which a class of 30 plays): a chapter every 20 s per
# child at once, and a day's share of the model budget (README: "What it costs").
STORYWEB_CHAPTERS_PER_IP_PER_MINUTE = env.int("STORYWEB_CHAPTERS_PER_IP_PER_MINUTE", default=90)
STORYWEB_CHAPTERS_PER_IP_PER_DAY = env.int("STORYWEB_CHAPTERS_PER_IP_PER_DAY", default=450)
# How many load balancers of ours stand in front of daphne, each appending to
# X-Forwarded-For; the client's address is the entry the outermost one added. 0: the
# header is ignored (anyone can write it) and the connection's own address counts.
STORYWEB_TRUSTED_PROXIES = env.int("STORYWEB_TRUSTED_PROXIES", default=0)
# Wrong passwords allowed per user name and per address in a quarter of an hour.
STORYWEB_LOGIN_FAILURES_PER_USERNAME = env.int("STORYWEB_LOGIN_FAILURES_PER_USERNAME", default=5)
STORYWEB_LOGIN_FAILURES_PER_IP = env.int("STORYWEB_LOGIN_FAILURES_PER_IP", default=30)
STORYWEB_LLM_CALLS_PER_DAY = env.int("STORYWEB_LLM_CALLS_PER_DAY", default=20000)

# Operations.
STORYWEB_CLEANUP_DAYS = env.int("STORYWEB_CLEANUP_DAYS", default=30)
STORYWEB_FEEDBACK_AFTER_CHAPTER = env.int("STORYWEB_FEEDBACK_AFTER_CHAPTER", default=5)
# Sockets one process keeps open per adventure and per visitor (further ones are
# refused with close code 4429), and frames one socket may send in any 10 seconds (a
# socket over it is closed with 4008, and what it queued is dropped unread).
STORYWEB_SOCKETS_PER_ADVENTURE = env.int("STORYWEB_SOCKETS_PER_ADVENTURE", default=6)
STORYWEB_SOCKETS_PER_VISITOR = env.int("STORYWEB_SOCKETS_PER_VISITOR", default=12)
STORYWEB_SOCKET_FRAMES_PER_10S = env.int("STORYWEB_SOCKET_FRAMES_PER_10S", default=40)
# Request bodies: every form of the game is a few hundred bytes; the admin's content
# forms a few kilobytes. Bigger bodies are refused (400) before they are parsed. (Daphne
# reads a whole body before Django sees it: the load balancer's own limit is what keeps
# a 50 MB body out of a process; see README, Production.)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("STORYWEB_MAX_REQUEST_BYTES", default=256 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# Maximum size of one client WebSocket message, in bytes.
STORYWEB_MAX_MESSAGE_BYTES = 4096

# Child safety (README "Child safety and privacy"): the local screen on every sentence,
# the independent moderation call on every finished chapter and picture prompt, how
# many rewrites a flagged chapter gets before the player is asked to try again, and
# who hears about severe flags (Django's email backend; the console in development).
STORYWEB_SAFETY_SCREEN = env.bool("STORYWEB_SAFETY_SCREEN", default=True)
STORYWEB_SAFETY_MODERATION = env.bool("STORYWEB_SAFETY_MODERATION", default=True)
STORYWEB_MODERATION_MIN_SEVERITY = env.int("STORYWEB_MODERATION_MIN_SEVERITY", default=3)
# True: a chapter whose moderation call fails is not shown (safer, but an outage of the
# lite model then stops every story). False: the local screen alone vouches for it.
STORYWEB_MODERATION_REQUIRED = env.bool("STORYWEB_MODERATION_REQUIRED", default=False)
# True: a chapter is shown only once the moderation call has passed it (no streaming:
# the child waits for the whole chapter). False: it streams, screened a sentence at a
# time, and a chapter the moderation call flags is withdrawn from the page and rewritten.
STORYWEB_MODERATE_BEFORE_SHOWING = env.bool("STORYWEB_MODERATE_BEFORE_SHOWING", default=False)
STORYWEB_SAFETY_REWRITES = env.int("STORYWEB_SAFETY_REWRITES", default=3)
STORYWEB_SAFETY_EMAIL = env.str("STORYWEB_SAFETY_EMAIL", default="")
STORYWEB_SAFETY_EMAIL_SEVERITY = env.int("STORYWEB_SAFETY_EMAIL_SEVERITY", default=4)
_MAIL_BACKEND = env.str(
    "STORYWEB_MAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_SMTP = {
    "host": env.str("STORYWEB_SMTP_HOST", default="localhost"),
    "port": env.int("STORYWEB_SMTP_PORT", default=25),
    "username": env.str("STORYWEB_SMTP_USER", default=""),
    "password": env.str("STORYWEB_SMTP_PASSWORD", default=""),
    "use_tls": env.bool("STORYWEB_SMTP_TLS", default=False),
}
MAILERS = {
    "default": {"BACKEND": _MAIL_BACKEND, "OPTIONS": _SMTP if _MAIL_BACKEND.endswith(".smtp.EmailBackend") else {}}
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="storyweb@localhost")

# Privacy: how long things are kept (cleanup_adventures applies these). A guest's
# adventures (finished or not) and telemetry go after these many days untouched.
STORYWEB_RETENTION_GUEST_DAYS = env.int("STORYWEB_RETENTION_GUEST_DAYS", default=90)
STORYWEB_RETENTION_TELEMETRY_DAYS = env.int("STORYWEB_RETENTION_TELEMETRY_DAYS", default=90)
# A closed class (its children's nicknames and adventures) goes this many days after closing.
STORYWEB_RETENTION_CLOSED_CLASS_DAYS = env.int("STORYWEB_RETENTION_CLOSED_CLASS_DAYS", default=30)
# How grown-ups reach the operator about data (shown on /privacy/), e.g. an email address.
STORYWEB_PRIVACY_CONTACT = env.str("STORYWEB_PRIVACY_CONTACT", default="")
