"""Reference data: the strategic emerging industries the source documents name."""

from django.db import migrations

TAGS = [
    ("人工智能", "ai", "Artificial intelligence", "AI、大模型、生成式人工智能、机器学习、计算机视觉、语音识别、图像识别"),
    ("集成电路", "ic", "Integrated circuits", "芯片、半导体、芯片设计、半导体材料"),
    ("生物医药", "biomedicine", "Biomedicine", "创新药、生物药、生物科技、细胞与基因治疗、生命健康"),
    ("高端医疗器械", "medical-devices", "High-end medical devices", "医疗器械、创新医疗器械、诊断、医疗装备、生物医学工程"),
    ("新材料", "new-materials", "New materials", "先进材料、化工新材料、建材"),
    ("智能机器人", "robotics", "Intelligent robots", "机器人、人形机器人、服务机器人"),
    ("金融科技", "fintech", "Financial technology", "科技金融、数字金融、人工智能金融"),
    ("软件和信息服务", "software", "Software and information services", "智能软件、软件、信息技术服务、互联网与信息技术"),
    ("智能网联汽车", "connected-vehicles", "Intelligent connected vehicles", "新能源汽车、自动驾驶、车联网"),
    ("数字经济", "digital-economy", "Digital economy", "在线新经济、数字化转型、工业互联网、数据要素、电子商务"),
    ("绿色低碳", "green-low-carbon", "Green and low-carbon", "双碳、节能环保、新能源、环境治理"),
    ("网络安全", "cybersecurity", "Cybersecurity", "信息安全、数据安全"),
    ("数智健康", "digital-health", "Digital health", "智慧医疗、医疗健康、健康科技"),
    ("研发服务", "rd-services", "R&D services", "检验检测、技术服务、科技服务"),
    ("北斗与位置服务", "positioning", "BeiDou and location services", "北斗、空间信息、位置服务、时空智能"),
    ("智能制造", "smart-manufacturing", "Smart manufacturing", "先进制造、新智造、工业设计、高端装备"),
    ("新一代通信", "communications", "Next-generation communications", "新通信、通信与电子工程、5G、光通信"),
    ("元宇宙与智能终端", "metaverse", "Metaverse and smart terminals", "元宇宙、扩展现实、智能终端、区块链"),
]


def add_tags(apps, schema_editor):
    FieldTag = apps.get_model("taxonomy", "FieldTag")
    for order, (name, slug, name_en, synonyms) in enumerate(TAGS, start=1):
        FieldTag.objects.update_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "synonyms": synonyms, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_initial")]
    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
