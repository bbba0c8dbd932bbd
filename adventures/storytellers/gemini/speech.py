"""Speech from a Gemini text-to-speech model (GEMINI_TTS_MODEL): one `generate_content`
call with the AUDIO modality and a prebuilt voice, its audio as 16-bit mono PCM.

The reply carries the audio inline: raw PCM (`audio/L16;codec=pcm;rate=24000`, signed
16-bit little-endian mono, as the Gemini API documents) or, from the Gemini 3.8 TTS
models, a WAV file; both become PCM and its rate here. Gemini 3.8 TTS reads its input as
a verbatim transcript, so how to read (GEMINI_TTS_STYLE) goes in the part's
`speech_metadata.style`, never in the text.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass

from django.conf import settings
from google.genai import types
from google.genai.client import AsyncClient

from adventures.storytellers.gemini import outcomes as gemini_outcomes
from adventures.storytellers.gemini.calls import BadReply, Call, Stopped, generate
from adventures.storytellers.gemini.config import NO_AUTOMATION

PCM_TYPES = frozenset({"audio/l16", "audio/pcm"})
WAV_TYPES = frozenset({"audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"})
DEFAULT_RATE = 24_000  # the Gemini TTS models' rate when the type names none


@dataclass(frozen=True)
class Speech:
    pcm: bytes  # signed 16-bit little-endian mono
    rate: int  # samples per second

    @property
    def seconds(self) -> float:
        return len(self.pcm) // 2 / self.rate


def speech_config() -> types.GenerateContentConfig:
    return types.GenerateContentConfig(
        response_modalities=["AUDIO"],
        speech_config=types.SpeechConfig(
            voice_config=types.VoiceConfig(
                prebuilt_voice_config=types.PrebuiltVoiceConfig(voice_name=settings.GEMINI_TTS_VOICE)
            )
        ),
        **NO_AUTOMATION,
    )


def speech_contents(text: str) -> types.Content:
    style = settings.GEMINI_TTS_STYLE
    metadata = types.SpeechMetadata(style=style) if style else None
    return types.Content(role="user", parts=[types.Part(text=text, speech_metadata=metadata)])


def decode(data: bytes, mime_type: str) -> Speech:
    """PCM and its rate from the reply's inline audio; BadReply for anything else."""
    kind, *params = [p.strip() for p in (mime_type or "").split(";")]
    kind = kind.lower()
    if kind in PCM_TYPES:
        options = dict(p.lower().split("=", 1) for p in params if "=" in p)
        try:
            rate = int(options.get("rate", DEFAULT_RATE))
        except ValueError as error:
            raise BadReply(f"the speech's type has a bad rate: {mime_type!r}") from error
        pcm = data[: len(data) // 2 * 2]
    elif kind in WAV_TYPES:
        try:
            with wave.open(io.BytesIO(data), "rb") as file:
                if file.getnchannels() != 1 or file.getsampwidth() != 2:
                    raise BadReply(f"the speech is not 16-bit mono ({file.getnchannels()} channels)")
                rate, pcm = file.getframerate(), file.readframes(file.getnframes())
        except (wave.Error, EOFError) as error:
            raise BadReply(f"the speech is not a readable WAV file: {error}") from error
    else:
        raise BadReply(f"the speech came as {mime_type!r}, which we cannot play")
    if not pcm or rate <= 0:
        raise BadReply("the speech was empty")
    return Speech(pcm=pcm, rate=rate)


async def speak(call: Call, client: AsyncClient, text: str) -> Speech:
    """`text` read aloud. A reply without audio gets one more try; a stopped one none."""
    for round_ in (1, 2):
        response = await generate(call, client, speech_contents(text), speech_config())
        feedback = response.prompt_feedback
        candidate = response.candidates[0] if response.candidates else None
        verdict = gemini_outcomes.judge(
            finish=candidate.finish_reason if candidate else None,
            block=feedback.block_reason if feedback else None,
        )
        if verdict.outcome == gemini_outcomes.REWRITE:
            call.stopped(verdict)
            raise Stopped(verdict)
        parts = (candidate.content.parts if candidate and candidate.content else None) or []
        for part in parts:
            blob = part.inline_data
            if blob and blob.data and (blob.mime_type or "").lower().startswith("audio/"):
                return decode(blob.data, blob.mime_type or "")
        if round_ == 2:
            raise BadReply("The speech model sent no audio.")
        call.retries += 1
    raise AssertionError("unreachable")
