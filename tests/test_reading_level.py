"""Reading level per age band: the Flesch-Kincaid grade, the offline storyteller's
younger-band writing, the gemini prompt, and the band from the start form to the brief."""

from __future__ import annotations

from statistics import mean

import pytest

from adventures import library, readability
from adventures.models import Adventure
from adventures.storytellers import briefs as storyteller
from adventures.storytellers import prompts
from adventures.storytellers.offline import prose as offline_prose
from adventures.storytellers.offline import reading_level
from tests.factories import start_adventure
from tests.llm.briefs import make_brief


def test_the_grade_formula_on_texts_worked_by_hand():
    # 6 words, 1 sentence, 6 syllables: 0.39 * 6 + 11.8 * 1 - 15.59
    assert readability.fk_grade("The cat sat on the mat.") == pytest.approx(-1.45)
    # 10 words, 2 sentences, 14 syllables (won-der-ful, al-ways, hap-py, an-i-mals)
    text = "The wonderful zoo is always happy. Animals like the rain."
    assert [readability.syllables(w) for w in ["wonderful", "always", "happy", "animals", "like", "rain"]] == [
        3,
        2,
        2,
        3,
        1,
        1,
    ]
    assert readability.fk_grade(text) == pytest.approx(0.39 * 10 / 2 + 11.8 * 16 / 10 - 15.59)
    assert readability.fk_grade("") == 0.0


def test_the_younger_band_gets_shorter_sentences_and_plainer_words():
    text = (
        "The enormous door creaked open slowly, and the children stepped into a hall full of humming lanterns.\n"
        "“Look at that,” said Mia, and she pointed at the ceiling where a hundred paper birds were flying."
    )
    assert reading_level.for_band(text, "11-13") == text
    assert reading_level.for_band(text, "8-10") == (
        "The huge door creaked open slowly. And the children stepped into a hall full of humming lanterns.\n"
        # Dialogue is left whole.
        "“Look at that,” said Mia, and she pointed at the ceiling where a hundred paper birds were flying."
    )


def offline_grades(band: str) -> list[float]:
    grades = []
    for world in [w["slug"] for w in library.read_worlds()][:6]:
        for seed in (1, 2, 3, 4):
            for number in (1, 2, 3, 5, 10):
                brief = make_brief(number=number, world=world, seed=seed, age_band=band)
                text = reading_level.for_band(offline_prose.compose(brief).text, brief.age_band)
                grades.append(readability.fk_grade(text))
    return grades


def test_the_offline_storyteller_writes_lower_for_the_younger_band():
    younger, older = mean(offline_grades("8-10")), mean(offline_grades("11-13"))
    print(f"Flesch-Kincaid grade, offline storyteller, 120 chapters a band: 8-10 {younger:.2f}, 11-13 {older:.2f}")
    assert 3 <= younger < older <= 7, (younger, older)
    assert older - younger >= 0.2, (younger, older)


def test_the_gemini_prompt_asks_for_the_band():
    younger = prompts.chapter(make_brief(age_band="8-10")).user
    older = prompts.chapter(make_brief(age_band="11-13")).user
    assert prompts._READERS["8-10"] in younger and prompts._READERS["11-13"] not in younger
    assert prompts._READERS["11-13"] in older and prompts._READERS["8-10"] not in older
    assert "The reader is 8 to 10 years old." in younger


@pytest.mark.django_db
def test_the_band_goes_from_the_start_form_to_the_brief(client):
    client.get("/")
    home = client.get("/").content.decode()
    assert '<input type="radio" name="age_band" value="8-10"' in home and "checked" in home
    response = client.post(
        "/adventures/",
        {
            "world": "pearlwater-deep",
            "topic": "ocean-life",
            "difficulty": "standard",
            "length": 10,
            "age_band": "11-13",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    adventure = Adventure.objects.get()
    assert adventure.age_band == "11-13"
    assert storyteller.prepare_chapter(adventure.id).brief.age_band == "11-13"
    bad = client.post(
        "/adventures/",
        {"world": "pearlwater-deep", "topic": "ocean-life", "difficulty": "standard", "length": 10, "age_band": "7"},
    )
    assert bad.status_code == 400
    assert "Choose 8 to 10 or 11 to 13." in bad.content.decode()
    assert Adventure.objects.count() == 1
    # Without the field (an older page): the younger band.
    form = {"world": "pearlwater-deep", "topic": "ocean-life", "difficulty": "standard", "length": 10}
    assert client.post("/adventures/", form).status_code == 302
    assert Adventure.objects.order_by("-created_at").first().age_band == "8-10"
    assert start_adventure(visitor="v").age_band == "8-10"
