"""Production refuses unsafe settings (adventures/operations/checks.py), `check --deploy` is clean
with the production environment, and the ASGI application will not load without it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from adventures.operations import checks
from tests.support.production import SECRET_KEY, production_env
from tests.support.servers import ROOT

REDIS_LAYER = "channels_redis.pubsub.RedisPubSubChannelLayer"
MEMORY_LAYER = "channels.layers.InMemoryChannelLayer"


@pytest.fixture
def production(settings):
    """The settings of a good production deployment; tests spoil one thing each."""
    settings.DEBUG = False
    settings.SECRET_KEY = SECRET_KEY
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": REDIS_LAYER, "CONFIG": {"hosts": ["redis://cache:6379/0"]}}}
    settings.STORYWEB_LLM = "gemini"
    settings.GEMINI_API_KEY = "a-key"
    settings.STORYWEB_ALLOW_OFFLINE_IN_PRODUCTION = False
    settings.STORYWEB_ALLOW_MEMORY_LAYER_IN_PRODUCTION = False
    return settings


def ids(messages) -> list[str]:
    return [m.id for m in messages]


def test_a_good_production_configuration_has_no_errors(production):
    assert checks.configuration_errors() == []
    assert checks.production_errors() == []
    checks.refuse_unsafe_production()  # does not raise


@pytest.mark.parametrize(
    "key",
    ["dev-only-insecure-key-do-not-use-in-production", "short-but-not-the-default"],
)
def test_the_default_or_a_short_secret_key_is_refused(production, key):
    production.SECRET_KEY = key
    assert ids(checks.production_errors()) == ["storyweb.E010"]
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is not set"):
        checks.refuse_unsafe_production()


def test_the_in_memory_channel_layer_is_refused_unless_allowed(production):
    production.CHANNEL_LAYERS = {"default": {"BACKEND": MEMORY_LAYER}}
    assert ids(checks.production_errors()) == ["storyweb.E011"]
    with pytest.raises(ImproperlyConfigured, match="set REDIS_URL in production"):
        checks.refuse_unsafe_production()
    production.STORYWEB_ALLOW_MEMORY_LAYER_IN_PRODUCTION = True
    assert checks.production_errors() == []


def test_the_offline_storyteller_is_refused_unless_allowed(production):
    production.STORYWEB_LLM = "offline"
    assert ids(checks.production_errors()) == ["storyweb.E012"]
    with pytest.raises(ImproperlyConfigured, match="STORYWEB_ALLOW_OFFLINE_IN_PRODUCTION=1"):
        checks.refuse_unsafe_production()
    production.STORYWEB_ALLOW_OFFLINE_IN_PRODUCTION = True
    assert checks.production_errors() == []


def test_every_problem_is_named_at_once(production):
    production.SECRET_KEY = production.DEFAULT_SECRET_KEY
    production.CHANNEL_LAYERS = {"default": {"BACKEND": MEMORY_LAYER}}
    production.STORYWEB_LLM = "offline"
    with pytest.raises(ImproperlyConfigured) as refused:
        checks.refuse_unsafe_production()
    lines = str(refused.value).splitlines()
    assert lines[0] == "StoryWeb will not start:"
    assert len(lines) == 4
    assert all(
        name in text for name, text in zip(("DJANGO_SECRET_KEY", "REDIS_URL", "offline"), lines[1:], strict=True)
    )


def test_debug_allows_what_production_refuses(settings):
    settings.DEBUG = True
    settings.SECRET_KEY = settings.DEFAULT_SECRET_KEY
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": MEMORY_LAYER}}
    settings.STORYWEB_LLM = "offline"
    checks.refuse_unsafe_production()  # a laptop: nothing to refuse


@pytest.mark.parametrize(
    ("llm", "key", "expected"),
    [("chatty", "", ["storyweb.E001"]), ("gemini", "", ["storyweb.E002"]), ("gemini", "k", []), ("offline", "", [])],
)
def test_the_storyteller_setting_is_checked_everywhere(settings, llm, key, expected):
    settings.DEBUG = True
    settings.STORYWEB_LLM, settings.GEMINI_API_KEY = llm, key
    assert ids(checks.configuration_errors()) == expected
    if expected:
        with pytest.raises(ImproperlyConfigured):
            checks.refuse_unsafe_production()


# --- The real commands, in a fresh environment --------------------------------------


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def test_check_deploy_passes_with_the_production_environment():
    """The figure CI checks too: zero issues at WARNING level with DEBUG off."""
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"DJANGO_SECRET_KEY": None}, "storyweb.E010"),
        ({"REDIS_URL": None}, "storyweb.E011"),
        ({"GEMINI_API_KEY": None}, "storyweb.E012"),
        ({"STORYWEB_LLM": "gemini", "GEMINI_API_KEY": None}, "storyweb.E002"),
        ({"DJANGO_ALLOWED_HOSTS": "*"}, "storyweb.E018"),
        ({"DJANGO_ALLOWED_HOSTS": "stories.example.org,*"}, "storyweb.E018"),
    ],
)
def test_check_deploy_fails_and_names_what_is_missing(overrides, expected):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(**overrides))
    assert result.returncode == 1
    assert f"({expected})" in result.stderr


@pytest.mark.parametrize(
    ("allow", "overrides"),
    [
        ("STORYWEB_ALLOW_MEMORY_LAYER_IN_PRODUCTION", {"REDIS_URL": None}),
        ("STORYWEB_ALLOW_OFFLINE_IN_PRODUCTION", {"GEMINI_API_KEY": None}),
    ],
)
def test_an_explicit_allowance_passes_check_deploy(allow, overrides):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(**overrides, **{allow: "1"})
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_shows_secure_cookies_and_hsts_in_production():
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'storyweb.settings'; import django; django.setup(); "
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_HTTPONLY, s.SECURE_CONTENT_TYPE_NOSNIFF, s.X_FRAME_OPTIONS)"
    )
    result = run(["-c", code], production_env())
    assert result.stdout.split() == ["True", "True", "31536000", "True", "True", "True", "True", "True", "DENY"]


def test_the_asgi_application_refuses_to_load_with_an_unsafe_production_environment():
    code = "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'storyweb.settings'; import storyweb.asgi"
    refused = run(["-c", code], production_env(DJANGO_SECRET_KEY=None, REDIS_URL=None))
    assert refused.returncode == 1
    assert "django.core.exceptions.ImproperlyConfigured: StoryWeb will not start:" in refused.stderr
    assert "DJANGO_SECRET_KEY" in refused.stderr and "REDIS_URL" in refused.stderr
    accepted = run(["-c", code + "; print('loaded')"], production_env())
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stdout.strip() == "loaded"


def test_vertex_ai_needs_a_project_and_the_safety_threshold_must_be_a_real_one(settings):
    settings.STORYWEB_LLM, settings.GEMINI_API_KEY = "gemini", ""
    settings.GEMINI_USE_VERTEXAI, settings.GEMINI_VERTEX_PROJECT = True, ""
    assert ids(checks.configuration_errors()) == ["storyweb.E003"]
    settings.GEMINI_VERTEX_PROJECT = "my-project"
    assert ids(checks.configuration_errors()) == []
    settings.GEMINI_SAFETY_THRESHOLD = "BLOCK_SOME"
    (error,) = checks.configuration_errors()
    assert (error.id, error.msg) == (
        "storyweb.E004",
        "GEMINI_SAFETY_THRESHOLD is 'BLOCK_SOME'; it must be one of BLOCK_LOW_AND_ABOVE, BLOCK_MEDIUM_AND_ABOVE, "
        "BLOCK_ONLY_HIGH, BLOCK_NONE, OFF (BLOCK_LOW_AND_ABOVE for children).",
    )
