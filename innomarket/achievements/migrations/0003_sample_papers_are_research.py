"""Data: the demo's CSL papers are literature (论文/研究成果), not transferable technology.

Earlier demo loads gave each sample paper an invented TRL, IP status and transfer mode, and a source
note naming the dataset record; sample records also carried "由 load_demo 生成". Both notes were shown
on public pages. This clears the invented values and leaves the plain "示例数据".
"""

from django.db import migrations

SAMPLE_NOTE = "示例数据"


def mark_sample_papers_as_research(apps, schema_editor) -> None:
    Achievement = apps.get_model("achievements", "Achievement")
    Achievement.objects.filter(is_sample=True, external_ref__startswith="csl-").update(
        kind="research", trl=None, transfer_mode="", ip_status="", source_note=SAMPLE_NOTE
    )
    Achievement.objects.filter(is_sample=True, source_note__contains="load_demo").update(
        source_note=SAMPLE_NOTE
    )


class Migration(migrations.Migration):
    dependencies = [("achievements", "0002_kind_lead_expert")]
    operations = [migrations.RunPython(mark_sample_papers_as_research, migrations.RunPython.noop)]
