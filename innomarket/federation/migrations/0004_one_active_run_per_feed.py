from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("federation", "0003_interrupt_unfinished_runs")]

    operations = [
        migrations.AddConstraint(
            model_name="harvestrun",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["queued", "running"])),
                fields=("feed",),
                name="federation_one_active_run_per_feed",
            ),
        ),
    ]
