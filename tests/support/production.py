"""The environment of a production deployment, as README.md's "Production" section
sets it (CI runs `check --deploy` with the same variables)."""

from __future__ import annotations

import os

# 50 characters that are not the development key.
SECRET_KEY = "test-production-key-0123456789-abcdefghijklmnopqrs"


def production_env(**overrides: str | None) -> dict[str, str]:
    """A shell's PATH and HOME plus production settings; an override of None removes
    that variable."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "storyweb.example",
            "DATABASE_URL": "postgres://storyweb@db.internal:5432/storyweb",
            "REDIS_URL": "redis://cache.internal:6379/0",
            "GEMINI_API_KEY": "a-key",
        }
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env
