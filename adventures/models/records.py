"""Records of play kept apart from the adventures: telemetry events (and the safety
flags among them) and the players' feedback."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from adventures.models.play import Adventure


class TelemetryEvent(models.Model):
    """One thing that happened. Keeps the adventure's id, not a foreign key, so that
    events outlive the adventures they describe and cleanup never rewrites them."""

    name = models.CharField(max_length=40)
    created_at = models.DateTimeField(db_index=True)
    adventure_id = models.UUIDField(null=True, blank=True, db_index=True)
    chapter_number = models.PositiveSmallIntegerField(null=True, blank=True)
    chapter_kind = models.CharField(max_length=12, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["name", "created_at"], name="telemetry_name_time_idx")]

    def __str__(self) -> str:
        return f"{self.name} at {self.created_at:%Y-%m-%d %H:%M:%S}"


class SafetyFlagManager(models.Manager["SafetyFlag"]):
    def get_queryset(self) -> models.QuerySet[SafetyFlag]:
        return super().get_queryset().filter(name="safety_flag")


class SafetyFlag(TelemetryEvent):
    """The `safety_flag` events (adventures/safety/flags.py), for the admin's review list."""

    objects: ClassVar[SafetyFlagManager] = SafetyFlagManager()

    class Meta:
        proxy = True
        ordering = ["-created_at"]
        verbose_name = "safety flag"


class FeedbackRating(models.TextChoices):
    UP = "up", "Thumbs up"
    DOWN = "down", "Thumbs down"


class Feedback(models.Model):
    rating = models.CharField(max_length=4, choices=FeedbackRating.choices)
    comment = models.TextField(blank=True, max_length=2000)
    adventure = models.ForeignKey(Adventure, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback")
    chapter_number = models.PositiveSmallIntegerField(null=True, blank=True)
    visitor = models.CharField(max_length=64, blank=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "feedback"
        constraints = [
            models.CheckConstraint(condition=Q(rating__in=FeedbackRating.values), name="feedback_rating_known"),
            # "Once per visitor" holds even for two requests at the same instant.
            models.UniqueConstraint(fields=["visitor"], condition=~Q(visitor=""), name="feedback_once_per_visitor"),
            models.UniqueConstraint(fields=["user"], condition=Q(user__isnull=False), name="feedback_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} ({self.created_at:%Y-%m-%d})"
