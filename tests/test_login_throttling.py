"""Wrong passwords are throttled per user name and per address, on the game's log-in
page and the admin's alike; the window moves on by itself."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from adventures.operations import limits
from tests.test_limits import START, Clock

pytestmark = [pytest.mark.django_db]

PASSWORD = "a-long-Passphrase-for-42-dragons"
THROTTLED = "Too many wrong passwords. Please wait a quarter of an hour, then try again."


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(START)
    monkeypatch.setattr(limits, "time", clock)
    return clock


def log_in(path: str, username: str, password: str, address: str = "203.0.113.8") -> tuple[int, str]:
    response = Client(REMOTE_ADDR=address).post(path, {"username": username, "password": password})
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_five_wrong_passwords_then_even_the_right_one_waits(settings, clock, path):
    settings.STORYWEB_LOGIN_FAILURES_PER_USERNAME = 5
    get_user_model().objects.create_user("maple", password=PASSWORD, is_staff=True)
    assert [log_in(path, "maple", f"guess{n}")[0] for n in range(5)] == [200] * 5
    status, html = log_in(path, "Maple", PASSWORD)  # the name's case does not matter
    assert status == 200 and THROTTLED in html
    clock.now += 900  # the next quarter of an hour
    assert log_in(path, "maple", PASSWORD)[0] == 302


def test_one_address_guessing_many_names_is_throttled_too(settings, clock):
    settings.STORYWEB_LOGIN_FAILURES_PER_IP = 3
    get_user_model().objects.create_user("maple", password=PASSWORD)
    for name in ("ash", "birch", "cedar"):
        assert THROTTLED not in log_in("/accounts/login/", name, "guess")[1]
    assert THROTTLED in log_in("/accounts/login/", "maple", PASSWORD)[1]
    assert log_in("/accounts/login/", "maple", PASSWORD, address="198.51.100.4")[0] == 302
