"""manage.py check_gemini against the fake server, on both routes."""

from __future__ import annotations

import io

import pytest
from asgiref.sync import sync_to_async
from django.core.management import CommandError, call_command


def check() -> str:
    out = io.StringIO()
    call_command("check_gemini", stdout=out)
    return out.getvalue()


async def test_every_configured_model_is_found(fake_gemini, settings):
    fake_gemini.configure(models=(settings.GEMINI_TEXT_MODEL, settings.GEMINI_LITE_MODEL, settings.GEMINI_IMAGE_MODEL))
    out = await sync_to_async(check)()
    route = "Vertex AI" if settings.GEMINI_USE_VERTEXAI else "the Gemini API"
    lines = out.splitlines()
    assert lines[0] == f"Checking models on {route}:"
    if settings.GEMINI_USE_VERTEXAI:
        assert lines[1] == "  GEMINI_TEXT_MODEL = gemini-3.6-flash: exists"
    else:
        assert (
            lines[1]
            == "  GEMINI_TEXT_MODEL = gemini-3.6-flash: exists, supports generateContent, streamGenerateContent"
        )
        assert lines[3] == "  GEMINI_IMAGE_MODEL = gemini-3.1-flash-image: exists, supports generateContent"
    assert lines[-1] == "All configured models are available."


async def test_a_missing_model_is_reported_by_name_with_its_setting(fake_gemini, settings):
    settings.GEMINI_LITE_MODEL = "gemini-2.5-flash-lite"  # retired in 2026
    fake_gemini.configure(models=(settings.GEMINI_TEXT_MODEL, settings.GEMINI_IMAGE_MODEL))
    with pytest.raises(CommandError) as failed:
        await sync_to_async(check)()
    assert str(failed.value) == (
        "GEMINI_LITE_MODEL: the model 'gemini-2.5-flash-lite' does not exist (retired?). "
        "Set GEMINI_LITE_MODEL to a current model."
    )


async def test_the_speech_model_is_checked_when_narration_is_on(fake_gemini, settings):
    models = (settings.GEMINI_TEXT_MODEL, settings.GEMINI_LITE_MODEL, settings.GEMINI_IMAGE_MODEL)
    fake_gemini.configure(models=models)
    assert "GEMINI_TTS_MODEL" not in await sync_to_async(check)()  # narration is off by default
    settings.GEMINI_NARRATION = True
    with pytest.raises(CommandError) as failed:
        await sync_to_async(check)()
    assert str(failed.value) == (
        "GEMINI_TTS_MODEL: the model 'gemini-3.8-flash-lite-tts' does not exist (retired?). "
        "Set GEMINI_TTS_MODEL to a current model."
    )
    fake_gemini.configure(models=(*models, settings.GEMINI_TTS_MODEL))
    assert "  GEMINI_TTS_MODEL = gemini-3.8-flash-lite-tts: exists" in await sync_to_async(check)()
