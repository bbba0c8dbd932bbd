"""Forms of the classroom: a class's name and settings; a child's joining."""

from __future__ import annotations

from typing import Any

from django import forms

from adventures import plan
from adventures.models import AgeBand, Difficulty, LessonTopic, StoryWorld
from adventures.safety import player_text_validator
from classroom import codes
from classroom.models import SchoolClass

CODE_UNKNOWN = "We could not find a class with that code. Check it with your teacher and try again."
CODE_CLOSED = "That class has closed, so it cannot take new players. Ask your teacher what to do next."
NICKNAME_HELP = "Your first name or a nickname, as your teacher asked. Nothing else: no surname."


class ClassCreateForm(forms.Form):
    name = forms.CharField(
        max_length=80,
        label="Class name",
        help_text="For you and the children, like “Year 5 Oaks”. Do not use the school’s full name.",
        error_messages={"required": "Give the class a name."},
    )


class ClassSettingsForm(forms.Form):
    worlds = forms.ModelMultipleChoiceField(
        queryset=StoryWorld.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every world. One ticked: everyone plays that one.",
    )
    topics = forms.ModelMultipleChoiceField(
        queryset=LessonTopic.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every topic. One ticked: everyone learns that one.",
    )
    difficulty = forms.ChoiceField(
        choices=[("", "They choose"), *Difficulty.choices], required=False, widget=forms.RadioSelect
    )
    length = forms.TypedChoiceField(
        choices=[("", "They choose"), *[(str(n), label) for n, label in plan.LENGTH_LABELS.items()]],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    age_band = forms.ChoiceField(
        choices=[("", "They choose"), *AgeBand.choices],
        required=False,
        label="Reading level (age band)",
        widget=forms.RadioSelect,
    )

    @classmethod
    def for_class(cls, school_class: SchoolClass, data: Any = None) -> ClassSettingsForm:
        return cls(
            data,
            initial={
                "worlds": list(school_class.worlds.all()),
                "topics": list(school_class.topics.all()),
                "difficulty": school_class.difficulty,
                "length": school_class.length or "",
                "age_band": school_class.age_band,
            },
        )


class JoinForm(forms.Form):
    code = forms.CharField(
        max_length=20,
        label="Class code",
        help_text="The code your teacher gave you, like ABC 234.",
        error_messages={"required": "Type the class code your teacher gave you."},
    )
    name = forms.CharField(
        max_length=30,
        label="Your name",
        help_text=NICKNAME_HELP,
        validators=[player_text_validator("nickname")],
        error_messages={"required": "Type your first name or nickname.", "max_length": "Please use a shorter name."},
    )

    card = forms.CharField(
        max_length=12,
        required=False,
        label="Your card code (only if you joined before)",
        help_text="Joined already on another computer or tablet? Type the short code on your card.",
    )

    school_class: SchoolClass | None = None

    def clean_code(self) -> str:
        code = codes.normalise(self.cleaned_data["code"])
        school_class = SchoolClass.objects.filter(code=code).first()
        if school_class is None:
            raise forms.ValidationError(CODE_UNKNOWN, code="unknown")
        if not school_class.is_open:
            raise forms.ValidationError(CODE_CLOSED, code="closed")
        self.school_class = school_class
        return code

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_card(self) -> str:
        return codes.normalise(self.cleaned_data["card"])
