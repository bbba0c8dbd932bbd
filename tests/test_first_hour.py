"""What a newcomer meets in the first hour (issue 17): one ending, the recap's figures and
print, My adventures, the skip link, the icon, the admin's name and telemetry list.
The layout itself (phones, 200 % zoom) is checked in Chromium: tests/browser/test_layout.py."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from adventures.models import Adventure, Chapter, ChapterKind, TelemetryEvent
from adventures.play import pages, visitors
from tests.factories import start_adventure, visitor_session
from tests.support.story import write_chapters

pytestmark = pytest.mark.django_db(transaction=True)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def player(client) -> Client:
    # A browser that has started an adventure before (looking at / gives no visitor id).
    session_key, _ = visitor_session()
    client.cookies["sessionid"] = session_key
    return client


def adventure_of(player: Client, **kw) -> Adventure:
    return start_adventure(visitor=player.session[visitors.SESSION_KEY], **kw)


def section(html: str, start: str, end: str) -> str:
    match = re.search(re.escape(start) + ".*?" + re.escape(end), html, re.S)
    assert match, f"{start!r} is missing"
    return match.group(0)


def squeeze(html: str) -> str:
    return re.sub(r"\s*\n\s*", "", html)


# --- The ending ---------------------------------------------------------------------------


def test_a_finished_adventure_ends_with_one_card_that_celebrates(player):
    adventure = adventure_of(player, length=6)
    chapters = write_chapters(adventure, 6)
    adventure.refresh_from_db()
    lesson = next(c for c in chapters if c.kind == ChapterKind.LESSON)
    right = int(bool(lesson.is_correct))
    html = player.get(f"/adventures/{adventure.id}/").content.decode()

    ending = squeeze(section(html, '<section class="the-end"', "</section>"))
    assert ending == (
        '<section class="the-end" aria-labelledby="the-end-heading">'
        '<p class="the-end-stars" aria-hidden="true">★ ★ ★</p>'
        f'<h2 id="the-end-heading" class="the-end-heading">Well done, {adventure.protagonist_name}!</h2>'
        f'<p class="the-end-words">You brought your adventure in {adventure.world.name} all the way home.</p>'
        '<ul class="the-end-feats">'
        "<li><strong>6</strong> chapters read</li>"
        f"<li><strong>{right} of 1</strong> question right</li>"
        f"<li>Your chapter 1 choice: <strong>{adventure.agency.name}</strong></li>"
        "</ul>"
        f'<a class="button button--big" href="/adventures/{adventure.id}/recap/">See your adventure recap</a>'
        "</section>"
    )
    # Said once: no second "The end!" box under it, no second link to the recap.
    status = squeeze(section(html, '<div id="status"', "</div>"))
    assert status == '<div id="status" class="status status--finished" role="status" aria-live="polite"></div>'
    assert html.count(f'href="/adventures/{adventure.id}/recap/"') == 1
    assert "Your adventure is complete" not in html


def test_a_chapter_before_the_last_has_no_ending(player):
    adventure = adventure_of(player, length=6)
    write_chapters(adventure, 5)
    html = player.get(f"/adventures/{adventure.id}/").content.decode()
    assert 'class="the-end"' not in html


# --- Reading time -------------------------------------------------------------------------


def chapter(number: int, kind: str, arrived: int, chosen: int | None = None) -> Chapter:
    """A chapter that arrived `arrived` minutes after T0 and was answered at `chosen`."""
    made = Chapter(number=number, kind=kind, created_at=T0 + timedelta(minutes=arrived))
    made.chosen_at = None if chosen is None else T0 + timedelta(minutes=chosen)
    return made


def test_reading_time_runs_from_each_chapter_to_its_choice_and_the_last_until_the_recap():
    chapters = [chapter(1, "story", 0, 3), chapter(2, "lesson", 3, 4), chapter(3, "conclusion", 4)]
    assert pages.time_spent(chapters, recap_opened=T0 + timedelta(minutes=6)) == timedelta(minutes=6)
    # Never a fixed allowance for the ending: a quick reader gets a quick time.
    assert pages.time_spent(chapters, recap_opened=T0 + timedelta(minutes=4, seconds=20)) == timedelta(
        minutes=4, seconds=20
    )
    # Breaks do not count: each chapter at most ten minutes, the ending too.
    assert pages.time_spent(chapters, recap_opened=T0 + timedelta(hours=5)) == timedelta(minutes=14)


def test_an_unfinished_adventure_counts_up_to_its_last_choice():
    chapters = [chapter(1, "story", 0, 2), chapter(2, "story", 2, 50), chapter(3, "story", 50)]
    assert pages.time_spent(chapters, recap_opened=T0 + timedelta(hours=1)) == timedelta(minutes=12)


def test_the_recap_counts_the_ending_until_it_was_first_opened(player):
    adventure = adventure_of(player, length=6)
    write_chapters(adventure, 6)
    # Each chapter read for one minute; the recap first opened two minutes after the end.
    for number in range(1, 7):
        Chapter.objects.filter(adventure=adventure, number=number).update(
            created_at=T0 + timedelta(minutes=number - 1),
            chosen_at=None if number == 6 else T0 + timedelta(minutes=number),
        )
    end = T0 + timedelta(minutes=5)
    Adventure.objects.filter(pk=adventure.pk).update(completed_at=end)
    TelemetryEvent.objects.create(name="recap_viewed", adventure_id=adventure.id, created_at=end + timedelta(minutes=2))
    html = player.get(f"/adventures/{adventure.id}/recap/").content.decode()
    assert "<div><dt>Time spent</dt><dd>7 minutes</dd></div>" in html


# --- The recap ----------------------------------------------------------------------------


def test_the_recap_gives_the_chosen_thing_its_own_row_and_prints_the_site_and_date(player):
    adventure = adventure_of(player, length=6)
    write_chapters(adventure, 6)
    adventure.refresh_from_db()
    Adventure.objects.filter(pk=adventure.pk).update(created_at=T0, completed_at=T0 + timedelta(days=1))
    html = player.get(f"/adventures/{adventure.id}/recap/").content.decode()
    chosen = adventure.agency.name[0].upper() + adventure.agency.name[1:]
    assert f'<div class="recap-stat--wide"><dt>Chosen in chapter 1</dt><dd>{chosen}</dd></div>' in html
    assert '<p class="recap-site print-only">StoryWeb</p>' in html
    assert '<p class="recap-dates">Started 2 March 2026 · finished 3 March 2026</p>' in html


def test_a_recap_played_in_one_day_says_so(player):
    adventure = adventure_of(player, length=6)
    write_chapters(adventure, 6)
    Adventure.objects.filter(pk=adventure.pk).update(created_at=T0, completed_at=T0 + timedelta(hours=1))
    html = player.get(f"/adventures/{adventure.id}/recap/").content.decode()
    assert '<p class="recap-dates">Played on 2 March 2026</p>' in html


# --- My adventures ------------------------------------------------------------------------


def test_my_adventures_shows_the_chapter_and_a_picture(player, settings):
    adventure = adventure_of(player, world="brasswind-city")
    write_chapters(adventure, 2)
    Chapter.objects.filter(adventure=adventure).update(image="", image_status="pending")
    html = player.get("/adventures/").content.decode()
    card = section(html, '<li class="card adventure-card adventure-card--in_progress">', "</li>")
    # No chapter picture yet: the world's own.
    assert '<img class="adventure-picture" src="/worlds/brasswind-city/picture.svg" alt=""' in card
    assert '<p class="adventure-status">Reading chapter 2 of 10</p>' in card
    # With pictures: the newest chapter's.
    Chapter.objects.filter(adventure=adventure).update(image_status="ready")
    Chapter.objects.filter(adventure=adventure, number=1).update(image=f"adventures/{adventure.id}/one.svg")
    html = player.get("/adventures/").content.decode()
    assert f'src="{settings.MEDIA_URL}adventures/{adventure.id}/one.svg"' in html
    Chapter.objects.filter(adventure=adventure, number=2).update(image=f"adventures/{adventure.id}/two.svg")
    html = player.get("/adventures/").content.decode()
    assert f'src="{settings.MEDIA_URL}adventures/{adventure.id}/two.svg"' in html


# --- Every page ---------------------------------------------------------------------------


def test_the_skip_link_names_what_it_skips_to(player):
    adventure = adventure_of(player, length=6)
    write_chapters(adventure, 1)
    skip = re.compile(r'<a class="skip-link" href="#main">([^<]+)</a>')
    assert skip.findall(player.get("/").content.decode()) == ["Skip to the main content"]
    assert skip.findall(player.get("/adventures/").content.decode()) == ["Skip to the main content"]
    assert skip.findall(player.get("/accounts/login/").content.decode()) == ["Skip to the main content"]
    assert skip.findall(player.get(f"/adventures/{adventure.id}/").content.decode()) == ["Skip to the story"]
    assert skip.findall(player.get(f"/adventures/{adventure.id}/recap/").content.decode()) == ["Skip to the recap"]


def test_favicon_ico_is_the_games_icon(client):
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/img/favicon.svg")


def test_the_start_page_keeps_descriptions_behind_tell_me_more(client):
    html = client.get("/").content.decode()
    card = squeeze(section(html, '<div class="pick-card">', "</details>"))
    assert re.fullmatch(
        r'<div class="pick-card"><label class="option-card">'
        r'<img class="option-picture" src="/worlds/([a-z-]+)/picture.svg" alt="" width="1200" height="800">'
        r'<span class="option-name"><input type="radio" name="world" value="\1" '
        r'aria-describedby="about-world-\1"\s+required> [^<]+</span></label>'
        r'<details class="pick-more"><summary>Tell me more<span class="visually-hidden"> about [^<]+</span></summary>'
        r'<p id="about-world-\1">[^<]+</p></details>',
        card,
    ), card


# --- The admin ----------------------------------------------------------------------------


def test_the_admin_is_storywebs(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert '<div id="site-name"><a href="/admin/">StoryWeb admin</a></div>' in html
    assert "<title>Stories, players and figures | StoryWeb admin</title>" in html
    assert "Django administration" not in html


def test_the_telemetry_list_has_short_columns(admin_client):
    TelemetryEvent.objects.create(
        name="chapter_viewed", created_at=T0, chapter_number=4, chapter_kind="lesson", duration_ms=1500
    )
    html = admin_client.get("/admin/adventures/telemetryevent/").content.decode()
    headers = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', html)
    assert headers == ["when", "name", "adventure", "chapter", "duration", "outcome"]
    row = squeeze(section(html, '<tr><th class="field-when">', "</tr>"))
    assert re.sub(r'href="[^"]+"', 'href=""', row) == (
        '<tr><th class="field-when"><a href="">2 Mar 09:00:00</a></th><td class="field-name">chapter_viewed</td>'
        '<td class="field-adventure">-</td><td class="field-chapter">4 lesson</td>'
        '<td class="field-duration">1500</td><td class="field-outcome">-</td></tr>'
    )
