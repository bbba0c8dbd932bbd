"""The project boots with nothing set, and its checks are clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, env_extra: dict[str, str] | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    # A fresh environment: only what a shell needs, none of our variables.
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


def test_check_is_clean_with_no_variables_set():
    result = run_manage("check")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_no_missing_migrations():
    result = run_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_defaults_are_a_laptop(settings):
    from django.conf import settings as live

    assert live.DATABASES["default"]["ENGINE"] in ("django.db.backends.sqlite3", "django.db.backends.postgresql")
    assert live.INSTALLED_APPS[0] == "daphne"


def test_fresh_environment_boots_the_asgi_app_on_sqlite(tmp_path):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'storyweb.settings'; "
        "from storyweb.asgi import application; from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.STORYWEB_LLM, "
        "settings.CHANNEL_LAYERS['default']['BACKEND'], settings.DATABASES['default']['OPTIONS']['init_command'])"
    )
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:3] == [
        "django.db.backends.sqlite3",
        "offline",
        "channels.layers.InMemoryChannelLayer",
    ]
    assert "journal_mode=WAL" in result.stdout


@pytest.mark.parametrize("storyteller", ["offline", "gemini"])
def test_the_loaded_program_is_frozen_out_of_full_collections(storyteller):
    """storyweb/memory.py: once the ASGI app is loaded (google-genai with it when it is
    the storyteller), the garbage collector's full collections no longer walk it."""
    code = (
        "import os, sys, gc; os.environ['DJANGO_SETTINGS_MODULE'] = 'storyweb.settings'; "
        "from storyweb.asgi import application; "
        "print(gc.get_freeze_count(), len(gc.get_objects()), 'google.genai.types' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME")}
    env |= {"STORYWEB_LLM": storyteller, "GEMINI_API_KEY": "k"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    frozen, tracked, genai = result.stdout.split()
    assert int(frozen) > 50_000 and int(tracked) < 1_000  # walked by a full collection: almost nothing
    assert genai == str(storyteller == "gemini")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"GEMINI_API_KEY": "k"}, "gemini"),
        ({"GOOGLE_API_KEY": "k"}, "gemini"),
        ({"GEMINI_API_KEY": "k", "STORYWEB_LLM": "offline"}, "offline"),
        ({}, "offline"),
    ],
)
def test_storyteller_defaults_to_gemini_only_with_a_key(env, expected):
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'storyweb.settings'; import django; django.setup(); "
        "from django.conf import settings; print(settings.STORYWEB_LLM)"
    )
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**base, **env}, cwd=ROOT)
    assert result.stdout.strip() == expected, result.stderr
