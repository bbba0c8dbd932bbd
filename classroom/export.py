"""The class page's figures as CSV, for a spreadsheet: one table per child, then one
per question, one after the other in the same file."""

from __future__ import annotations

import csv
import io

from classroom.figures import ClassFigures

CHILD_HEADER = [
    "child",
    "adventures started",
    "adventures finished",
    "chapters read",
    "questions right",
    "questions asked",
]
QUESTION_HEADER = ["topic", "question", "right answer", "answered", "right", "most chosen wrong answer", "chosen"]


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def class_csv(figures: ClassFigures) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CHILD_HEADER)
    for child in figures.children:
        writer.writerow(
            [_safe(child.member.nickname), child.started, child.finished, child.chapters, child.right, child.asked]
        )
    writer.writerow([])
    writer.writerow(QUESTION_HEADER)
    for topic in figures.topics:
        for question in topic.questions:
            wrong, times = question.common_wrong or ("", 0)
            writer.writerow(
                [
                    _safe(topic.name),
                    _safe(question.text),
                    _safe(question.answer),
                    question.asked,
                    question.right,
                    _safe(wrong),
                    times,
                ]
            )
    return out.getvalue()
