"""What each way a Gemini reply can end means for a chapter. Pure Python, no I/O.

A reply ends with a finish reason on its candidate, or, when the prompt itself was
refused, with `promptFeedback.blockReason` and no candidate at all. Every one of them
has a defined outcome here (the README's finish-reason table says what the player sees):

- FINISHED: the chapter is complete (STOP).
- REWRITE: the draft must not be used and a different prompt is needed: a safety stop,
  a blocked prompt, text the model recited from elsewhere, the wrong language, or a
  draft cut off by the output cap (MAX_TOKENS is never a finished chapter). Before any
  text was shown the prompt is quietly re-asked with a caution; after, the shown words
  are withdrawn (base.Rewind) and a new draft streams in.
- RETRY: a transient break (no finish reason, OTHER): the same prompt again, quietly
  while nothing was shown.
"""

from __future__ import annotations

from dataclasses import dataclass

FINISHED, REWRITE, RETRY = "finished", "rewrite", "retry"

# Reasons the safety machinery gave, whichever side of the reply they came from.
SAFETY_REASONS = frozenset(
    {
        "SAFETY",
        "PROHIBITED_CONTENT",
        "BLOCKLIST",
        "SPII",
        "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT",
        "MODEL_ARMOR",
        "JAILBREAK",
    }
)

# What the next draft must do differently, in words for the model. Never shown.
CAUTIONS = {
    "safety": "An earlier draft of this chapter was stopped by the safety filter. Keep every moment gentle and "
    "calm: nobody is hurt or in danger, nothing is scary or unkind, and nothing happens that a child could "
    "copy and get hurt. Solve the problem with kindness and clever thinking.",
    "recitation": "An earlier draft repeated text that already exists. Write every sentence freshly in your own "
    "words; quote no songs, poems, books or films.",
    "length": "An earlier draft was too long and got cut off. Keep this chapter short: about 250 words of story, "
    "then finish properly.",
    "language": "Write the whole chapter in simple English.",
    # Added for a Try again after every draft was refused, so it asks differently again.
    "fresh": "Every earlier draft of this chapter was refused: take the story down a different, quieter path "
    "than before.",
}


@dataclass(frozen=True)
class Verdict:
    outcome: str  # FINISHED / REWRITE / RETRY
    reason: str  # the API's reason, e.g. "SAFETY", "MAX_TOKENS", "blocked:SAFETY", "none"
    caution: str = ""  # the CAUTIONS key for a rewrite

    @property
    def is_safety(self) -> bool:
        return self.caution == "safety"


def _name(value: object) -> str:
    """An SDK enum or a plain string, as the API spells it."""
    if value is None:
        return ""
    return str(getattr(value, "value", value)).upper()


def judge(*, finish: object, block: object = None) -> Verdict:
    """The outcome of a reply that ended with finish reason `finish` (None when the
    stream just stopped) or whose prompt was blocked with `block`."""
    blocked = _name(block)
    if blocked and blocked != "BLOCKED_REASON_UNSPECIFIED":
        return Verdict(REWRITE, f"blocked:{blocked}", "safety")
    reason = _name(finish)
    if reason == "STOP":
        return Verdict(FINISHED, reason)
    if reason == "MAX_TOKENS":
        return Verdict(REWRITE, reason, "length")
    if reason in SAFETY_REASONS:
        return Verdict(REWRITE, reason, "safety")
    if reason in ("RECITATION", "IMAGE_RECITATION"):
        return Verdict(REWRITE, reason, "recitation")
    if reason == "LANGUAGE":
        return Verdict(REWRITE, reason, "language")
    return Verdict(RETRY, reason or "none")


def caution_for(verdicts: list[Verdict]) -> str:
    """The caution for the next draft: every distinct reason met so far, safety first."""
    keys = sorted({v.caution for v in verdicts if v.caution}, key=lambda k: (k != "safety", k))
    return " ".join(CAUTIONS[key] for key in keys)


def safety_ratings(ratings: object) -> list[dict[str, object]]:
    """The ratings of one reply as small plain dicts for telemetry (category, probability,
    blocked), dropping the "HARM_CATEGORY_" prefix."""
    found: list[dict[str, object]] = []
    for rating in ratings if isinstance(ratings, list) else []:
        category = _name(getattr(rating, "category", None)).removeprefix("HARM_CATEGORY_")
        if not category:
            continue
        entry: dict[str, object] = {"category": category, "probability": _name(getattr(rating, "probability", None))}
        if getattr(rating, "blocked", None):
            entry["blocked"] = True
        found.append(entry)
    return found
