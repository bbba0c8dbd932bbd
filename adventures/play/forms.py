"""Forms of the game: starting an adventure, giving feedback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django import forms

from adventures import plan
from adventures.models import AgeBand, Difficulty, FeedbackRating, LessonTopic, Pronouns, StoryWorld
from adventures.safety import player_text_validator


@dataclass(frozen=True)
class StartOffer:
    """What a class may play (classroom/): the worlds and topics offered (None: all of
    them) and the settings the teacher fixed ("" or None: the child chooses)."""

    world_ids: list[int] | None = None
    topic_ids: list[int] | None = None
    difficulty: str = ""
    length: int | None = None
    age_band: str = ""


class AdventureStartForm(forms.Form):
    world = forms.ModelChoiceField(
        queryset=StoryWorld.objects.active(),
        to_field_name="slug",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Pick a world for your story.", "invalid_choice": "That world does not exist."},
    )
    topic = forms.ModelChoiceField(
        queryset=LessonTopic.objects.active(),
        to_field_name="slug",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Pick something to learn about.", "invalid_choice": "That topic does not exist."},
    )
    difficulty = forms.ChoiceField(
        choices=Difficulty.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how tricky the questions should be.",
            "invalid_choice": "Choose standard or challenging.",
        },
    )
    length = forms.TypedChoiceField(
        choices=list(plan.LENGTH_LABELS.items()),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how long the adventure is.",
            "invalid_choice": "Choose a short, classic or long adventure.",
        },
    )
    # Optional, so an older page (or a form without the field) still starts a story.
    pronouns = forms.ChoiceField(
        choices=Pronouns.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose they, she or he for your hero."},
    )

    def clean_pronouns(self) -> str:
        return self.cleaned_data.get("pronouns") or Pronouns.THEY

    # Not required: a form without it (an old page, a bookmark) gets the younger band,
    # the gentler one; a value that is neither is an error.
    age_band = forms.ChoiceField(
        choices=AgeBand.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose 8 to 10 or 11 to 13."},
    )

    def clean_age_band(self) -> str:
        return self.cleaned_data["age_band"] or AgeBand.YOUNGER

    def __init__(self, *args: Any, offer: StartOffer | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pronouns"].initial = Pronouns.THEY
        self.fields["age_band"].initial = AgeBand.YOUNGER
        self.fields["difficulty"].initial = Difficulty.STANDARD
        self.fields["length"].initial = plan.DEFAULT_LENGTH
        if offer is not None:
            self._limit_to(offer)

    def _limit_to(self, offer: StartOffer) -> None:
        """Only what the class offers is shown, and anything else is refused (a forged
        post gets the field's usual "does not exist" or "choose ..." error)."""
        for name, ids in (("world", offer.world_ids), ("topic", offer.topic_ids)):
            if ids:
                field = self.fields[name]
                if not isinstance(field, forms.ModelChoiceField) or field.queryset is None:
                    raise TypeError(f"{name} is not a choice of rows")
                offered_rows = field.queryset.filter(pk__in=ids)
                field.queryset = offered_rows
                if len(ids) == 1:
                    field.initial = offered_rows.values_list("slug", flat=True).first()
        for name, fixed in (("difficulty", offer.difficulty), ("length", offer.length), ("age_band", offer.age_band)):
            if fixed:
                field = self.fields[name]
                if not isinstance(field, forms.ChoiceField):
                    raise TypeError(f"{name} is not a choice")
                offered = cast("list[tuple[Any, Any]]", field.choices)  # the model's choices: pairs
                field.choices = [(value, label) for value, label in offered if value == fixed]
                field.initial = fixed
                field.required = True


class FeedbackForm(forms.Form):
    rating = forms.ChoiceField(
        choices=FeedbackRating.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Pick thumbs up or thumbs down.",
            "invalid_choice": "Pick thumbs up or thumbs down.",
        },
    )
    # No contact field: nothing on a child's page asks for an email (README "Child safety
    # and privacy"); comments are screened like everything players write.
    comment = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        strip=True,
        validators=[player_text_validator("feedback")],
    )
