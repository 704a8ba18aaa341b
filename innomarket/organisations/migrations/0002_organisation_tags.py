"""Reference data: qualifications and lists named in the source documents."""

from django.db import migrations

TAGS = [
    ("高新技术企业", "hnte", "国家高新技术企业认定"),
    ("专精特新", "srdi", "专精特新中小企业"),
    ("专精特新“小巨人”", "little-giant", "国家级专精特新“小巨人”企业"),
    ("科技小巨人", "tech-little-giant", "市级或区级科技小巨人（含培育）企业"),
    ("瞪羚企业", "gazelle", "高成长性瞪羚企业"),
    ("白名单企业", "whitelist", "如“重点支持在线新经济企业白名单”"),
    ("上市后备库", "listing-reserve", "如“区改制上市培育企业后备库”"),
    ("上市企业", "listed", "已在境内外证券交易所上市"),
    ("企业技术中心", "enterprise-tech-centre", "市级或区级企业技术中心"),
]


def add_tags(apps, schema_editor):
    OrganisationTag = apps.get_model("organisations", "OrganisationTag")
    for order, (name, slug, description) in enumerate(TAGS, start=1):
        OrganisationTag.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
