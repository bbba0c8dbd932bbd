"""What grown-ups see of the flags: the admin's Safety flags list, the dashboard's daily
count, an email for severe flags; and player text refused with a kind message."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from adventures.models import SafetyFlag, TelemetryEvent
from adventures.operations import dashboard
from adventures.safety.flags import flag_record
from tests.factories import start_adventure

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script> stabbed"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def flag(when: str, severity: int, **fields) -> None:
    values = {"where": "chapter", "layer": "screen", "category": "violence", "action": "rewritten", "text": HOSTILE}
    flag_record(severity=severity, **{**values, **fields})
    latest = TelemetryEvent.objects.latest("pk")
    TelemetryEvent.objects.filter(pk=latest.pk).update(created_at=datetime.fromisoformat(when).replace(tzinfo=UTC))


def test_the_dashboard_counts_flags_per_day_and_the_severe_ones(admin_client):
    flag("2025-03-01T10:00:00", 4)
    flag("2025-03-01T11:00:00", 3, where="picture", layer="moderation", action="fallback art")
    flag("2025-03-03T09:00:00", 5, category="contact")
    TelemetryEvent.objects.create(name="error", created_at=datetime(2025, 3, 2, tzinfo=UTC), details={})
    period = dashboard.Period(start=date(2025, 3, 1), end=date(2025, 3, 3))
    days = [(d.day.day, d.flags, d.severe) for d in dashboard.dashboard(period).safety_flags]
    assert days == [(1, 2, 1), (2, 0, 0), (3, 1, 1)]
    html = admin_client.get(reverse("admin:dashboard"), {"start": "2025-03-01", "end": "2025-03-03"}).content.decode()
    assert (
        '<tr data-safety-day="2025-03-01"><th scope="row">Sat 1 Mar</th>'
        '<td class="num">2</td><td class="num">1</td></tr>' in html
    )
    assert f'href="{reverse("admin:adventures_safetyflag_changelist")}"' in html


def test_the_safety_flags_list_shows_what_was_stopped_escaped(admin_client):
    adventure = start_adventure(visitor="v-review")
    flag_record(
        where="chapter",
        layer="moderation",
        category="violence",
        severity=5,
        action="rewritten",
        text=HOSTILE,
        adventure_id=adventure.id,
        chapter_number=3,
    )
    TelemetryEvent.objects.create(name="error", created_at=datetime(2025, 3, 2, tzinfo=UTC), details={"text": "x"})
    assert SafetyFlag.objects.count() == 1  # only the flags, not the other telemetry
    html = admin_client.get(reverse("admin:adventures_safetyflag_changelist")).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; stabbed" in html and "<script>alert" not in html
    for shown in ("chapter", "violence", "moderation", "rewritten", str(adventure.id)[:8]):
        assert shown in html
    filtered = admin_client.get(reverse("admin:adventures_safetyflag_changelist"), {"category": "contact"})
    assert "stabbed" not in filtered.content.decode()
    detail = admin_client.get(reverse("admin:adventures_safetyflag_change", args=[SafetyFlag.objects.get().pk]))
    assert detail.status_code == 200
    assert admin_client.get(reverse("admin:adventures_safetyflag_add")).status_code == 403


def test_severe_flags_are_emailed_to_the_operator_when_set(settings):
    settings.STORYWEB_SAFETY_EMAIL = "safety@school.example"
    settings.STORYWEB_SAFETY_EMAIL_SEVERITY = 4
    flag_record(where="username", layer="screen", category="slurs", severity=4, action="refused", text="bad name")
    flag_record(where="chapter", layer="moderation", category="frightening", severity=3, action="rewritten", text="x")
    (sent,) = mail.outbox
    assert sent.to == ["safety@school.example"]
    assert sent.subject == "StoryWeb safety flag: slurs (4/5) in a username"
    assert "What was done: refused." in sent.body and "bad name" in sent.body
    settings.STORYWEB_SAFETY_EMAIL = ""
    flag_record(where="chapter", layer="screen", category="sexual", severity=5, action="rewritten", text="y")
    assert len(mail.outbox) == 1


def test_a_flagged_username_is_refused_kindly_and_nothing_is_stored(client):
    response = client.post(
        reverse("signup"), {"username": "killer_kid", "password1": "a-long-pass-9876", "password2": "a-long-pass-9876"}
    )
    assert response.status_code == 400
    refused = "Please pick a different name: that one has words we don&#x27;t use in StoryWeb."
    assert refused in response.content.decode()
    assert not User.objects.exists()
    details = TelemetryEvent.objects.get(name="safety_flag").details
    assert (details["where"], details["category"], details["action"], details["text"]) == (
        "username",
        "violence",
        "refused",
        "killer_kid",
    )
    html = client.get(reverse("signup")).content.decode()
    assert 'type="email"' not in html and "email" not in html.lower()
    response = client.post(
        reverse("signup"), {"username": "StarFox", "password1": "a-long-pass-9876", "password2": "a-long-pass-9876"}
    )
    assert response.status_code == 302 and User.objects.get().username == "StarFox"
