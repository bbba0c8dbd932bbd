"""The admin dashboard's figures (DESIGN §9): the period asked for (period.py), the
figures counted for it (figures.py) and the geometry of their bars (chart.py)."""

from __future__ import annotations

from adventures.dashboard.chart import Column, DayChart, DayColumns, bar_length, day_chart
from adventures.dashboard.figures import (
    Accuracy,
    Dashboard,
    Day,
    Funnel,
    FunnelStep,
    LlmTimings,
    Narrations,
    Pictures,
    Ratio,
    adventures_per_day,
    answer_accuracy,
    chapter_funnels,
    dashboard,
    feedback_ratio,
    llm_timings,
    narrations,
    percentile,
    picture_success,
    rate_limit_hits,
    safety_stops_per_day,
)
from adventures.dashboard.period import DEFAULT_DAYS, MAX_DAYS, PERIOD_DAYS, Period, last_days, period_from_query

__all__ = [
    "DEFAULT_DAYS",
    "MAX_DAYS",
    "PERIOD_DAYS",
    "Accuracy",
    "Column",
    "Dashboard",
    "Day",
    "DayChart",
    "DayColumns",
    "Funnel",
    "FunnelStep",
    "LlmTimings",
    "Narrations",
    "Period",
    "Pictures",
    "Ratio",
    "adventures_per_day",
    "answer_accuracy",
    "bar_length",
    "chapter_funnels",
    "dashboard",
    "day_chart",
    "feedback_ratio",
    "last_days",
    "llm_timings",
    "narrations",
    "percentile",
    "period_from_query",
    "picture_success",
    "rate_limit_hits",
    "safety_stops_per_day",
]
