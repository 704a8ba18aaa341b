"""Reference data: the eight members of the 沿沪宁协同创新城市联盟 (七市一区)."""

from django.db import migrations

MEMBERS = [
    # name, short, slug, kind, province, map_name
    ("普陀区", "普陀", "putuo", "district", "上海市", "普陀区"),
    ("南京市", "南京", "nanjing", "city", "江苏省", "南京市"),
    ("无锡市", "无锡", "wuxi", "city", "江苏省", "无锡市"),
    ("常州市", "常州", "changzhou", "city", "江苏省", "常州市"),
    ("苏州市", "苏州", "suzhou", "city", "江苏省", "苏州市"),
    ("南通市", "南通", "nantong", "city", "江苏省", "南通市"),
    ("镇江市", "镇江", "zhenjiang", "city", "江苏省", "镇江市"),
    ("泰州市", "泰州", "taizhou", "city", "江苏省", "泰州市"),
]


def add_members(apps, schema_editor):
    City = apps.get_model("regions", "City")
    for order, (name, short, slug, kind, province, map_name) in enumerate(MEMBERS, start=1):
        City.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "short_name": short,
                "kind": kind,
                "province": province,
                "map_name": map_name,
                "is_member": True,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(add_members, migrations.RunPython.noop)]
