"""Runs left "running" by the harvester before run tracking existed had no process to check: mark them
interrupted, so that the one-active-run-per-feed constraint (0004) can be added."""

from django.db import migrations
from django.utils import timezone


def interrupt(apps, schema_editor):
    HarvestRun = apps.get_model("federation", "HarvestRun")
    HarvestRun.objects.filter(status="running").update(
        status="interrupted", finished_at=timezone.now(), error="升级前未结束的采集，进程已不在"
    )


class Migration(migrations.Migration):
    dependencies = [("federation", "0002_harvest_run_history")]

    operations = [migrations.RunPython(interrupt, migrations.RunPython.noop)]
