"""Once per visitor (and per signed-in user), enforced by the database. Rows that
broke the rule before (the check-then-insert race, or refused sockets) keep only the
first of each."""

from __future__ import annotations

from django.conf import settings
from django.db import migrations, models


def keep_the_first_of_each(apps, schema_editor):
    feedback = apps.get_model("adventures", "Feedback")
    seen_visitors: set[str] = set()
    seen_users: set[int] = set()
    extra = []
    for row in feedback.objects.order_by("created_at", "pk").values("pk", "visitor", "user_id").iterator():
        if (row["visitor"] and row["visitor"] in seen_visitors) or (row["user_id"] and row["user_id"] in seen_users):
            extra.append(row["pk"])
        if row["visitor"]:
            seen_visitors.add(row["visitor"])
        if row["user_id"]:
            seen_users.add(row["user_id"])
    feedback.objects.filter(pk__in=extra).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("adventures", "0003_adventure_pronouns"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(keep_the_first_of_each, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="feedback",
            constraint=models.UniqueConstraint(
                condition=models.Q(("visitor", ""), _negated=True),
                fields=("visitor",),
                name="feedback_once_per_visitor",
            ),
        ),
        migrations.AddConstraint(
            model_name="feedback",
            constraint=models.UniqueConstraint(
                condition=models.Q(("user__isnull", False)), fields=("user",), name="feedback_once_per_user"
            ),
        ),
    ]
