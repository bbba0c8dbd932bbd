"""Forms of the game: starting an adventure, giving feedback."""

from __future__ import annotations

from typing import Any

from django import forms

from adventures import plan
from adventures.models import AgeBand, Difficulty, FeedbackRating, LessonTopic, Pronouns, StoryWorld
from adventures.safety import player_text_validator


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pronouns"].initial = Pronouns.THEY
        self.fields["age_band"].initial = AgeBand.YOUNGER
        self.fields["difficulty"].initial = Difficulty.STANDARD
        self.fields["length"].initial = plan.DEFAULT_LENGTH


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
