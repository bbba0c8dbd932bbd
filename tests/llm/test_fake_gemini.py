"""The fake Gemini server speaks the API's wire format, misbehaves only when told, and
runs standalone for the benchmark."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import subprocess
import sys
import threading
import time

import aiohttp
import pytest
from PIL import Image

from tests.support import fake_gemini as fg
from tests.support.fake_gemini import replies

KEY = {"x-goog-api-key": "fake-key"}
CHAPTER = {
    "contents": [{"role": "user", "parts": [{"text": "Write the chapter."}]}],
    "systemInstruction": {"parts": [{"text": f"End with {replies.CHOICES_MARKER} and three lines."}]},
}


async def post(fake: fg.FakeGemini, path: str, body: dict, headers: dict | None = None) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(fake.url + path, json=body, headers=KEY if headers is None else headers) as response,
    ):
        return response.status, await response.text()


def events(sse: str) -> list[dict]:
    assert sse.endswith("\n\n")
    blocks = sse.split("\n\n")[:-1]
    assert all(block.startswith("data: ") for block in blocks)
    return [json.loads(block.removeprefix("data: ")) for block in blocks]


async def test_streams_prose_then_the_choices_block_as_sse_events(fake_gemini_server):
    fake_gemini_server.configure(chunk_chars=40)
    status, body = await post(fake_gemini_server, "/v1beta/models/gemini-x:streamGenerateContent?alt=sse", CHAPTER)
    assert status == 200
    chunks = events(body)
    assert len(chunks) > 10
    text = "".join(c["candidates"][0]["content"]["parts"][0]["text"] for c in chunks)
    assert text.endswith(f"\n\n{replies.CHOICES_MARKER}\n" + "\n".join(replies.GOOD_CHOICES) + "\n")
    assert [c["candidates"][0].get("finishReason") for c in chunks][-2:] == [None, "STOP"]
    usage = chunks[-1]["usageMetadata"]
    assert usage["totalTokenCount"] == usage["promptTokenCount"] + usage["candidatesTokenCount"] > 0
    request = fake_gemini_server.requests[0]
    assert (request.version, request.model, request.stream, request.reply) == ("v1beta", "gemini-x", True, "ok")


async def test_no_choices_block_unless_the_prompt_asks_for_one(fake_gemini_server):
    body = {"contents": [{"parts": [{"text": "Write the last chapter."}]}]}
    status, reply = await post(fake_gemini_server, "/v1/models/m:generateContent", body)
    assert status == 200
    assert replies.CHOICES_MARKER not in json.loads(reply)["candidates"][0]["content"]["parts"][0]["text"]


async def test_json_replies_fit_the_schema_asked_for(fake_gemini_server):
    schema = {
        "type": "object",
        "properties": {
            "choices": {"type": "array", "items": {"type": "string"}, "minItems": 3, "maxItems": 3},
            "characters": {
                "type": "ARRAY",  # Gemini's OpenAPI subset spells types in capitals
                "items": {"type": "OBJECT", "properties": {"name": {"type": "STRING"}, "look": {"type": "STRING"}}},
            },
            "title": {"type": "string"},
        },
    }
    body = {**CHAPTER, "generationConfig": {"responseMimeType": "application/json", "responseJsonSchema": schema}}
    status, reply = await post(fake_gemini_server, "/v1/models/lite:generateContent", body)
    data = json.loads(json.loads(reply)["candidates"][0]["content"]["parts"][0]["text"])
    assert status == 200
    assert data["choices"] == list(replies.GOOD_CHOICES)
    assert [set(c) for c in data["characters"]] == [{"name", "look"}, {"name", "look"}]
    assert data["title"] == "The Gate by the Glass River"


async def test_image_requests_get_a_real_png_inline(fake_gemini_server):
    body = {"contents": [{"parts": [{"text": "A gate."}]}], "generationConfig": {"responseModalities": ["IMAGE"]}}
    status, reply = await post(fake_gemini_server, "/v1/models/gemini-image:generateContent", body)
    part = json.loads(reply)["candidates"][0]["content"]["parts"][0]["inlineData"]
    assert status == 200
    assert part["mimeType"] == "image/png"
    image = Image.open(io.BytesIO(base64.b64decode(part["data"])))
    image.verify()
    assert (image.format, image.size) == ("PNG", (64, 48))
    # As big as the real ones when asked (the benchmark does).
    fake_gemini_server.configure(image_size=(1184, 864))
    status, reply = await post(fake_gemini_server, "/v1/models/gemini-image:generateContent", body)
    part = json.loads(reply)["candidates"][0]["content"]["parts"][0]["inlineData"]
    assert Image.open(io.BytesIO(base64.b64decode(part["data"]))).size == (1184, 864)


async def test_vertex_ai_sends_the_jpeg_asked_for_and_the_gemini_api_refuses_the_option(fake_gemini_server):
    options = {"imageOutputOptions": {"mimeType": "image/jpeg", "compressionQuality": 85}}
    body = {
        "contents": [{"parts": [{"text": "A gate."}]}],
        "generationConfig": {"responseModalities": ["IMAGE"], "imageConfig": {"aspectRatio": "4:3", **options}},
    }
    vertex = "/v1beta1/projects/p/locations/europe-west4/publishers/google/models/gemini-image:generateContent"
    status, reply = await post(fake_gemini_server, vertex, body, headers={"Authorization": "Bearer fake-token"})
    part = json.loads(reply)["candidates"][0]["content"]["parts"][0]["inlineData"]
    assert (status, part["mimeType"]) == (200, "image/jpeg")
    assert Image.open(io.BytesIO(base64.b64decode(part["data"]))).format == "JPEG"
    status, reply = await post(fake_gemini_server, "/v1beta/models/gemini-image:generateContent", body)
    assert status == 400 and "imageOutputOptions" in reply


def test_pictures_can_have_the_size_and_weight_of_the_real_ones():
    from tests.support.fake_gemini.faults import REAL_PICTURE_SIZE, picture_size

    assert picture_size("1184x864") == REAL_PICTURE_SIZE
    with pytest.raises(ValueError, match="WIDTHxHEIGHT"):
        picture_size("big")
    png = replies.picture_png(*REAL_PICTURE_SIZE)
    image = Image.open(io.BytesIO(png))
    image.verify()
    assert (image.format, image.size) == ("PNG", REAL_PICTURE_SIZE)
    assert 1_000_000 < len(png) < 2_500_000  # the image models' PNGs weigh about 1.5 MB
    assert replies.picture_png(*REAL_PICTURE_SIZE, 1) != png  # variants differ


async def test_requests_without_a_key_are_refused(fake_gemini_server):
    status, reply = await post(fake_gemini_server, "/v1/models/m:generateContent", CHAPTER, headers={})
    assert status == 403
    assert json.loads(reply)["error"]["status"] == "PERMISSION_DENIED"


async def test_scripted_faults_are_used_in_order_by_the_requests_they_match(fake_gemini_server):
    fake_gemini_server.script(fg.status(429, retry_delay=1.5, stream=True), "500")
    status1, unary = await post(fake_gemini_server, "/v1/models/m:generateContent", CHAPTER)
    status2, streamed = await post(fake_gemini_server, "/v1/models/m:streamGenerateContent?alt=sse", CHAPTER)
    status3, _ = await post(fake_gemini_server, "/v1/models/m:generateContent", CHAPTER)
    assert (status1, status2, status3) == (500, 429, 200)
    details = json.loads(streamed)["error"]["details"]
    assert {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1.5s"} in details
    assert json.loads(unary)["error"]["status"] == "INTERNAL"
    assert [r.reply for r in fake_gemini_server.requests] == ["500", "429", "ok"]


async def test_fault_rate_fails_about_that_share_of_requests(fake_gemini_server):
    fake_gemini_server.configure(fault_rate=0.3, seed=11)
    statuses = [(await post(fake_gemini_server, "/v1/models/m:generateContent", CHAPTER))[0] for _ in range(60)]
    failed = [s for s in statuses if s != 200]
    assert 8 <= len(failed) <= 30
    assert set(failed) <= {429, 503}


async def test_a_dropped_stream_breaks_after_the_chunks_it_sent(fake_gemini_server):
    fake_gemini_server.configure(chunk_chars=30)
    fake_gemini_server.script(fg.drop_after(2))
    received = []
    async with aiohttp.ClientSession() as session:
        url = fake_gemini_server.url + "/v1/models/m:streamGenerateContent?alt=sse"
        async with session.post(url, json=CHAPTER, headers=KEY) as response:
            with pytest.raises(aiohttp.ClientPayloadError):
                async for line in response.content:
                    if line.startswith(b"data: "):
                        received.append(line)
    assert len(received) == 2


async def test_an_error_event_ends_the_stream_like_the_api(fake_gemini_server):
    fake_gemini_server.script(fg.error_event_after(1, 503))
    _, body = await post(fake_gemini_server, "/v1/models/m:streamGenerateContent?alt=sse", CHAPTER)
    chunks = events(body)
    assert len(chunks) == 2
    message = "The model is overloaded. Please try again later."
    assert chunks[-1] == {"error": {"code": 503, "message": message, "status": "UNAVAILABLE"}}


def test_a_hung_request_is_let_go_when_the_server_stops():
    fake = fg.FakeGemini().start()
    fake.script(fg.hang())
    result: list[int] = []

    async def call() -> None:
        result.append((await post(fake, "/v1/models/m:generateContent", CHAPTER))[0])

    thread = threading.Thread(target=lambda: asyncio.run(call()))
    thread.start()
    while not fake.requests:
        time.sleep(0.01)
    assert result == []
    started = time.monotonic()
    fake.stop()
    thread.join(timeout=5)
    assert result == [503]
    assert time.monotonic() - started < 3


def test_faults_parse_from_the_command_line_form():
    assert fg.Fault.parse("429@0.5") == fg.status(429, retry_delay=0.5)
    assert fg.Fault.parse("drop:3") == fg.drop_after(3)
    assert fg.Fault.parse("error_event:1") == fg.error_event_after(1)
    assert fg.Fault.parse("hang") == fg.hang()
    with pytest.raises(ValueError, match="Unknown fault"):
        fg.Fault.parse("explode")


def test_listens_on_loopback_only():
    with pytest.raises(ValueError, match="loopback only"):
        fg.FakeGemini(host="0.0.0.0")  # noqa: S104


def test_runs_standalone_from_the_command_line():
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.fake_gemini", "--port", "0", "--ttft-ms", "0", "--image-latency-ms", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        assert first_line.startswith("Fake Gemini listening on http://127.0.0.1:")
        url = first_line.split(" ")[4]
        fake = fg.FakeGemini()
        fake.host, fake.port = "127.0.0.1", int(url.rsplit(":", 1)[1])
        status, _ = asyncio.run(post(fake, "/v1/models/m:generateContent", CHAPTER))
        assert status == 200
    finally:
        process.terminate()
        process.wait(timeout=5)
