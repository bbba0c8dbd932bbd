"""Pictures (DESIGN §5 steps 6-7): agency pictures in chapter 1, a scene per chapter,
after the text and never in its way; stored files, fallbacks, asked again once."""

from __future__ import annotations

import asyncio
import io

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from PIL import Image

from adventures import picture_store
from adventures.models import Adventure, Chapter, ImageStatus, TelemetryEvent
from adventures.operations import telemetry
from adventures.play import extras, reader
from adventures.play.consumers import AdventureConsumer
from adventures.runtime import background
from adventures.storytellers.offline import provider as offline
from tests.consumer_support import Player, choice_ids
from tests.factories import start_adventure, visitor_session
from tests.llm.conftest import fake_gemini  # noqa: F401  (a fixture)
from tests.support.fake_gemini import fake_gemini_server  # noqa: F401  (a fixture)
from tests.support.pictures import web_format

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


async def new_game(seed: int = 3):
    session_key, visitor = await database_sync_to_async(visitor_session)()
    adventure = await database_sync_to_async(start_adventure)(visitor=visitor, seed=seed)
    return session_key, adventure


def chapter(adventure_id, number):
    return Chapter.objects.get(adventure_id=adventure_id, number=number)


def client_for(session_key: str) -> Client:
    client = Client()
    client.cookies["sessionid"] = session_key
    return client


async def test_the_picture_follows_the_chapter_text_and_agency_options_get_three(media):
    session_key, adventure = await new_game()
    player = Player(adventure.id, session_key)
    await player.connect()
    messages, final = await player.receive_chapter(1)
    messages += await player.settle()
    # Agency pictures either came with the finished chapter or right after it.
    agency = {n for n in (1, 2, 3) if f'<span id="agency-image-{n}" class="agency-image"><img src="/media/' in final}
    agency |= {n for n in (1, 2, 3) for m in messages if m.startswith(f'<span id="agency-image-{n}"') and "<img" in m}
    assert agency == {1, 2, 3}
    stored = await database_sync_to_async(Adventure.objects.get)(pk=adventure.id)
    for option in stored.agency_options:
        assert (media / option.image).read_bytes().startswith(b"<svg")

    # The scene picture for chapter 1 arrives as its own fragment, after the text.
    at_final = messages.index(final)
    picture = next(i for i, m in enumerate(messages) if m.startswith('<figure id="chapter-image"') and "<img" in m)
    assert picture > at_final
    first = await database_sync_to_async(chapter)(adventure.id, 1)
    assert first.image_status == ImageStatus.READY and first.image_alt
    assert f'src="/media/{first.image.name}"' in messages[picture]
    assert f'alt="{first.image_alt}"'.replace("'", "&#x27;") in messages[picture]
    await player.close()


async def test_a_failed_picture_shows_the_fallback(monkeypatch):
    async def broken(self, scene):
        raise RuntimeError("the paint ran out")

    monkeypatch.setattr(offline.OfflineProvider, "chapter_picture", broken)
    session_key, adventure = await new_game()
    player = Player(adventure.id, session_key)
    await player.connect()
    await player.receive_chapter(1)
    later = await player.settle()
    figure = next(m for m in later if m.startswith('<figure id="chapter-image"'))
    assert 'class="chapter-image chapter-image--failed"' in figure
    assert 'src="/static/img/picture-fallback.svg"' in figure
    assert (await database_sync_to_async(chapter)(adventure.id, 1)).image_status == ImageStatus.FAILED
    await player.close()
    await telemetry.flush()
    events = await database_sync_to_async(
        lambda: list(
            TelemetryEvent.objects.filter(name="image_generated", adventure_id=adventure.id, details__purpose="chapter")
        )
    )()
    assert [e.details["outcome"] for e in events] == ["error"]


async def test_a_reload_shows_stored_pictures_served_with_long_cache(media):
    session_key, adventure = await new_game()
    player = Player(adventure.id, session_key)
    await player.connect()
    await player.receive_chapter(1)
    await player.settle()
    await player.close()
    first = await database_sync_to_async(chapter)(adventure.id, 1)

    def reload_and_fetch():
        client = client_for(session_key)
        page = client.get(f"/adventures/{adventure.id}/").content.decode()
        picture = client.get(f"/media/{first.image.name}")
        recap = client.get(f"/adventures/{adventure.id}/recap/").content.decode()
        return page, picture, recap

    page, picture, recap = await database_sync_to_async(reload_and_fetch)()
    assert f'<img src="/media/{first.image.name}"' in page
    assert f'<img src="/media/{first.image.name}"' in recap
    assert picture.status_code == 200
    assert picture["Cache-Control"] == "private, max-age=31536000, immutable"
    assert picture["Content-Type"] == "image/svg+xml"
    assert b"".join(picture.streaming_content).startswith(b"<svg")


async def test_a_missing_picture_is_made_again_once_even_when_asked_twice(monkeypatch):
    session_key, adventure = await new_game()
    player = Player(adventure.id, session_key)
    await player.connect()
    await player.receive_chapter(1)
    await player.settle()
    await player.close()
    # As if the process making the picture had died: pending, no file.
    await database_sync_to_async(Chapter.objects.filter(adventure=adventure, number=1).update)(
        image="", image_status=ImageStatus.PENDING
    )
    calls = []
    real = offline.OfflineProvider.chapter_picture

    async def counted(self, scene):
        calls.append(scene.brief.number)
        await asyncio.sleep(0.2)  # long enough for the second page to ask meanwhile
        return await real(self, scene)

    monkeypatch.setattr(offline.OfflineProvider, "chapter_picture", counted)
    chapters = await database_sync_to_async(lambda: list(Chapter.objects.filter(adventure=adventure)))()
    adventure = await database_sync_to_async(Adventure.objects.get)(pk=adventure.id)
    await asyncio.gather(
        extras.request_missing(adventure.id, chapters, adventure.agency_options),
        extras.request_missing(adventure.id, chapters, adventure.agency_options),
    )
    await background.drain()
    assert calls == [1]
    assert (await database_sync_to_async(chapter)(adventure.id, 1)).image_status == ImageStatus.READY
    # Once there, nothing asks for it again.
    chapters = await database_sync_to_async(lambda: list(Chapter.objects.filter(adventure=adventure)))()
    await extras.request_missing(adventure.id, chapters, adventure.agency_options)
    await background.drain()
    assert calls == [1]


async def test_gemini_pictures_become_stored_web_pictures(fake_gemini, settings, media):  # noqa: F811
    session_key, adventure = await new_game()
    player = Player(adventure.id, session_key)
    await player.connect()
    await player.receive_chapter(1)
    await player.settle()
    await player.close()
    first = await database_sync_to_async(chapter)(adventure.id, 1)
    mime_type, image_format, extension = web_format(settings)  # WebP, or Vertex AI's JPEG as it came
    assert first.image.name.endswith(f".{extension}")
    image = Image.open(io.BytesIO((media / first.image.name).read_bytes()))
    assert image.format == image_format and (image.width, image.height) == (first.image_width, first.image_height)
    assert first.image_alt  # the scene description
    # The picture was asked of the image model with the IMAGE modality.
    image_calls = fake_gemini.calls(model=settings.GEMINI_IMAGE_MODEL)
    assert len(image_calls) == 4  # three agency options and chapter 1
    assert all(r.wants_image for r in image_calls)
    assert {r.image_format[0] for r in image_calls} == {"image/jpeg" if settings.GEMINI_USE_VERTEXAI else "image/png"}
    response = await database_sync_to_async(lambda: client_for(session_key).get(f"/media/{first.image.name}"))()
    assert response.status_code == 200 and response["Content-Type"] == mime_type


def test_a_picture_of_the_size_the_image_models_send_is_stored_as_a_small_webp(media):
    from adventures import picture_store
    from adventures.storytellers.base import Picture
    from tests.support.fake_gemini import replies
    from tests.support.fake_gemini.faults import REAL_PICTURE_SIZE

    png = replies.picture_png(*REAL_PICTURE_SIZE)
    assert len(png) > 1_000_000  # as heavy as the real ones
    data, extension, width, height = picture_store.web_version(Picture(data=png, mime_type="image/png", alt="a gate"))
    image = Image.open(io.BytesIO(data))
    assert (extension, image.format) == ("webp", "WEBP")
    # The models' own size is sharp on a double-density screen: kept, not scaled.
    assert (width, height) == image.size == REAL_PICTURE_SIZE
    assert len(data) < len(png) / 10
    # A web version already (a reused picture) is stored as it is, not converted again;
    # a WebP wider than a double-density screen shows the reader's pictures still is.
    again = picture_store.web_version(Picture(data=data, mime_type="image/webp", alt="a gate"))
    assert again == (data, "webp", width, height)
    wide = io.BytesIO()
    Image.open(io.BytesIO(png)).resize((2 * width, 2 * height)).save(wide, format="WEBP")
    smaller = picture_store.web_version(Picture(data=wide.getvalue(), mime_type="image/webp", alt="a gate"))
    assert smaller[0] != wide.getvalue()
    assert smaller[2:] == (picture_store.MAX_WIDTH, round(2 * height * picture_store.MAX_WIDTH / (2 * width)))
    assert Image.open(io.BytesIO(smaller[0])).size == smaller[2:]


def test_a_jpeg_as_vertex_ai_sends_it_is_kept_as_it_came_and_a_broken_one_refused(media):
    from adventures import picture_store
    from adventures.storytellers.base import Picture
    from tests.support.fake_gemini import replies
    from tests.support.fake_gemini.faults import REAL_PICTURE_SIZE

    jpeg = replies.picture_jpeg(*REAL_PICTURE_SIZE, 0, 85)
    assert picture_store.web_version(Picture(data=jpeg, mime_type="image/jpeg", alt="a gate")) == (
        jpeg,
        "jpg",
        *REAL_PICTURE_SIZE,
    )
    with pytest.raises(picture_store.PictureInvalid):
        picture_store.web_version(Picture(data=jpeg[: len(jpeg) // 2], mime_type="image/jpeg", alt="a gate"))
    # Wider than a double-density screen shows it: converted like any other picture.
    wide = io.BytesIO()
    Image.open(io.BytesIO(jpeg)).resize((2000, 1460)).save(wide, format="JPEG")
    data, extension, width, _ = picture_store.web_version(Picture(data=wide.getvalue(), mime_type="image/jpeg", alt=""))
    assert (extension, Image.open(io.BytesIO(data)).format, width) == ("webp", "WEBP", picture_store.MAX_WIDTH)


async def test_the_text_never_waits_for_pictures(fake_gemini, settings):  # noqa: F811
    # Pictures take ages; chapters must stream and finish regardless.
    fake_gemini.configure(image_latency_ms=4000)
    settings.STORYWEB_IMAGE_DEADLINE = 30
    session_key, adventure = await new_game()
    player = Player(adventure.id, session_key)
    await player.connect()
    _, final = await player.receive_chapter(1)
    await player.choose(1, choice_ids(final)[0])
    await player.receive_chapter(2)
    # When chapter 2 was finished, chapter 1's picture was still being painted.
    first = await database_sync_to_async(chapter)(adventure.id, 1)
    assert first.image_status == ImageStatus.PENDING
    requests = fake_gemini.requests
    stream_1, stream_2 = [r for r in requests if r.stream and r.model == settings.GEMINI_TEXT_MODEL][:2]
    agency_images = [r for r in requests if r.wants_image][:3]
    # Order of events on the fake: chapter 1's call came first; the agency pictures were
    # asked while it streamed, and chapter 2 was asked before any picture was answered.
    assert all(stream_1.at <= r.at for r in agency_images)
    assert all(stream_2.at < r.at + 4.0 for r in agency_images)
    await player.close()
    await background.drain(60)


async def test_chapter_1s_agency_pictures_are_asked_for_together_when_places_are_short(
    fake_gemini,  # noqa: F811
    settings,
):
    """DESIGN §10: chapter 1's three agency pictures are made in parallel. When the
    process's places for pictures are short (other adventures' pictures hold them), the
    three wait for their places together and are asked for at once, not one now and two
    when places free up (runtime/places.py)."""
    settings.STORYWEB_IMAGES_IN_FLIGHT = 3
    fake_gemini.configure(image_latency_ms=300)
    others = picture_store.in_flight()
    await others.acquire(1)  # another adventure's picture: two places are free
    session_key, adventure = await new_game()
    player = Player(adventure.id, session_key)
    await player.connect()
    await player.receive_chapter(1)
    await asyncio.sleep(0.3)
    assert not [r for r in fake_gemini.requests if r.wants_image], "an agency picture was asked for alone"
    others.release(1)
    await player.settle()
    await player.close()
    agency = [r.at for r in fake_gemini.requests if r.wants_image][:3]
    # In flight together: the last one asked before the first one was answered.
    assert len(agency) == 3 and max(agency) - min(agency) < 0.3
    assert others.free == 3


async def test_a_part_is_rendered_once_for_every_page_and_sent_only_to_the_chapter_it_belongs_to(media, monkeypatch):
    """Whoever saves a picture (or title, choices, narration) renders it once, in the same
    trip to a thread as the save; every page showing that chapter sends that HTML as it
    is, and a page that moved on to the next chapter sends nothing."""
    rendered: list[tuple[int, str]] = []
    render_part = reader.chapter_part

    def counting(adventure_id, number, part):
        rendered.append((number, part))
        return render_part(adventure_id, number, part)

    monkeypatch.setattr(reader, "chapter_part", counting)
    session_key, adventure = await new_game()
    first, second = Player(adventure.id, session_key), Player(adventure.id, session_key)
    await first.connect()
    await second.connect()
    await first.receive_chapter(1)
    await second.receive_chapter(1)
    seen = [await first.settle(), await second.settle()]
    pictures = [[m for m in messages if m.startswith('<figure id="chapter-image"')] for messages in seen]
    assert pictures[0] == pictures[1] and len(pictures[0]) == 1 and "<img" in pictures[0][0]
    assert rendered.count((1, "image")) == 1  # once, for both pages
    await first.close()
    await second.close()

    consumer = AdventureConsumer()
    sent: list[str] = []

    async def send(text_data=None, bytes_data=None, close=False):
        sent.append(text_data)

    consumer.send = send
    consumer.showing = 2  # the screen moved on to chapter 2
    await consumer.adventure_chapter_updated({"number": 1, "part": "image", "html": pictures[0][0]})
    await consumer.adventure_agency_picture_ready({"index": 1, "html": "<figure></figure>"})
    assert sent == []
    consumer.showing = 1
    await consumer.adventure_chapter_updated({"number": 1, "part": "image", "html": pictures[0][0]})
    assert sent == pictures[0]


async def test_pictures_go_only_to_the_adventures_owner(media):
    from django.test import Client

    from tests.factories import visitor_session

    session_key, adventure = await new_game()
    player = Player(adventure.id, session_key)
    await player.connect()
    await player.receive_chapter(1)
    await player.settle()
    await player.close()
    first = await database_sync_to_async(chapter)(adventure.id, 1)
    stranger_key, _ = await database_sync_to_async(visitor_session)()

    def fetch(client):
        return client.get(f"/media/{first.image.name}").status_code

    statuses = await database_sync_to_async(
        lambda: [fetch(client_for(session_key)), fetch(client_for(stranger_key)), fetch(Client())]
    )()
    assert statuses == [200, 404, 404]


async def test_nothing_but_an_owned_adventures_picture_is_served(media):
    """Not a picture kept for reuse, not a stray file, not another adventure's picture
    reached through `..` from one's own folder (a raw client sends it unnormalised)."""
    mine_key, mine = await new_game()
    theirs_key, theirs = await new_game(seed=4)
    for session_key, adventure in ((mine_key, mine), (theirs_key, theirs)):
        player = Player(adventure.id, session_key)
        await player.connect()
        await player.receive_chapter(1)
        await player.settle()
        await player.close()
    their_picture = (await database_sync_to_async(chapter)(theirs.id, 1)).image.name
    (media / "reused").mkdir(exist_ok=True)
    (media / "reused" / "0123abcd.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (media / "notes.txt").write_text("not a picture")
    their_file = their_picture.rsplit("/", 1)[1]
    paths = [
        f"/media/{their_picture}",  # (theirs: 200 for them, below)
        "/media/reused/0123abcd.svg",
        "/media/notes.txt",
        f"/media/adventures/{mine.id}/../{theirs.id}/{their_file}",
        f"/media/adventures/{mine.id}/../../reused/0123abcd.svg",
    ]

    def statuses(session_key):
        client = client_for(session_key)
        return [client.get(path).status_code for path in paths]

    assert await database_sync_to_async(statuses)(mine_key) == [404] * 5
    assert await database_sync_to_async(statuses)(theirs_key) == [200, 404, 404, 404, 404]
