"""Milestones completed before 里程碑验收 existed stay completed: they are accepted (已验收).

Their completion time and person were carried over as ``accepted_at`` / ``accepted_by`` by 0003.
"""

from django.db import migrations


def completed_are_accepted(apps, schema_editor):
    Milestone = apps.get_model("lists", "CooperationMilestone")
    Milestone.objects.filter(accepted_at__isnull=False).update(status="accepted")


class Migration(migrations.Migration):
    dependencies = [
        ("lists", "0003_milestone_acceptance"),
    ]

    operations = [
        # Backwards nothing to undo: only accepted milestones have an acceptance time.
        migrations.RunPython(completed_are_accepted, migrations.RunPython.noop),
    ]
