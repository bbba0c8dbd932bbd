"""`manage.py cleanup_adventures`: what goes, what stays, and what it costs per batch."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from adventures import services
from adventures.models import Adventure, AdventureStatus, Chapter, CharacterVisual, Feedback, TelemetryEvent
from adventures.operations import telemetry
from adventures.services import cleanup
from tests.factories import start_adventure
from tests.test_dashboard import play

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 3"><rect width="4" height="3"/></svg>'


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    settings.STORYWEB_CLEANUP_DAYS = 30
    return tmp_path


def adventure_with_pictures(
    visitor: str, *, status: str, idle_days: float, chapters: int = 2, completed_days: float | None = None
) -> tuple[Adventure, list[str]]:
    """An adventure with `chapters` chapters, a picture for each, one agency picture and
    one character visual, last touched `idle_days` ago. Returns it and its file names."""
    adventure = start_adventure(visitor=visitor, length=6)
    names = []
    for chapter in play(adventure, chapters=chapters):
        name = default_storage.save(f"adventures/{adventure.id}/chapter-{chapter.number}.svg", ContentFile(SVG))
        services.chapter_picture_save(chapter_id=chapter.pk, name=name, alt="a scene", width=4, height=3)
        names.append(name)
    option = adventure.agency_options[0]
    name = default_storage.save(f"adventures/{adventure.id}/agency-0.svg", ContentFile(SVG))
    services.agency_picture_save(adventure_id=adventure.id, option_id=option.id, name=name, alt="an option")
    names.append(name)
    services.character_visuals_save(adventure_id=adventure.id, visuals={"Nib": "a freckled child"})
    now = timezone.now()
    Adventure.objects.filter(pk=adventure.pk).update(
        status=status,
        updated_at=now - timedelta(days=idle_days),
        completed_at=None if completed_days is None else now - timedelta(days=completed_days),
    )
    return adventure, names


def exists(names: list[str]) -> list[bool]:
    return [default_storage.exists(name) for name in names]


@pytest.fixture
def world_of_adventures() -> dict[str, tuple[Adventure, list[str]]]:
    return {
        "old in progress": adventure_with_pictures("v1", status=AdventureStatus.IN_PROGRESS, idle_days=45),
        "old abandoned": adventure_with_pictures("v2", status=AdventureStatus.ABANDONED, idle_days=31, chapters=3),
        "recent in progress": adventure_with_pictures("v3", status=AdventureStatus.IN_PROGRESS, idle_days=29.9),
        "recent abandoned": adventure_with_pictures("v4", status=AdventureStatus.ABANDONED, idle_days=2),
        "old completed": adventure_with_pictures(
            "v5", status=AdventureStatus.COMPLETED, idle_days=200, completed_days=200
        ),
        "recent completed": adventure_with_pictures(
            "v6", status=AdventureStatus.COMPLETED, idle_days=10, completed_days=10
        ),
    }


def run(*args: str) -> str:
    out = StringIO()
    call_command("cleanup_adventures", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_changes_nothing_and_counts_what_would_go(world_of_adventures):
    before = (Adventure.objects.count(), Chapter.objects.count(), CharacterVisual.objects.count())
    output = run("--dry-run")
    assert output == (
        "Dry run: nothing is deleted.\n"
        "Unfinished adventures untouched for 30 days: would remove 2 adventures, 5 chapters, "
        "2 character visuals, 7 picture files (1 batch).\n"
        "Guests' adventures untouched for 90 days: would remove 1 adventure, 2 chapters, "
        "1 character visual, 3 picture files (1 batch), and 0 comments.\n"
        "Classes closed more than 30 days ago: would remove 0 classes with 0 children and 0 adventures.\n"
        "Telemetry older than 90 days: would remove 0 events.\n"
        "Expired sessions: would remove 0 sessions.\n"
    )
    assert (Adventure.objects.count(), Chapter.objects.count(), CharacterVisual.objects.count()) == before
    for _, names in world_of_adventures.values():
        assert all(exists(names))


def test_a_run_removes_exactly_the_expired_adventures_with_their_files(world_of_adventures, media):
    feedback = Feedback.objects.create(rating="up", adventure=world_of_adventures["old abandoned"][0], visitor="v2")
    output = run()
    assert output == (
        "Unfinished adventures untouched for 30 days: removed 2 adventures, 5 chapters, "
        "2 character visuals, 7 picture files (1 batch).\n"
        "Guests' adventures untouched for 90 days: removed 1 adventure, 2 chapters, "
        "1 character visual, 3 picture files (1 batch), and 0 comments.\n"
        "Classes closed more than 30 days ago: removed 0 classes with 0 children and 0 adventures.\n"
        "Telemetry older than 90 days: removed 0 events.\n"
        "Expired sessions: removed 0 sessions.\n"
    )
    gone = {"old in progress", "old abandoned", "old completed"}
    remaining = set(Adventure.objects.values_list("pk", flat=True))
    for label, (adventure, names) in world_of_adventures.items():
        if label in gone:
            assert adventure.pk not in remaining, label
            assert not any(exists(names)), label
            assert not (media / "adventures" / str(adventure.pk)).exists(), label
        else:
            assert adventure.pk in remaining, label
            assert all(exists(names)), label
    assert not Chapter.objects.filter(adventure_id__in=[world_of_adventures[label][0].pk for label in gone]).exists()
    assert CharacterVisual.objects.count() == 3
    feedback.refresh_from_db()
    assert feedback.adventure_id is None  # feedback stays, without its adventure


def test_days_defaults_to_the_setting_and_can_be_given(world_of_adventures, settings):
    settings.STORYWEB_CLEANUP_DAYS = 40
    assert "would remove 1 adventure, 2 chapters, 1 character visual, 3 picture files" in run("--dry-run")
    assert "untouched for 1 day: would remove 4 adventures" in run("--dry-run", "--days", "1")


def in_an_account(adventures: dict[str, tuple[Adventure, list[str]]]) -> None:
    """Accounts' adventures are kept until deleted (guests' go after the guest retention)."""
    user = User.objects.create_user("acct")
    Adventure.objects.filter(pk__in=[a.pk for a, _ in adventures.values()]).update(user=user)


def test_completed_days_removes_old_completed_adventures_only(world_of_adventures):
    in_an_account(world_of_adventures)
    output = run("--completed-days", "90")
    assert output.splitlines()[2] == (
        "Completed adventures finished more than 90 days ago: removed 1 adventure, 2 chapters, "
        "1 character visual, 3 picture files (1 batch)."
    )
    assert not Adventure.objects.filter(pk=world_of_adventures["old completed"][0].pk).exists()
    assert Adventure.objects.filter(pk=world_of_adventures["recent completed"][0].pk).exists()
    assert Adventure.objects.filter(status=AdventureStatus.COMPLETED).count() == 1


def test_a_completed_adventure_touched_recently_stays(world_of_adventures):
    in_an_account(world_of_adventures)
    old = world_of_adventures["old completed"][0]
    Adventure.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=5))
    assert "removed 0 adventures" in run("--completed-days", "90").splitlines()[2]
    assert Adventure.objects.filter(pk=old.pk).exists()


def test_telemetry_days_removes_old_events_only(world_of_adventures):
    TelemetryEvent.objects.all().delete()
    for days in (100, 61, 59, 1):
        telemetry.record("recap_viewed")
        TelemetryEvent.objects.filter(pk=TelemetryEvent.objects.latest("pk").pk).update(
            created_at=timezone.now() - timedelta(days=days)
        )
    assert run("--telemetry-days", "60", "--dry-run").splitlines()[-2] == (
        "Telemetry older than 60 days: would remove 2 events."
    )
    assert TelemetryEvent.objects.count() == 4
    assert run("--telemetry-days", "60").splitlines()[-2] == "Telemetry older than 60 days: removed 2 events."
    assert TelemetryEvent.objects.count() == 2


def test_telemetry_goes_in_batches():
    TelemetryEvent.objects.all().delete()
    for _ in range(5):
        telemetry.record("recap_viewed")
    TelemetryEvent.objects.update(created_at=timezone.now() - timedelta(days=10))
    assert services.telemetry_delete_older(older_than=timezone.now(), batch_size=2) == 5
    assert not TelemetryEvent.objects.exists()


def test_batches_walk_every_expired_adventure():
    expired = [adventure_with_pictures(f"b{n}", status="abandoned", idle_days=40)[0].pk for n in range(5)]
    output = run("--batch-size", "2")
    assert "removed 5 adventures, 10 chapters, 5 character visuals, 15 picture files (3 batches)" in output
    assert not Adventure.objects.filter(pk__in=expired).exists()


def test_queries_per_batch_do_not_grow_with_the_batch_size():
    def queries_for_one_batch(size: int, *, dry_run: bool) -> int:
        Adventure.objects.all().delete()
        for n in range(size):
            adventure_with_pictures(f"q{size}-{n}-{dry_run}", status="abandoned", idle_days=40, chapters=3)
        with CaptureQueriesContext(connection) as captured:
            report = services.adventures_delete_expired(
                older_than=timezone.now() - timedelta(days=30), batch_size=size, dry_run=dry_run
            )
        assert (report.adventures, report.batches) == (size, 1)
        if not dry_run:
            assert not Adventure.objects.exists()
        return len(captured)

    assert queries_for_one_batch(1, dry_run=True) == queries_for_one_batch(6, dry_run=True)
    one, six = queries_for_one_batch(1, dry_run=False), queries_for_one_batch(6, dry_run=False)
    assert one == six
    # The page of candidates, the locked re-read, the pictures, the deletes, the empty last page
    # (and, inside the test's transaction, a savepoint and its release).
    assert one <= 11


def test_an_adventure_played_after_its_batch_was_picked_survives():
    adventure, names = adventure_with_pictures("late", status="in_progress", idle_days=40)
    cutoff = timezone.now() - timedelta(days=30)
    candidates = cleanup._expired(older_than=cutoff, statuses=services.UNFINISHED)
    batch = list(candidates.values_list("pk", flat=True))
    assert batch == [adventure.pk]
    # The player comes back between the batch being picked and being deleted.
    Adventure.objects.filter(pk=adventure.pk).update(updated_at=timezone.now())
    report = cleanup._delete_batch(batch, candidates)
    assert (report.adventures, report.chapters, report.files) == (0, 0, 0)
    assert Chapter.objects.filter(adventure=adventure).count() == 2
    assert all(exists(names))


@pytest.mark.parametrize("args", [["--days", "0"], ["--batch-size", "-1"], ["--telemetry-days", "soon"]])
def test_bad_numbers_are_refused(args):
    with pytest.raises(CommandError, match="expected a whole number of at least 1"):
        run(*args)


def test_guests_adventures_and_comments_go_after_the_guest_retention_accounts_stay(settings):
    settings.STORYWEB_RETENTION_GUEST_DAYS = 60
    adventure_with_pictures("g1", status=AdventureStatus.COMPLETED, idle_days=61, completed_days=61)
    guest_new, _ = adventure_with_pictures("g2", status=AdventureStatus.COMPLETED, idle_days=59, completed_days=59)
    kept, _ = adventure_with_pictures("a1", status=AdventureStatus.COMPLETED, idle_days=400, completed_days=400)
    Adventure.objects.filter(pk=kept.pk).update(user=User.objects.create_user("reader"))
    old_comment = Feedback.objects.create(rating="up", comment="old", visitor="g1")
    Feedback.objects.filter(pk=old_comment.pk).update(created_at=timezone.now() - timedelta(days=61))
    Feedback.objects.create(rating="up", comment="new", visitor="g2")
    output = run()
    assert output.splitlines()[1] == (
        "Guests' adventures untouched for 60 days: removed 1 adventure, 2 chapters, "
        "1 character visual, 3 picture files (1 batch), and 1 comment."
    )
    assert set(Adventure.objects.values_list("pk", flat=True)) == {guest_new.pk, kept.pk}
    assert list(Feedback.objects.values_list("comment", flat=True)) == ["new"]


def test_telemetry_goes_after_the_retention_setting_by_default(settings):
    settings.STORYWEB_RETENTION_TELEMETRY_DAYS = 30
    TelemetryEvent.objects.all().delete()
    for days in (31, 29):
        telemetry.record("recap_viewed")
        TelemetryEvent.objects.filter(pk=TelemetryEvent.objects.latest("pk").pk).update(
            created_at=timezone.now() - timedelta(days=days)
        )
    assert run().splitlines()[-2] == "Telemetry older than 30 days: removed 1 event."
    assert TelemetryEvent.objects.count() == 1


def test_expired_sessions_go_and_live_ones_stay():
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    keys = []
    for age_days in (100, 91, 1):
        session = SessionStore()
        session["storyweb_visitor"] = f"v{age_days}"
        session.save()
        Session.objects.filter(pk=session.session_key).update(
            expire_date=timezone.now() + timedelta(days=90 - age_days)
        )
        keys.append(session.session_key)
    assert run("--dry-run").splitlines()[-1] == "Expired sessions: would remove 2 sessions."
    assert run().splitlines()[-1] == "Expired sessions: removed 2 sessions."
    assert list(Session.objects.values_list("pk", flat=True)) == [keys[2]]
