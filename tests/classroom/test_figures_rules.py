"""The small rules under the teacher's figures: the most chosen wrong answer, and CSV
cells a spreadsheet must not run."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

from classroom.export import class_csv
from classroom.figures import ChildFigures, ClassFigures, QuestionFigures, TopicFigures


def test_the_most_chosen_wrong_answer_is_the_one_chosen_most_and_none_when_all_were_right():
    question = QuestionFigures(text="Q", answer="A", asked=5, right=1, wrong=Counter({"B": 1, "C": 3}))
    assert question.common_wrong == ("C", 3)
    assert QuestionFigures(text="Q", answer="A", asked=2, right=2).common_wrong is None


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_quoted():
    figures = ClassFigures(
        children=[ChildFigures(SimpleNamespace(nickname="=HYPERLINK(1)"), 1, 0, 3, 0, 1)],
        topics=[TopicFigures("Sums", [QuestionFigures(text="-1 + 2?", answer="1", asked=1, wrong=Counter({"+3": 1}))])],
    )
    lines = class_csv(figures).splitlines()
    assert lines[1] == "'=HYPERLINK(1),1,0,3,0,1"
    assert lines[4] == "Sums,'-1 + 2?,1,1,0,'+3,1"
