"""The production run of README.md, for real: collectstatic, DEBUG off, daphne with its
size limits behind one TLS-ending load balancer (STORYWEB_TRUSTED_PROXIES=1). Secure cookies, HSTS
and the Content Security Policy are on every answer; oversized socket messages are closed
by daphne with 1009 before the game reads them; and a player can play."""

from __future__ import annotations

import http.client
import os
import re
import uuid

import pytest

from tests.consumer_support import choice_ids
from tests.support.live import Browser, LivePlayer
from tests.support.production import SECRET_KEY
from tests.support.servers import (
    DAPHNE_LIMITS,
    ROOT,
    Server,
    collect_static,
    prepare,
    query,
    scratch_database,
    server_env,
)

pytestmark = [pytest.mark.slow]

MESSAGE_TOO_BIG = 1009

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; media-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def test_make_run_and_the_test_servers_give_daphne_the_same_limits():
    makefile = (ROOT / "Makefile").read_text()
    match = re.search(r"^DAPHNE_LIMITS := (.+)$", makefile, re.M)
    assert match, "the Makefile defines DAPHNE_LIMITS"
    assert match.group(1).split() == DAPHNE_LIMITS
    assert "$(DAPHNE_LIMITS)" in makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    readme = (ROOT / "README.md").read_text()
    assert " ".join(DAPHNE_LIMITS) in readme


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """One daphne process with DEBUG off, as README.md's "Production" section runs it."""
    tmp = tmp_path_factory.mktemp("production")
    with scratch_database(tmp) as database_url:
        extra = {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_BEHIND_PROXY": "1",
            "DJANGO_STATIC_ROOT": str(tmp / "static"),
            "STORYWEB_ALLOW_OFFLINE_IN_PRODUCTION": "1",
            "STORYWEB_ADVENTURES_PER_IP_PER_HOUR": "2",
            "STORYWEB_TRUSTED_PROXIES": "1",
            "STORYWEB_REDIS_PREFIX": f"prod-{uuid.uuid4().hex[:8]}",
        }
        if not os.environ.get("REDIS_URL"):
            extra["STORYWEB_ALLOW_MEMORY_LAYER_IN_PRODUCTION"] = "1"  # one process, no Redis: said so
        env = server_env(database_url, tmp / "media", **extra)
        prepare(env)
        collect_static(env)
        server = Server(env, tmp / "daphne.log").start()
        try:
            yield server, database_url
        finally:
            server.stop()


def test_plain_http_is_sent_to_https_except_the_health_check(production_server):
    server, _ = production_server
    browser = Browser(server.url)
    response = browser.get("/")
    assert response.status == 301 and response.headers["Location"] == f"https://127.0.0.1:{server.port}/"
    assert browser.get("/healthz/").status == 200


def test_every_answer_carries_the_security_headers(production_server):
    server, _ = production_server
    browser = Browser(server.url, behind_tls=True)
    for path in ("/", "/accounts/login/", "/accounts/signup/", "/adventures/", "/admin/login/"):
        response = browser.get(path)
        assert response.status == 200, path
        headers = response.headers
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload", path
        assert headers["Content-Security-Policy"] == CSP, path
        assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
        assert (headers["X-Frame-Options"], headers["X-Content-Type-Options"]) == ("DENY", "nosniff"), path
        assert headers["Referrer-Policy"] == "same-origin", path
        assert "<script>" not in response.text and " style=" not in response.text, path
    newcomer = Browser(server.url, behind_tls=True)
    first_visit = newcomer.get("/")
    cookies = {c.split("=", 1)[0]: c for c in first_visit.headers.get_all("Set-Cookie")}
    assert "sessionid" not in cookies  # looking costs no session row
    assert "; secure" in cookies["csrftoken"].lower()
    started = newcomer.post(
        "/adventures/",
        {"world": "pearlwater-deep", "topic": "ocean-life", "difficulty": "standard", "length": "6"},
        **{"X-Forwarded-For": "192.0.2.77"},  # an address of its own: the others' limit is 2 an hour
    )
    assert started.status == 302
    cookies = {c.split("=", 1)[0]: c for c in started.headers.get_all("Set-Cookie")}
    session_cookie = cookies["sessionid"].lower()
    assert "; secure" in session_cookie and "; httponly" in session_cookie and "samesite=lax" in session_cookie


def test_static_files_come_from_collectstatic_with_hashed_names(production_server):
    server, _ = production_server
    browser = Browser(server.url, behind_tls=True)
    html = browser.get("/").text
    css = re.search(r'href="(/static/css/storyweb\.[0-9a-f]{12}\.css)"', html)
    assert css, "the manifest's hashed name"
    response = browser.get(css.group(1))
    assert response.status == 200
    assert "immutable" in response.headers["Cache-Control"]


def test_the_per_ip_limit_sees_the_address_the_load_balancer_forwards(production_server):
    server, _ = production_server  # STORYWEB_ADVENTURES_PER_IP_PER_HOUR=2, one trusted proxy
    school, home = "203.0.113.40", "198.51.100.7"
    statuses = []
    # The balancer appends the address it saw; what the client wrote before it counts for nothing.
    forged = [f"198.51.0.{n}, {school}" for n in range(3)]
    for address in (*forged, home):
        browser = Browser(server.url, behind_tls=True)
        statuses.append(
            browser.request("GET", "/", **{"X-Forwarded-For": address}).status == 200
            and browser.post(
                "/adventures/",
                {"world": "pearlwater-deep", "topic": "ocean-life", "difficulty": "standard", "length": "6"},
                **{"X-Forwarded-For": address},
            ).status
        )
    assert statuses == [302, 302, 429, 302]


async def test_a_player_plays_and_daphne_cuts_off_oversized_messages(production_server):
    server, database_url = production_server
    browser = Browser(server.url, behind_tls=True)
    adventure_id = browser.start_adventure()
    player = LivePlayer(server.url, adventure_id, browser)
    await player.connect()
    _, final = await player.receive_chapter(1)
    assert len(choice_ids(final)) == 3
    before = query(database_url, "SELECT number, text, chosen_choice FROM adventures_chapter ORDER BY number")

    # Over the game's 4 KB, under daphne's 16 KB: the game's own polite refusal.
    await player.send_raw('{"action": "resume", "pad": "' + "x" * 5000 + '"}')
    answer = (await player.receive_until("status--error"))[-1]  # (after the chapter's title and picture)
    assert answer.startswith('<div id="status" class="status status--error"') and "That message was too long." in answer
    # Over daphne's limit: closed with 1009 (message too big; storyweb/bounds.py) before
    # the game sees a byte of it; with daphne's default of 1 MiB this would be the polite error.
    await player.send_raw('{"action": "resume", "pad": "' + "x" * 20_000 + '"}')
    assert await player.closed_with() == MESSAGE_TOO_BIG
    assert query(database_url, "SELECT number, text, chosen_choice FROM adventures_chapter ORDER BY number") == before

    # A message over 16 KB in frames under it: the same (daphne's message limit).
    fragmented = LivePlayer(server.url, adventure_id, browser)
    await fragmented.connect()
    await fragmented.receive()
    await fragmented.ws.send(iter(['{"action": "resume", "pad": "', "x" * 10_000, "x" * 10_000, '"}']))
    assert await fragmented.closed_with() == MESSAGE_TOO_BIG
    assert query(database_url, "SELECT number, text, chosen_choice FROM adventures_chapter ORDER BY number") == before

    again = LivePlayer(server.url, adventure_id, browser)
    await again.connect()
    state = await again.receive()
    assert state.startswith('<article id="chapter" class="chapter chapter--story" data-chapter="1"')
    await again.choose(1, choice_ids(final)[2])
    await again.receive_chapter(2)
    await again.close()


async def test_a_foreign_origin_cannot_open_a_socket(production_server):
    from websockets.exceptions import InvalidStatus

    server, _ = production_server
    browser = Browser(server.url, behind_tls=True)
    adventure_id = browser.start_adventure()
    for origin in ("https://evil.example", "null"):
        player = LivePlayer(server.url, adventure_id, browser, origin=origin)
        with pytest.raises(InvalidStatus) as refused:
            await player.connect()
        assert refused.value.response.status_code == 403


def post_raw(server, path: str, body, headers: dict[str, str]):
    """A POST straight to daphne: `body` bytes (with Content-Length) or an iterable of
    chunks (Transfer-Encoding: chunked, no length). The response, read."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request("POST", path, body=body, headers=headers, encode_chunked=not isinstance(body, bytes))
        response = connection.getresponse()
        response.body = response.read()
        return response
    finally:
        connection.close()


async def test_a_body_over_the_limit_gets_413_before_django_and_the_game_goes_on(production_server):
    server, database_url = production_server
    browser = Browser(server.url, behind_tls=True)
    address = {"X-Forwarded-For": "192.0.2.88"}  # its own: the others' limit is 2 an hour
    assert browser.get("/", **address).status == 200
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": browser.cookie_header(),
        "X-Forwarded-Proto": "https",
        "Origin": browser.origin(),
        "X-CSRFToken": browser.cookie("csrftoken"),
        **address,
    }
    form = b"world=pearlwater-deep&topic=ocean-life&difficulty=standard&length=6&pad="
    over = 256 * 1024 + 1 - len(form)  # STORYWEB_MAX_REQUEST_BYTES + 1 in all
    adventures = "SELECT count(*) FROM adventures_adventure"
    before = query(database_url, adventures)[0][0]

    # Declared too large: refused by its Content-Length, the body dropped as it arrives
    # (storyweb/bounds.py: daphne's own 413 page; the application never starts).
    refused = post_raw(server, "/adventures/", form + b"x" * (2 * 1024 * 1024), headers)
    assert refused.status == 413 and b"413 Payload Too Large" in refused.body  # daphne refused it, unkept
    assert post_raw(server, "/adventures/", form + b"x" * over, headers).status == 413
    # No length at all: the chunks are counted, and refused once past the limit.
    refused = post_raw(server, "/adventures/", iter([form] + [b"x" * 65536] * 8), headers)
    assert refused.status == 413 and b"413 Payload Too Large" in refused.body  # daphne: kept no more than the limit
    assert query(database_url, adventures)[0][0] == before

    # Within the limit, with a length or chunked, a body still reaches Django: new adventures.
    assert post_raw(server, "/adventures/", form + b"x" * (over - 1), headers).status == 302
    started = post_raw(server, "/adventures/", iter([form, b"x" * 10]), headers)
    assert started.status == 302
    assert query(database_url, adventures)[0][0] == before + 2
    # And the game plays on: the second one's chapter 1, over the session it was started with.
    session = next(c.split(";")[0] for c in started.headers.get_all("Set-Cookie") if c.startswith("sessionid="))
    player = LivePlayer(server.url, started.getheader("Location").split("/")[-2], browser)
    player.cookies = f"{headers['Cookie']}; {session}"
    await player.connect()
    _, final = await player.receive_chapter(1)
    assert len(choice_ids(final)) == 3
    await player.close()
