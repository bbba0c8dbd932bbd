"""The safe chapter stream on hand-made providers: what is held back, what is passed
on, what a flag does, and the settings that switch layers."""

from __future__ import annotations

import dataclasses

import pytest

from adventures.operations import telemetry
from adventures.safety.stream import ChapterRefused, safe_chapter
from adventures.storytellers.base import ChapterDone, ProviderError, Rewind, TextPiece, Verdict
from tests.llm.briefs import make_brief

BRIEF = make_brief(number=3, kind="story", seed=4)
CLEAN = "The gate creaked open. Quill sniffed the air. The river sang below."
UNSAFE = "He stabbed the guard."


@dataclasses.dataclass
class Scripted:
    """A provider that plays one scripted draft per call and judges with `verdicts`."""

    drafts: list[str]
    verdicts: list[Verdict] = dataclasses.field(default_factory=list)
    briefs: list = dataclasses.field(default_factory=list)
    moderated: list[str] = dataclasses.field(default_factory=list)
    fail_moderation: bool = False
    name: str = "scripted"

    async def stream_chapter(self, brief):
        self.briefs.append(brief)
        text = self.drafts.pop(0)
        for i in range(0, len(text), 7):
            yield TextPiece(text[i : i + 7])
        yield ChapterDone(text=text, choices=("Go left", "Go right", "Wait"))

    async def moderate(self, brief, text, *, kind):
        self.moderated.append(text)
        if self.fail_moderation:
            raise ProviderError("the moderation model is down")
        return self.verdicts.pop(0) if self.verdicts else Verdict("none", 1)


async def run(provider):
    return [event async for event in safe_chapter(provider, BRIEF)]


@pytest.fixture(autouse=True)
def _no_telemetry_rows(monkeypatch):
    recorded = []
    monkeypatch.setattr(telemetry, "record", lambda name, **fields: recorded.append((name, fields)))
    return recorded


async def test_a_clean_chapter_passes_a_sentence_at_a_time_and_is_moderated_once():
    provider = Scripted([CLEAN])
    events = await run(provider)
    assert events == [
        TextPiece("The gate creaked open. "),
        TextPiece("Quill sniffed the air. "),
        TextPiece("The river sang below."),
        ChapterDone(text=CLEAN, choices=("Go left", "Go right", "Wait")),
    ]
    assert provider.moderated == [f"{CLEAN}\n\nGo left\n\nGo right\n\nWait"]
    assert [b.caution for b in provider.briefs] == [""]


async def test_a_flagged_sentence_is_never_passed_on_and_the_rewrite_is_told_what_to_avoid(_no_telemetry_rows):
    provider = Scripted([f"The gate creaked open. {UNSAFE} Then more.", CLEAN])
    events = await run(provider)
    assert events[:2] == [TextPiece("The gate creaked open. "), Rewind("safety:screen:violence")]
    assert not [e for e in events if isinstance(e, TextPiece) and "stabbed" in e.text]
    assert events[-1] == ChapterDone(text=CLEAN, choices=("Go left", "Go right", "Wait"))
    assert provider.briefs[1].caution.startswith(
        "An earlier draft of this chapter was set aside because it contained violence."
    )
    assert "stabbed" not in provider.briefs[1].caution
    ((name, fields),) = _no_telemetry_rows
    assert name == "safety_flag"
    assert (fields["where"], fields["layer"], fields["category"], fields["severity"], fields["action"]) == (
        "chapter",
        "screen",
        "violence",
        4,
        "rewritten",
    )
    assert fields["text"] == UNSAFE


async def test_a_flag_in_the_first_sentence_needs_no_rewind():
    provider = Scripted([f"{UNSAFE} The end.", CLEAN])
    events = await run(provider)
    assert not [e for e in events if isinstance(e, Rewind)]
    assert events[0] == TextPiece("The gate creaked open. ")


async def test_a_chapter_the_moderation_call_flags_is_withdrawn_and_rewritten():
    provider = Scripted([CLEAN, CLEAN], verdicts=[Verdict("frightening", 4, "lingering terror"), Verdict("none", 1)])
    events = await run(provider)
    assert Rewind("safety:moderation:frightening") in events
    assert sum(isinstance(e, ChapterDone) for e in events) == 1
    assert "frightening" in provider.briefs[1].caution


async def test_mild_verdicts_below_the_threshold_pass(settings):
    settings.STORYWEB_MODERATION_MIN_SEVERITY = 3
    provider = Scripted([CLEAN], verdicts=[Verdict("frightening", 2)])
    assert isinstance((await run(provider))[-1], ChapterDone)


async def test_after_the_last_rewrite_the_chapter_is_refused(settings, _no_telemetry_rows):
    settings.STORYWEB_SAFETY_REWRITES = 2
    provider = Scripted([UNSAFE, UNSAFE, UNSAFE, CLEAN])
    with pytest.raises(ChapterRefused):
        await run(provider)
    assert len(provider.briefs) == 3
    assert [f["action"] for _, f in _no_telemetry_rows] == ["rewritten", "rewritten", "stopped"]


async def test_a_failed_moderation_call_lets_the_screened_chapter_through_unless_required(settings):
    provider = Scripted([CLEAN], fail_moderation=True)
    assert isinstance((await run(provider))[-1], ChapterDone)
    settings.STORYWEB_MODERATION_REQUIRED = True
    with pytest.raises(ProviderError, match="moderation model is down"):
        await run(Scripted([CLEAN], fail_moderation=True))


async def test_holding_for_moderation_sends_the_chapter_only_once_it_passed(settings):
    settings.STORYWEB_MODERATE_BEFORE_SHOWING = True
    provider = Scripted([CLEAN, CLEAN], verdicts=[Verdict("violence", 5), Verdict("none", 1)])
    events = await run(provider)
    assert events == [TextPiece(CLEAN), ChapterDone(text=CLEAN, choices=("Go left", "Go right", "Wait"))]


async def test_switched_off_layers(settings):
    settings.STORYWEB_SAFETY_SCREEN = False
    provider = Scripted([UNSAFE])
    assert (await run(provider))[-1] == ChapterDone(text=UNSAFE, choices=("Go left", "Go right", "Wait"))
    assert provider.moderated  # the moderation call still judged it (and let it through)
    settings.STORYWEB_SAFETY_MODERATION = False
    provider = Scripted([UNSAFE])
    events = await run(provider)
    # Both layers off: the provider's own pieces, untouched.
    assert [e.text for e in events if isinstance(e, TextPiece)] == ["He stab", "bed the", " guard."]
    assert provider.moderated == []


async def test_a_providers_own_rewind_passes_through_and_forgets_the_held_sentence():
    class Rewinding(Scripted):
        async def stream_chapter(self, brief):
            yield TextPiece("First draft. Half a sen")
            yield Rewind("finish reason SAFETY")
            yield TextPiece(CLEAN)
            yield ChapterDone(text=CLEAN)

    events = await run(Rewinding([]))
    assert events == [
        TextPiece("First draft. "),
        Rewind("finish reason SAFETY"),
        TextPiece("The gate creaked open. "),
        TextPiece("Quill sniffed the air. "),
        TextPiece("The river sang below."),
        ChapterDone(text=CLEAN),
    ]


async def test_the_offline_judge_runs_the_local_screen_once_over_the_finished_chapter(settings, monkeypatch):
    from adventures.safety import moderation
    from adventures.storytellers.offline.provider import OfflineProvider

    settings.STORYWEB_SAFETY_SCREEN = settings.STORYWEB_SAFETY_MODERATION = True
    screened = []
    real = moderation.local_verdict
    monkeypatch.setattr(moderation, "local_verdict", lambda text: screened.append(text) or real(text))
    assert await moderation.judge(OfflineProvider(), BRIEF, CLEAN, kind="chapter") is None
    assert screened == [CLEAN]
    # With the screen switched off, the offline provider's moderation is still its screen.
    settings.STORYWEB_SAFETY_SCREEN = False
    assert await moderation.judge(OfflineProvider(), BRIEF, UNSAFE, kind="chapter") is not None
    assert screened == [CLEAN, UNSAFE]
