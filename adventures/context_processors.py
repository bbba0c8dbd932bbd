"""Template context shared by every page: the reader's text size and reading comfort,
remembered in the session (so per browser, with or without an account)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

TEXT_SIZES = ("small", "medium", "large", "x-large")

# Each reading-comfort setting: its choices, the first being the default, with the
# words the reader bar shows for them.
COMFORT_CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "font": (("storybook", "Storybook"), ("easy-read", "Easy-read")),
    "spacing": (("normal", "Normal"), ("roomy", "Roomy")),
    "colours": (("paper", "Paper"), ("cream", "Cream"), ("dark", "Dark")),
    "focus": (("off", "Off"), ("line", "On")),
}
COMFORT_LABELS = {"font": "Letters", "spacing": "Line spacing", "colours": "Colours", "focus": "Line focus"}


def reading_comfort(session: Any) -> dict[str, str]:
    """The stored settings, each checked against its choices (bad values read as the default)."""
    stored = session.get("reading_comfort", {}) if session is not None else {}
    if not isinstance(stored, dict):
        stored = {}
    comfort = {}
    for name, choices in COMFORT_CHOICES.items():
        values = [value for value, _label in choices]
        value = stored.get(name)
        comfort[name] = value if value in values else values[0]
    return comfort


def reader_preferences(request: HttpRequest) -> dict[str, Any]:
    session = getattr(request, "session", None)
    size = session.get("text_size", "medium") if session is not None else "medium"
    comfort = reading_comfort(session)
    # Just after a change the panel stays open, so several settings can be tried in turn.
    comfort_open = bool(session.pop("comfort_open", False)) if session is not None else False
    return {
        "text_size": size if size in TEXT_SIZES else "medium",
        "text_sizes": TEXT_SIZES,
        "comfort": comfort,
        "comfort_open": comfort_open,
        "comfort_classes": " ".join(f"{name}-{value}" for name, value in comfort.items()),
        "comfort_settings": [
            {
                "name": name,
                "label": COMFORT_LABELS[name],
                "choices": [{"value": v, "label": label, "on": comfort[name] == v} for v, label in choices],
            }
            for name, choices in COMFORT_CHOICES.items()
        ],
    }
