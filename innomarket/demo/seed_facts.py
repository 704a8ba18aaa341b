"""Facts from the five source documents (``../shared/seeds/000…004``), as plain data.

Every record here states only what a document says; ``source`` names the document. Where a document
does not say where an organisation sits, ``city`` is the member/district whose document names it (the
city that maintains the record), and ``address`` stays empty. Figures that describe a whole population
(incubator counts, science parks, 小巨人 …) go into the city's ``intro``, never into invented records.

Keys: organisations are looked up by ``name`` (unique within this module); listings by (title, city).
Field tags and organisation tags are referred to by slug (see the taxonomy/organisations migrations).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

# ---------------------------------------------------------------------------------------------------
# The documents
# ---------------------------------------------------------------------------------------------------

DOC_000 = "普科委〔2025〕25号（对区政协十五届五次会议第155013号提案的答复），2025-05-27"
DOC_001 = "普科委〔2025〕22号（对区政协十五届五次会议第155129号提案的答复），2025-05-12"
DOC_002 = "普陀区科委对区政协十五届五次会议第155145号提案的答复，2025-05-21"
DOC_003 = "长宁区科委对区政协十五届三次会议第005号提案的答复，2024-04-30"
DOC_004 = "杨科两会〔2023〕12号（对区十七届人大三次会议第C-064号代表建议的答复），2023年"

# ---------------------------------------------------------------------------------------------------
# Cities. The eight members exist (migration regions/0002); the loader fills only blank fields.
# ---------------------------------------------------------------------------------------------------

NEW_CITIES: list[dict] = [
    {
        "slug": "changning",
        "name": "长宁区",
        "short_name": "长宁",
        "kind": "district",
        "province": "上海市",
        "map_name": "长宁区",
        "is_member": False,
        "sort_order": 201,
    },
    {
        "slug": "yangpu",
        "name": "杨浦区",
        "short_name": "杨浦",
        "kind": "district",
        "province": "上海市",
        "map_name": "杨浦区",
        "is_member": False,
        "sort_order": 202,
    },
]

_WULIN = "2024年6月武宁创新共同体2024年“武林大汇”上，与普陀区等携手开启沿沪宁产业创新带协同创新。"

CITY_FACTS: dict[str, dict] = {
    "putuo": {
        "intro": (
            "普陀是上海连接长三角的“西大堂”，地处沿沪宁产业创新带的起点，牵头南京、无锡、常州、苏州、南通、镇江、"
            "泰州“七市”成立“沿沪宁协同创新城市联盟”。区内集聚16家部属、市属科研院所，2家双一流高等院校"
            "（华东师范大学和同济大学），以及44家国家、市级科技研发平台，全区科技园区总面积超过40万平方米。\n"
            "已建成各类科创载体20家，其中国家级孵化器2家，市级孵化器9家，区级孵化器3家；国家备案众创空间1家，"
            "市级众创空间4家；国家大学科技园1家，为科技初创企业提供低成本、高效率的研发和生产空间近17万平方米；"
            "设有科技金融服务工作站。\n"
            "正在构建“千百十”新质产业体系，着力打造智能软件和数智健康两大千亿级主导产业集群；区内人工智能相关产业"
            "2024年营收达200亿元，集聚近百家人工智能企业。"
        ),
        "joined_note": "联盟牵头方：地处沿沪宁产业创新带起点（“始发站”），2024年6月“武林大汇”开启协同创新。",
        "office_name": "上海市普陀区科学技术委员会",
        "office_address": "上海市普陀区大渡河路1668号2号楼",
        "office_phone": "52564588",
        "office_source": DOC_001,
    },
    "nanjing": {
        "intro": _WULIN + "普陀区计划与南京牵头共推沿沪宁科技合作计划，共设联合攻关“资金池”。",
        "joined_note": "2024年6月“武林大汇”起携手普陀开启协同创新。",
    },
    "wuxi": {"intro": _WULIN, "joined_note": "2024年6月“武林大汇”起携手普陀开启协同创新。"},
    "changzhou": {"intro": _WULIN, "joined_note": "2024年6月“武林大汇”起携手普陀开启协同创新。"},
    "suzhou": {"intro": _WULIN, "joined_note": "2024年6月“武林大汇”起携手普陀开启协同创新。"},
    "nantong": {
        "intro": _WULIN
        + "普陀区科委已对接南通市科技局，共商协同创新集市开发、飞地园区共建、园区合作等事宜。",
        "joined_note": "2024年6月“武林大汇”起携手普陀开启协同创新。",
    },
    "zhenjiang": {"intro": _WULIN, "joined_note": "2024年6月“武林大汇”起携手普陀开启协同创新。"},
    "taizhou": {
        "intro": (
            "2024年6月“武林大汇”后，泰州市表示愿意加入，形成目前“七市一区”协同创新格局。"
            "普陀区科委已对接泰州市科技局，共商协同创新集市开发、飞地园区共建、园区合作等事宜。"
        ),
        "joined_note": "2024年6月“武林大汇”后表示愿意加入，形成“七市一区”协同创新格局。",
    },
    "changning": {
        "intro": (
            "长宁区推动科技创新与城市更新双轮驱动，打造“上海硅巷”科创街区，形成“东、中、西”联动发展的创新活跃带。"
            "2023年，6100余家数字经济企业实现综合税收约310亿元，同比增长约18%，数字经济占全区税收比重达55%；"
            "全区亿元以上交易量的电商平台29个，电子商务平台交易总额位居全市第一；软件和信息服务业营收总量位居"
            "全市第三位，营收同比增幅居全市首位。以人工智能为代表的创新产业链关联企业超过700家。"
            "全区建成39个“虹桥人才荟”实体化站点，打造“15分钟人才服务圈”。（非联盟成员，作为相邻城区参考）"
        ),
        "office_name": "长宁区科学技术委员会",
        "office_address": "上海市长宁区安西路35号（邮编200050）",
        "office_phone": "52388272",
        "office_source": DOC_003,
    },
    "yangpu": {
        "intro": (
            "杨浦是国家创新型城区、全国双创示范基地、“科创中国”试点城区和上海科创中心重要承载区，深化大学校区、"
            "科技园区、公共社区“三区联动”和学城、产城、创城“三城融合”。现有国家级大学科技园区7家（占上海50%、"
            "全国5%），“专精特新”小巨人企业23家、市科技小巨人（培育）企业122家，区级科技小巨人企业254家，"
            "区级双创小巨人49家，高新技术企业超过1200家，“专精特新”企业258家。2018年牵头倡议成立长三角双创示范"
            "基地联盟并任理事长单位。（非联盟成员，作为相邻城区参考）"
        ),
        "office_name": "杨浦区科学技术委员会",
        "office_address": "上海市杨浦区惠民路600号（邮编200082）",
        "office_phone": "65690561",
        "office_source": DOC_004,
    },
}

# ---------------------------------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------------------------------

GOV_PUTUO = "上海市普陀区科学技术委员会"
GOV_CHANGNING = "长宁区科学技术委员会"
GOV_YANGPU = "杨浦区科学技术委员会"


def _org(name, city, kind, source, intro, *, short_name="", address="", fields=(), tags=(), parent=""):
    return {
        "name": name,
        "city": city,
        "kind": kind,
        "source": source,
        "intro": intro,
        "short_name": short_name,
        "address": address,
        "fields": list(fields),
        "tags": list(tags),
        "parent": parent,
    }


_AI_PUTUO = "普陀区人工智能企业。区内人工智能相关产业2024年营收达200亿元，集聚了熠知电子、电科智能、螳螂慧视、芯翌智能等近百家人工智能企业。"
_CHUANGXINLI = "落地“创新里”科创产业空间（武宁路801号）的市级及以上创新创业大赛获奖项目之一。"
_AI_CN_LEAD = "长宁区人工智能产业链行业领军企业之一（与科大讯飞、爱奇艺、嬴彻科技、易立德等并列）。"
_AI_CN_NICHE = (
    "长宁区在细分领域独具技术优势的人工智能潜力型团队之一（与矽睿科技、西井科技、嘉峪智能、假面科技等并列）。"
)
_AI_CN_NEW = "长宁区在细分领域领先的人工智能创新型团队之一（与黑湖科技、晓途科技、麦歌恩等并列）。"
_PROD_NET = "长宁区排摸树立的生产性互联网平台代表之一（百秋、史泰博、黑湖智造、飞书深诺等）。"

ORGANISATIONS: list[dict] = [
    # --- government: owners of policies and events -------------------------------------------------
    _org(
        GOV_PUTUO,
        "putuo",
        "government",
        DOC_001,
        "普陀区科技主管部门，牵头打造“沿沪宁协同创新集市”，推进沿沪宁协同创新城市联盟科技创新工作。",
        short_name="普陀区科委",
        address="上海市普陀区大渡河路1668号2号楼",
    ),
    _org(
        GOV_CHANGNING,
        "changning",
        "government",
        DOC_003,
        "长宁区科技主管部门，推进“上海硅巷”科创街区建设。",
        short_name="长宁区科委",
        address="上海市长宁区安西路35号",
    ),
    _org(
        GOV_YANGPU,
        "yangpu",
        "government",
        DOC_004,
        "杨浦区科技主管部门，深化“三区联动”“三城融合”。",
        short_name="杨浦区科委",
        address="上海市杨浦区惠民路600号",
    ),
    # --- universities ---------------------------------------------------------------------------
    _org(
        "华东师范大学",
        "putuo",
        "university",
        DOC_001,
        "普陀区2家双一流高等院校之一。普陀区与华东师大、上海集成电路研究中心共建集成电路产业学院。"
        "通信与电子工程学院研究员的“可穿戴的脉搏波持续监测”项目经东部技转中心InnoMatch平台促成合作，"
        "成果转化落地于华东师大科技园。",
        short_name="华东师大",
        fields=["ic", "communications"],
    ),
    _org(
        "同济大学",
        "putuo",
        "university",
        DOC_001,
        "普陀区2家双一流高等院校之一。杨浦区联合同济大学汽车学院、同济大学自主智能无人系统科学中心等载体平台，"
        "为智能网联汽车关键核心技术研发提供智力支撑（杨科两会〔2023〕12号）；同济大学国家科技园获批中国科协首批"
        "“科创中国”创新基地。",
        fields=["connected-vehicles", "biomedicine"],
    ),
    _org(
        "复旦大学",
        "yangpu",
        "university",
        DOC_004,
        "杨浦区以复旦“新工科”为试点，探索风险共担机制，开展经济社会发展需求为导向的应用基础研究；"
        "复旦大学国家科技园获批中国科协首批“科创中国”创新基地。",
        fields=["ai", "ic", "biomedicine"],
    ),
    _org(
        "上海理工大学",
        "yangpu",
        "university",
        DOC_004,
        "杨浦区推进上海市高端医疗装备创新中心（上海理工）建设；上海理工大学机器智能研究院为智能网联汽车关键核心技术研发提供智力支撑。",
        fields=["medical-devices", "connected-vehicles"],
    ),
    _org(
        "香港大学中国商业学院",
        "putuo",
        "university",
        DOC_000,
        "2024年10月落户普陀桃浦，定期联合举办科创大赛、国际性创新论坛；邀请国际专家学者、大赛获奖者及科创企业"
        "共同举办知识转化论坛、人工智能与商业转型主题论坛、华东校友日、国际科创大赛等活动。",
        short_name="港大中国商业学院",
    ),
    # --- institutes and platforms -----------------------------------------------------------------
    _org(
        "中以（上海）创新园",
        "putuo",
        "carrier",
        DOC_001,
        "普陀区高能级平台，国际创新合作“桥头堡”。通过深化国际合作，引入德国Drivery孵化器、新加坡全时科技项目等219项"
        "企业、机构、项目，形成医疗健康、人工智能、互联网与信息技术等产业集聚；常态化举办上海数字创新大会、"
        "中以国际科技成果直通车、以色列初创企业路演等活动。",
        fields=["digital-health", "ai", "software"],
    ),
    _org(
        "上海清华国际创新中心",
        "putuo",
        "platform",
        DOC_001,
        "普陀区高能级科研平台，区校合作路径进一步清晰。聚焦“卡脖子”“硬科技”技术攻关，力争新引入一批重点科研平台或"
        "实验室项目；深入挖掘“清华+”优势资源，推动集成电路、数智实验室等科研落地，形成医疗健康、人工智能等产业集聚。",
        fields=["ic", "ai", "digital-health"],
    ),
    _org(
        "长三角国家技术创新中心",
        "putuo",
        "platform",
        DOC_001,
        "国家级科技创新平台。普陀区与其开展对接合作，成功合作推动普陀区首个“拨投结合”项目——施江医药正式落地"
        "同济科技园生命健康孵化基地。",
        short_name="长三角国创中心",
        fields=["biomedicine"],
    ),
    _org(
        "国家技术转移东部中心",
        "yangpu",
        "platform",
        DOC_001,
        "国家级区域技术转移平台，拥有2.9万余名技术经理人资源和InnoMatch全球技术供需对接平台。普陀区计划依托其资源"
        "与运维经验组建沿沪宁技术经理人联盟；通过InnoMatch平台促成华东师范大学研究员项目与医疗诊断企业合作。"
        "杨浦区推动其作为国家级区域技术转移平台建设（杨科两会〔2023〕12号）。",
        short_name="东部技转中心",
        fields=["rd-services"],
    ),
    _org(
        "上海技术交易所",
        "yangpu",
        "platform",
        DOC_004,
        "全国首家国家级常设技术市场，自落户杨浦以来，累计完成技术交易鉴证112亿元、技术合同金额342亿元。",
        short_name="上技所",
        fields=["rd-services"],
    ),
    _org(
        "上海集成电路研究中心",
        "putuo",
        "institute",
        DOC_002,
        "与普陀区、华东师大共建集成电路产业学院。",
        fields=["ic"],
    ),
    _org(
        "上海化工院",
        "putuo",
        "institute",
        DOC_002,
        "普陀区科委与上海化工院等大院大所深入合作，促进产学研深度融合。",
        fields=["new-materials"],
    ),
    _org(
        "中国建材",
        "putuo",
        "institute",
        DOC_002,
        "普陀区科委与中国建材等大院大所深入合作，促进产学研深度融合。",
        fields=["new-materials"],
    ),
    _org(
        "中科院微系统所",
        "changning",
        "institute",
        DOC_003,
        "长宁区与中科院微系统所、硅酸盐研究所等合作，加快布局人工智能、金融科技等创新产业集群，重点打造新微智谷等"
        "一批有影响力的新技术产业孵化空间。",
        fields=["ai", "fintech", "ic"],
    ),
    _org(
        "中科院硅酸盐研究所",
        "changning",
        "institute",
        DOC_003,
        "长宁区与中科院微系统所、硅酸盐研究所等合作，加快布局人工智能、金融科技等创新产业集群。",
        fields=["new-materials"],
    ),
    _org(
        "复旦大学上海智能产业创新研究院",
        "yangpu",
        "institute",
        DOC_004,
        "杨浦区推进建设的战略科技力量之一。",
        parent="复旦大学",
        fields=["ai"],
    ),
    _org(
        "上海市高端医疗装备创新中心（上海理工）",
        "yangpu",
        "platform",
        DOC_004,
        "杨浦区推进建设的创新平台之一。",
        parent="上海理工大学",
        fields=["medical-devices"],
    ),
    _org(
        "上海市同济数字城市研究院",
        "yangpu",
        "institute",
        DOC_004,
        "杨浦区推进建设的创新平台之一。",
        fields=["digital-economy"],
    ),
    _org(
        "中交疏浚装备国家工程中心",
        "yangpu",
        "platform",
        DOC_004,
        "杨浦区推进建设的创新平台之一。",
        fields=["smart-manufacturing"],
    ),
    _org(
        "类脑芯片与片上智能系统研发与转化平台",
        "yangpu",
        "platform",
        DOC_004,
        "杨浦区着力提升能级的平台之一。",
        fields=["ic", "ai"],
    ),
    _org(
        "北斗高精度位置服务平台",
        "yangpu",
        "platform",
        DOC_004,
        "杨浦区着力提升能级的平台之一。",
        fields=["positioning"],
    ),
    _org(
        "中国工业设计研究院",
        "yangpu",
        "institute",
        DOC_004,
        "杨浦区着力提升能级的平台之一。",
        fields=["smart-manufacturing"],
    ),
    _org(
        "上海理工大学机器智能研究院",
        "yangpu",
        "institute",
        DOC_004,
        "为智能网联汽车关键核心技术研发提供智力支撑的载体平台之一。",
        parent="上海理工大学",
        fields=["connected-vehicles", "ai"],
    ),
    _org(
        "上海干细胞转化医学工程技术研究中心",
        "changning",
        "platform",
        DOC_003,
        "赛傲生物在市科委指导下筹建，通过绩效评价，是商务部发布的8项最佳创新实践案例之一。",
        fields=["biomedicine"],
    ),
    _org(
        "罗氏诊断—兰卫医学精准医疗示范实验室",
        "changning",
        "platform",
        DOC_003,
        "正式挂牌，聚焦精准医疗，推进感染和肿瘤等应用领域的开发与落地。",
        fields=["biomedicine", "medical-devices"],
    ),
    # --- investors and financial institutions ----------------------------------------------------
    _org(
        "盛石资本",
        "putuo",
        "investor",
        DOC_001,
        "上海国盛集团下属。普陀区与其深度合作，出资参与长三角一期、二期两支基金，合计规模达31.88亿元。",
    ),
    _org(
        "孚腾资本",
        "putuo",
        "investor",
        DOC_001,
        "上海国投集团下属。与普陀区就组建国投孚腾普陀数智健康基金（暂定名）达成初步设想方案。",
    ),
    _org(
        "璞跃中国",
        "changning",
        "investor",
        DOC_003,
        "与长宁区开展合作，推进上海璞跃赋胜创业投资合伙企业（有限合伙）落地，探索推动设立国际开放创新中心、"
        "大企业开放创新联盟。",
    ),
    _org(
        "建信信托有限责任公司",
        "changning",
        "bank",
        DOC_003,
        "与长宁区签订战略合作框架协议，双方就招商引资、金融业务合作、重点园区建设、人才共建等方面探索开展合作。",
        short_name="建信信托",
    ),
    _org(
        "上海市中小微企业政策性融资担保基金管理中心",
        "yangpu",
        "guarantor",
        DOC_004,
        "杨浦区继续推进与其合作，扩大“批次贷”项目合作银行范围，目前已有68家企业获得贷款3.4亿元。",
    ),
    # --- enterprises: 普陀 -----------------------------------------------------------------------------
    _org("芯诗微", "putuo", "enterprise", DOC_001, _CHUANGXINLI, fields=["ic"]),
    _org("智康加机器人", "putuo", "enterprise", DOC_001, _CHUANGXINLI, fields=["robotics"]),
    _org("熠知电子", "putuo", "enterprise", DOC_000, _AI_PUTUO, fields=["ai"]),
    _org("电科智能", "putuo", "enterprise", DOC_000, _AI_PUTUO, fields=["ai"]),
    _org("螳螂慧视", "putuo", "enterprise", DOC_000, _AI_PUTUO, fields=["ai"]),
    _org("芯翌智能", "putuo", "enterprise", DOC_000, _AI_PUTUO, fields=["ai"]),
    _org(
        "360数科",
        "putuo",
        "enterprise",
        DOC_000,
        "普陀区集聚的金融科技领域头部企业之一。",
        fields=["fintech"],
    ),
    _org(
        "嘉银数科",
        "putuo",
        "enterprise",
        DOC_000,
        "普陀区集聚的金融科技领域头部企业之一。",
        fields=["fintech"],
    ),
    _org(
        "九方云",
        "putuo",
        "enterprise",
        DOC_000,
        "普陀区集聚的证券投资行业头部持牌机构之一。",
        fields=["fintech"],
    ),
    _org(
        "汇正财经",
        "putuo",
        "enterprise",
        DOC_000,
        "普陀区集聚的证券投资行业头部持牌机构之一。",
        fields=["fintech"],
    ),
    _org("国华兴益资管", "putuo", "enterprise", DOC_000, "普陀区首家保险资管企业。", fields=["fintech"]),
    _org(
        "施江医药",
        "putuo",
        "enterprise",
        DOC_001,
        "普陀区首个“拨投结合”项目，同时是首个一类创新药研发企业；与长三角国创中心合作推动，正式落地同济科技园生命健康孵化基地。",
        fields=["biomedicine"],
    ),
    _org(
        "蓝鸟科技",
        "putuo",
        "enterprise",
        DOC_002,
        "通过科创集市平台与金融机构对接，获得了3500万元的授信额度批复，解决了企业研发成本上升及业务拓展中面临的资金问题。",
    ),
    # --- enterprises: 长宁 -----------------------------------------------------------------------------
    _org("科大讯飞", "changning", "enterprise", DOC_003, _AI_CN_LEAD, fields=["ai"]),
    _org("爱奇艺", "changning", "enterprise", DOC_003, _AI_CN_LEAD, fields=["ai", "digital-economy"]),
    _org("嬴彻科技", "changning", "enterprise", DOC_003, _AI_CN_LEAD, fields=["ai", "connected-vehicles"]),
    _org(
        "易立德",
        "changning",
        "enterprise",
        DOC_003,
        _AI_CN_LEAD + "曾与长宁区合作举办长宁创投沙龙。",
        fields=["ai"],
    ),
    _org("矽睿科技", "changning", "enterprise", DOC_003, _AI_CN_NICHE, fields=["ai", "ic"]),
    _org("西井科技", "changning", "enterprise", DOC_003, _AI_CN_NICHE, fields=["ai"]),
    _org("嘉峪智能", "changning", "enterprise", DOC_003, _AI_CN_NICHE, fields=["ai"]),
    _org("假面科技", "changning", "enterprise", DOC_003, _AI_CN_NICHE, fields=["ai"]),
    _org("黑湖科技", "changning", "enterprise", DOC_003, _AI_CN_NEW, fields=["ai"]),
    _org("晓途科技", "changning", "enterprise", DOC_003, _AI_CN_NEW, fields=["ai"]),
    _org("麦歌恩", "changning", "enterprise", DOC_003, _AI_CN_NEW, fields=["ai"]),
    _org(
        "百秋",
        "changning",
        "enterprise",
        DOC_003,
        _PROD_NET + "被授予“虹桥生产性互联网服务高质量发展平台”。",
        fields=["digital-economy"],
    ),
    _org("史泰博", "changning", "enterprise", DOC_003, _PROD_NET, fields=["digital-economy"]),
    _org(
        "黑湖智造",
        "changning",
        "enterprise",
        DOC_003,
        _PROD_NET + "黑湖被授予“虹桥生产性互联网服务高质量发展平台”。",
        fields=["digital-economy", "smart-manufacturing"],
    ),
    _org("飞书深诺", "changning", "enterprise", DOC_003, _PROD_NET, fields=["digital-economy"]),
    _org(
        "赛傲生物",
        "changning",
        "enterprise",
        DOC_003,
        "在市科委指导下筹建“上海干细胞转化医学工程技术研究中心”，通过绩效评价，是商务部发布的8项最佳创新实践案例之一。",
        fields=["biomedicine"],
    ),
    _org(
        "兰卫医学",
        "changning",
        "enterprise",
        DOC_003,
        "认定为市级企业技术中心；罗氏诊断—兰卫医学精准医疗示范实验室正式挂牌。",
        fields=["biomedicine", "medical-devices"],
        tags=["enterprise-tech-centre"],
    ),
    _org(
        "上生所",
        "changning",
        "enterprise",
        DOC_003,
        "认定为市级企业技术中心。",
        fields=["biomedicine"],
        tags=["enterprise-tech-centre"],
    ),
    _org(
        "上海干细胞",
        "changning",
        "enterprise",
        DOC_003,
        "被认定为区级企业技术中心。",
        fields=["biomedicine"],
        tags=["enterprise-tech-centre"],
    ),
    _org(
        "翼健",
        "changning",
        "enterprise",
        DOC_003,
        "被认定为区级企业技术中心。",
        fields=["biomedicine"],
        tags=["enterprise-tech-centre"],
    ),
    _org(
        "贝泰妮",
        "changning",
        "enterprise",
        DOC_003,
        "被认定为区级企业技术中心。",
        fields=["biomedicine"],
        tags=["enterprise-tech-centre"],
    ),
    _org(
        "国药血液制品",
        "changning",
        "enterprise",
        DOC_003,
        "被认定为区级企业技术中心。",
        fields=["biomedicine"],
        tags=["enterprise-tech-centre"],
    ),
    _org(
        "联影医疗",
        "changning",
        "enterprise",
        DOC_003,
        "在长宁区的在建项目正加快施工。",
        fields=["medical-devices"],
    ),
    # --- enterprises: 杨浦 -----------------------------------------------------------------------------
    _org(
        "美团",
        "yangpu",
        "enterprise",
        DOC_004,
        "美团系企业营收过千亿；美团上海科技中心项目已在杨浦滨江开工。",
        fields=["digital-economy"],
    ),
    _org(
        "哔哩哔哩",
        "yangpu",
        "enterprise",
        DOC_004,
        "B站系企业营收超百亿；哔哩哔哩新一代产业园项目已在杨浦滨江开工。",
        short_name="B站",
        fields=["digital-economy"],
    ),
    _org(
        "抖音集团",
        "yangpu",
        "enterprise",
        DOC_004,
        "字节系企业营收超百亿；抖音集团上海滨江中心项目已在杨浦滨江开工。",
        fields=["digital-economy"],
    ),
    _org("携程", "yangpu", "enterprise", DOC_004, "携程系企业营收超百亿。", fields=["digital-economy"]),
    _org(
        "小红书",
        "yangpu",
        "enterprise",
        DOC_004,
        "向杨浦汇集的“瞪羚”企业之一。",
        fields=["digital-economy"],
        tags=["gazelle"],
    ),
    _org(
        "得物",
        "yangpu",
        "enterprise",
        DOC_004,
        "向杨浦汇集的“瞪羚”企业之一。",
        fields=["digital-economy"],
        tags=["gazelle"],
    ),
    _org(
        "叠纸",
        "yangpu",
        "enterprise",
        DOC_004,
        "向杨浦汇集的“瞪羚”企业之一。",
        fields=["digital-economy"],
        tags=["gazelle"],
    ),
    _org(
        "千寻位置",
        "yangpu",
        "enterprise",
        DOC_004,
        "杨浦支持其建设全球首个基于北斗三号系统的时空智能数字底座系统；以千寻位置为代表的位置服务产业是杨浦重点发展的先导产业。",
        fields=["positioning"],
    ),
    _org(
        "优刻得",
        "yangpu",
        "enterprise",
        DOC_004,
        "以优刻得为代表的大数据及人工智能产业是杨浦重点发展的先导产业。",
        fields=["ai", "software"],
    ),
    _org("诺亚控股", "yangpu", "enterprise", DOC_004, "登陆港交所。", fields=["fintech"], tags=["listed"]),
    _org(
        "毕得医药", "yangpu", "enterprise", DOC_004, "登陆科创板。", fields=["biomedicine"], tags=["listed"]
    ),
    _org("儒竞科技", "yangpu", "enterprise", DOC_004, "申报创业板已过会。", tags=["listing-reserve"]),
]

# ---------------------------------------------------------------------------------------------------
# Spaces (载体空间)
# ---------------------------------------------------------------------------------------------------

SPACES: list[dict] = [
    {
        "title": "“创新里”科创产业空间",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_001,
        "kind": "accelerator",
        "address": "上海市普陀区武宁路801号4-6楼",
        "area_m2": Decimal("3248"),
        "summary": (
            "着眼“投早、投小、投硬科技、投长期”，以武宁路801号4-6楼（3248平方米）载体为试点打造，配套资金扶持政策，"
            "先行先试打造具有“硬核科技”超前孵化服务能力的“科创摇篮”和加速器。已完成装修并正式启用，落地芯诗微、"
            "智康加机器人等一批市级及以上创新创业大赛获奖项目、数字经济等新赛道、未来产业项目。"
        ),
        "services": "超前孵化服务；配套资金扶持政策。",
        "fields": ["ic", "robotics", "digital-economy"],
    },
    {
        "title": "中以（上海）创新园",
        "city": "putuo",
        "owner": "中以（上海）创新园",
        "source": DOC_001,
        "kind": "innovation_centre",
        "summary": (
            "国际创新合作“桥头堡”，引入德国Drivery孵化器、新加坡全时科技项目等219项企业、机构、项目，形成医疗健康、"
            "人工智能、互联网与信息技术等产业集聚；常态化举办上海数字创新大会、中以国际科技成果直通车、以色列初创企业路演等活动。"
        ),
        "fields": ["digital-health", "ai", "software"],
    },
    {
        "title": "上海清华国际创新中心",
        "city": "putuo",
        "owner": "上海清华国际创新中心",
        "source": DOC_001,
        "kind": "innovation_centre",
        "summary": (
            "普陀区发布实施《普陀区支持上海清华国际创新中心 加快建成具有国际一流水平的新型创新载体的若干措施（试行）》。"
            "聚焦“卡脖子”“硬科技”技术攻关，推动集成电路、数智实验室等科研落地。"
        ),
        "fields": ["ic", "ai", "digital-health"],
    },
    {
        "title": "张江高新区普陀园",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_001,
        "kind": "science_park",
        "summary": (
            "依托五大中心设立五大子园，聚焦“1+3”产业：“1”即软件和信息服务主导产业，“3”即网络安全、生物医药服务2个"
            "特色产业以及智能机器人未来产业，打造创新成果策源地、转化地和产业发展集聚地。"
        ),
        "fields": ["software", "cybersecurity", "biomedicine", "robotics"],
    },
    {
        "title": "同济科技园生命健康孵化基地",
        "city": "putuo",
        "owner": "同济大学",
        "source": DOC_001,
        "kind": "incubator",
        "summary": "普陀区首个“拨投结合”项目、首个一类创新药研发企业施江医药正式落地于此。",
        "fields": ["biomedicine"],
    },
    {
        "title": "华东师大科技园",
        "city": "putuo",
        "owner": "华东师范大学",
        "source": DOC_001,
        "kind": "university_park",
        "summary": "华东师范大学研究员的“可穿戴的脉搏波持续监测”项目经InnoMatch平台促成合作，科技成果转化落地于此。",
        "fields": ["medical-devices"],
    },
    *[
        {
            "title": f"普陀区首批概念验证中心（{field_name}领域）",
            "city": "putuo",
            "owner": GOV_PUTUO,
            "source": DOC_002,
            "kind": "concept_verification",
            "level": "district",
            "summary": (
                "区科委已在机器人、新材料、医疗器械研发等领域启动区级首批概念验证中心建设，推动科技成果从实验室走向市场，"
                "助力企业跑出科技创新的“最初一公里”。"
            ),
            "fields": [slug],
        }
        for field_name, slug in [
            ("机器人", "robotics"),
            ("新材料", "new-materials"),
            ("医疗器械研发", "medical-devices"),
        ]
    ],
    # 长宁
    {
        "title": "“上海硅巷”科创街区",
        "city": "changning",
        "owner": GOV_CHANGNING,
        "source": DOC_003,
        "kind": "science_park",
        "summary": (
            "长宁东部片区核心，重点推动人工智能、区块链和金融科技等新一代信息技术融合发展；已制定出台科创街区建设三年"
            "行动方案，组织召开“上海硅巷”早餐会、室内机器人学习全球挑战赛、中美青创大赛等活动。"
        ),
        "fields": ["ai", "fintech", "metaverse"],
    },
    {
        "title": "新微智谷",
        "city": "changning",
        "owner": "中科院微系统所",
        "source": DOC_003,
        "kind": "incubator",
        "summary": "长宁区与中科院微系统所、硅酸盐研究所等合作重点打造的有影响力的新技术产业孵化空间之一。",
        "fields": ["ai", "fintech"],
    },
    {
        "title": "“虹桥智谷”国家双创示范基地",
        "city": "changning",
        "owner": GOV_CHANGNING,
        "source": DOC_003,
        "kind": "science_park",
        "level": "national",
        "summary": "持续推动“虹桥智谷”CTOU首席技术官联盟活动；围绕其与“上海硅巷”建设，全区建成39个“虹桥人才荟”实体化站点。",
        "fields": ["ai"],
    },
    {
        "title": "大虹桥生命科学创新中心",
        "city": "changning",
        "owner": GOV_CHANGNING,
        "source": DOC_003,
        "kind": "innovation_centre",
        "summary": "依托生命元山、大虹桥生命科学创新中心，大力引进和培育智慧医疗、益生菌、细胞与基因治疗等细分领域的优质企业。",
        "fields": ["biomedicine", "digital-health"],
    },
    # 杨浦
    *[
        {
            "title": f"{uni}国家大学科技园",
            "city": "yangpu",
            "owner": uni,
            "source": DOC_004,
            "kind": "university_park",
            "level": "national",
            "summary": (
                "获批中国科协首批“科创中国”创新基地。杨浦现有国家级大学科技园区7家（占上海50%、全国5%）。"
            ),
        }
        for uni in ("复旦大学", "同济大学")
    ],
    {
        "title": "长阳秀带在线新经济生态园",
        "city": "yangpu",
        "owner": GOV_YANGPU,
        "source": DOC_004,
        "kind": "science_park",
        "summary": "杨浦“一带”产业地标，高标准建设，建立市区协同推进机制，引导新生代互联网龙头企业和产业功能平台集聚。",
        "fields": ["digital-economy"],
    },
    {
        "title": "大创智数字创新实践区",
        "city": "yangpu",
        "owner": GOV_YANGPU,
        "source": DOC_004,
        "kind": "science_park",
        "summary": "杨浦“一区”产业地标；加快建设大创智数字孪生云上之城。",
        "fields": ["digital-economy"],
    },
    {
        "title": "环同济知识经济圈",
        "city": "yangpu",
        "owner": GOV_YANGPU,
        "source": DOC_004,
        "kind": "other",
        "summary": "杨浦“一圈”产业地标；成立了人才、设计、金融和营商等环同济发展“四大”联盟。",
        "fields": ["rd-services"],
    },
    {
        "title": "湾谷北斗高精度产业园",
        "city": "yangpu",
        "owner": GOV_YANGPU,
        "source": DOC_004,
        "kind": "science_park",
        "summary": "为智能网联汽车关键核心技术研发提供智力支撑的载体平台之一。",
        "fields": ["positioning", "connected-vehicles"],
    },
]

# ---------------------------------------------------------------------------------------------------
# Funds (基金)
# ---------------------------------------------------------------------------------------------------

FUNDS: list[dict] = [
    {
        "title": "长三角一期基金",
        "city": "putuo",
        "owner": "盛石资本",
        "source": DOC_001,
        "manager": "盛石资本（上海国盛集团下属）",
        "stage": "exiting",
        "summary": (
            "普陀区与上海国盛集团下属盛石资本深度合作，出资参与长三角一期、二期两支基金，合计规模达31.88亿元，重点投向"
            "长三角区域“新能源、新智造、新医疗、新材料、新金融、新通信”六大板块。其中，长三角一期已完成投资期内的全部"
            "投资计划，处于退出期阶段；截至2024年三季度，已投决项目22个，累计投资总额14.97亿元，相当于认缴规模的76.47%，"
            "成功完成6个项目的全部退出。引导基金实缴8,108.11万元，累计收到分配款约6,213.38万元，DPI近80%。"
        ),
        "focus": "长三角区域“新能源、新智造、新医疗、新材料、新金融、新通信”六大板块",
        "projects_count": 22,
        "invested_yi": Decimal("14.97"),
        "invested_ratio": Decimal("76.47"),
        "exits_count": 6,
        "exits_note": "富祥药业、应流股份、中芯国际、中际旭创、安科生物、云从科技",
        "paid_in_wan": Decimal("8108.11"),
        "distributions_wan": Decimal("6213.38"),
        # The document says "DPI近80%"; its own figures give 6,213.38 / 8,108.11 = 76.63%.
        "dpi": Decimal("76.63"),
        "figures_as_of": "2024年三季度",
        "fields": [
            "green-low-carbon",
            "smart-manufacturing",
            "biomedicine",
            "new-materials",
            "fintech",
            "communications",
        ],
    },
    {
        "title": "国投孚腾普陀数智健康基金（暂定名）",
        "city": "putuo",
        "owner": "孚腾资本",
        "source": DOC_001,
        "manager": "孚腾资本（上海国投集团下属）",
        "stage": "planned",
        "target_size_yi": Decimal("10"),
        "summary": (
            "普陀区与上海国投集团下属孚腾资本就组建该基金达成初步设想方案，基金目标规模10亿元，将重点投资于生物科技、"
            "创新医疗器械和诊断以及创新药领域，助力推动沿沪宁区域产业转型升级。"
        ),
        "focus": "生物科技、创新医疗器械和诊断以及创新药",
        "fields": ["biomedicine", "medical-devices", "digital-health"],
    },
    {
        "title": "沿沪宁产业科创基金",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_001,
        "stage": "planned",
        "summary": (
            "为推动“七市一区”城市联盟之间的项目联合共育、产业内外联动、要素供求对接，资本公司正牵头研究设立。"
            "聚焦普陀区以及沿沪宁合作地区的重点培育产业，配置行业盲池基金和产业项目专项基金组合，构建“1+N”科创基金矩阵。"
        ),
        "focus": "普陀区以及沿沪宁合作地区的重点培育产业",
    },
    {
        "title": "“半马苏河”科创基金",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_002,
        "stage": "investing",
        "summary": "普陀区科委通过出台专项政策、加强与国资公司的对接，用好“半马苏河”等科创基金，引导各方资源向创新领域集聚。",
    },
    {
        "title": "科技成果转化基金（普陀）",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_002,
        "stage": "planned",
        "summary": (
            "发挥现有资本公司优势，尽快研究推动设立科技成果转化基金，依托专业机构、专业团队运维，推动高校院所科技成果面向"
            "沿沪宁转化或产业化。"
        ),
        "focus": "高校院所科技成果面向沿沪宁转化或产业化",
    },
    {
        "title": "长宁区产业引导基金",
        "city": "changning",
        "owner": GOV_CHANGNING,
        "source": DOC_003,
        "stage": "investing",
        "summary": "区产业引导基金所投子基金已积极投资于部分AI相关领域优质企业；下属国企国资公司已参投部分基金投资项目，如璞跃基金。",
        "focus": "人工智能等重点产业",
        "fields": ["ai"],
    },
    {
        "title": "上海璞跃赋胜创业投资合伙企业（有限合伙）",
        "city": "changning",
        "owner": "璞跃中国",
        "source": DOC_003,
        "manager": "璞跃中国",
        "stage": "planned",
        "summary": "长宁区与璞跃中国开展合作，推进其落地。相关投资合作方团队聚焦智能化、信息化和绿色化。",
        "focus": "产业数字化转型、元宇宙科技和前沿成果转化技术",
        "fields": ["digital-economy", "metaverse"],
    },
]

# ---------------------------------------------------------------------------------------------------
# Financial products: only the one whose provider a document names.
# ---------------------------------------------------------------------------------------------------

FINANCIAL_PRODUCTS: list[dict] = [
    {
        "title": "“批次贷”政策性融资担保",
        "city": "yangpu",
        "owner": "上海市中小微企业政策性融资担保基金管理中心",
        "source": DOC_004,
        "product_type": "guarantee",
        "summary": (
            "杨浦区深化普惠金融服务，建立政银对接机制，继续推进与市中小微企业政策性融资担保基金管理中心合作，扩大"
            "“批次贷”项目合作银行范围，目前已有68家企业获得贷款3.4亿元。"
        ),
    },
]

# ---------------------------------------------------------------------------------------------------
# Policies (政策)
# ---------------------------------------------------------------------------------------------------

POLICIES: list[dict] = [
    {
        "title": "《普陀区支持上海清华国际创新中心 加快建成具有国际一流水平的新型创新载体的若干措施（试行）》",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_001,
        "issuer": "上海市普陀区",
        "level": "district",
        "support_type": "platform",
        "summary": "支持上海清华国际创新中心加快建成具有国际一流水平的新型创新载体。",
        "full_text": (
            "据普科委〔2025〕22号：普陀区发布实施该措施，着眼强化科技创新策源功能，聚焦“卡脖子”“硬科技”技术攻关，"
            "力争新引入一批重点科研平台或实验室项目；同时，深入挖掘“清华+”优势资源，推动集成电路、数智实验室等科研落地。"
            "（原文条款以发文机关公布的文本为准。）"
        ),
        "fields": ["ic", "ai"],
    },
    {
        "title": "《张江高新区普陀园改革创新行动发展行动方案（2025-2026年）》",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_001,
        "issuer": "上海市普陀区",
        "level": "district",
        "support_type": "plan",
        "effective_from": dt.date(2025, 1, 1),
        "effective_to": dt.date(2026, 12, 31),
        "summary": "推动张江普陀园进一步改革升级，聚焦“1+3”产业。",
        "full_text": (
            "据普科委〔2025〕22号：研究发布该方案，探索建立区委、区政府主要领导牵头的统筹协调机制，依托五大中心设立五大"
            "子园，聚焦“1+3”产业（“1”即软件和信息服务主导产业，“3”即网络安全、生物医药服务2个特色产业以及智能机器人"
            "未来产业），打造创新成果策源地、转化地和产业发展集聚地；推进科技园区、孵化器提质扩容。"
        ),
        "fields": ["software", "cybersecurity", "biomedicine", "robotics"],
    },
    {
        "title": "普陀区孵化器支持政策",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_001,
        "issuer": "上海市普陀区",
        "level": "district",
        "support_type": "space",
        "summary": "鼓励孵化器为在孵企业减免房租，引导载体降低企业运营成本。",
        "full_text": (
            "据普科委〔2025〕22号：在孵化器支持政策中，鼓励孵化器为在孵企业减免房租，引导载体降低企业运营成本，"
            "更好地支持企业发展成长。"
        ),
    },
    {
        "title": "“创新里”科创产业空间配套资金扶持政策",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_001,
        "issuer": "上海市普陀区",
        "level": "district",
        "support_type": "funding",
        "summary": "为“创新里”科创产业空间配套的资金扶持政策。",
        "full_text": (
            "据普科委〔2025〕22号：以武宁路801号4-6楼（3248平方米）载体为试点打造“创新里”科创产业空间，配套资金扶持"
            "政策，先行先试打造具有“硬核科技”超前孵化服务能力的“科创摇篮”和加速器。"
        ),
    },
    {
        "title": "《长宁区鼓励科技创新的实施办法》",
        "city": "changning",
        "owner": GOV_CHANGNING,
        "source": DOC_003,
        "issuer": "长宁区",
        "level": "district",
        "support_type": "other",
        "effective_to": dt.date(2023, 12, 31),
        "summary": "长宁区科创政策体系的核心；原政策于2023年底到期。",
        "full_text": (
            "据长宁区科委2024年4月30日答复：长宁区以《长宁区鼓励科技创新的实施办法》为核心，以人工智能等重点产业政策为"
            "支撑，构建了相对完整的科技创新与产业发展统筹协调的政策服务体系。原政策于2023年底到期，新一轮鼓励科技创新"
            "政策和人工智能产业政策将聚焦关键硬核技术创新，鼓励企业加大研发创新投入，营造良好创新环境，推动创新创业"
            "载体建设。"
        ),
        "fields": ["ai"],
    },
    {
        "title": "长宁区“1+1+N”政策体系",
        "city": "changning",
        "owner": GOV_CHANGNING,
        "source": DOC_003,
        "issuer": "长宁区",
        "level": "district",
        "support_type": "other",
        "summary": "将原来分散在各条线的政策集成优化整合，重点产业政策、科创、知识产权等内容纳入其中。",
        "full_text": (
            "据长宁区科委2024年4月30日答复：长宁区构建全面系统的政策框架体系，将原来分散在各条线的政策集成优化整合形成"
            "“1+1+N”政策体系，将重点产业政策、科创、知识产权等内容纳入其中，进一步提高政策实施和企业服务的直达性、精准度"
            "和实效性。"
        ),
    },
    {
        "title": "“上海硅巷”科创街区建设三年行动方案",
        "city": "changning",
        "owner": GOV_CHANGNING,
        "source": DOC_003,
        "issuer": "长宁区",
        "level": "district",
        "support_type": "plan",
        "summary": "以提升创新策源能力为着力点，以创新驱动发展、培育区域经济新动能为主线。",
        "full_text": (
            "据长宁区科委2024年4月30日答复：制定出台“上海硅巷”科创街区建设三年行动方案，充分发挥街区现有特色优势和资源"
            "禀赋，以提升创新策源能力为着力点，以创新驱动发展、培育区域经济新动能为主线，进一步促进区域科技经济深度融合"
            "和高质量发展，培育开放创新生态。下一步将整合各类科创要素资源，推动优质企业集聚、成果对接转化、场景应用落地等"
            "取得实效。"
        ),
        "fields": ["ai", "fintech"],
    },
    {
        "title": "《新时代杨浦打造“人才秀带”建设高水平人才高地的实施意见》“1+3”人才新政",
        "city": "yangpu",
        "owner": GOV_YANGPU,
        "source": DOC_004,
        "issuer": "杨浦区",
        "level": "district",
        "support_type": "talent",
        "summary": "全力推动“人才秀带”建设的“1+3”人才新政。",
        "full_text": (
            "据杨科两会〔2023〕12号：全力推动“人才秀带”建设，制定发布该实施意见“1+3”人才新政，启动“海聚英才·杨浦在线"
            "新经济未来人才实验室”建设，探索建设“人民城市·海聚英才”发展研究院；不断优化海外引才“3310”政策，广泛吸纳"
            "国际高层次人才和创新团队。"
        ),
    },
    {
        "title": "杨浦区优化营商环境行动方案",
        "city": "yangpu",
        "owner": GOV_YANGPU,
        "source": DOC_004,
        "issuer": "杨浦区",
        "level": "district",
        "support_type": "plan",
        "summary": "连续六年制定，累计推出544项改革举措。",
        "full_text": (
            "据杨科两会〔2023〕12号：对标最高标准、最好水平，连续六年制定杨浦区优化营商环境行动方案，累计推出544项改革"
            "举措；在全市范围内首批试点开展外资企业设立全程电子化；完善包容审慎监管，推行“首违不罚”和轻微违法不罚容错机制。"
        ),
    },
    {
        "title": "《企业数据合规指引》",
        "city": "yangpu",
        "owner": GOV_YANGPU,
        "source": DOC_004,
        "issuer": "杨浦区",
        "level": "district",
        "support_type": "other",
        "summary": "杨浦区在全市率先发布。",
        "full_text": "据杨科两会〔2023〕12号：完善包容审慎监管，在全市率先发布《企业数据合规指引》。",
        "fields": ["cybersecurity", "digital-economy"],
    },
]

# ---------------------------------------------------------------------------------------------------
# Events (活动). No document gives an exact day, so ``date_note`` says what it gives.
# ---------------------------------------------------------------------------------------------------

EVENTS: list[dict] = [
    {
        "title": "武宁创新共同体2024年“武林大汇”",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_001,
        "kind": "forum",
        "date_note": "2024年6月",
        "organiser": "武宁创新共同体",
        "summary": (
            "南京、无锡、常州、苏州、南通、镇江与普陀区携手开启沿沪宁产业创新带协同创新的新篇章；“武林大汇”后，泰州市也"
            "表示愿意加入，形成目前“七市一区”协同创新格局。"
        ),
    },
    *[
        {
            "title": title,
            "city": "putuo",
            "owner": "中以（上海）创新园",
            "source": DOC_001,
            "kind": kind,
            "date_note": "常态化举办",
            "organiser": "中以（上海）创新园",
            "summary": "中以（上海）创新园常态化举办的活动之一，助力供需深度对接，加速成果流通配置与转化应用，促进产学研深度合作。",
        }
        for title, kind in [
            ("上海数字创新大会", "forum"),
            ("中以国际科技成果直通车", "matchmaking"),
            ("以色列初创企业路演", "roadshow"),
        ]
    ],
    *[
        {
            "title": title,
            "city": "putuo",
            "owner": GOV_PUTUO,
            "source": DOC_002,
            "kind": kind,
            "date_note": "计划举办（2025年5月答复）",
            "organiser": "普陀区科学技术委员会",
            "summary": "聚焦智能软件、研发服务等主导产业，搭建政产学研合作平台，帮助科技企业延链、补链、强链。",
            "fields": fields,
        }
        for title, kind, fields in [
            ("长三角智库圆桌会议·智能软件专场", "forum", ["software"]),
            ("智能软件产业企业下午茶", "salon", ["software"]),
            ("“靠研值 谱未来”研发服务重点企业恳谈会", "salon", ["rd-services"]),
        ]
    ],
    {
        "title": "高新技术企业科创营商环境政策宣介会",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_002,
        "kind": "training",
        "date_note": "区科委组织开展的培训活动",
        "organiser": "普陀区科学技术委员会",
        "summary": "区科委组织开展的各类培训活动之一。",
    },
    {
        "title": "科技成果转化要素对接会",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_001,
        "kind": "matchmaking",
        "date_note": "由科技园区组织开展",
        "summary": (
            "积极推动科技园区组织开展，通过区校深度合作的模式，采用“现场会诊”的方式，精准对接科创项目团队在政策扶持、"
            "应用场景扩展、投融资对接、服务载体支持等多方面的需求。"
        ),
    },
    *[
        {
            "title": title,
            "city": "putuo",
            "owner": "香港大学中国商业学院",
            "source": DOC_000,
            "kind": kind,
            "date_note": "定期举办",
            "organiser": "香港大学中国商业学院",
            "summary": "邀请国际专家学者、大赛获奖者及科创企业共同举办，进一步加强行业交流实现产业集聚。",
        }
        for title, kind in [
            ("国际科创大赛", "competition"),
            ("知识转化论坛", "forum"),
            ("人工智能与商业转型主题论坛", "forum"),
            ("华东校友日", "forum"),
        ]
    ],
    # 长宁
    {
        "title": "长宁创投沙龙",
        "city": "changning",
        "owner": GOV_CHANGNING,
        "source": DOC_003,
        "kind": "salon",
        "date_note": "2023年共举办21场，持续举办",
        "summary": (
            "2023年，围绕生物医药、绿色低碳、加速国际化布局、智能网联汽车、大语言模型、工业互联网等，与JP摩根、国投招商、"
            "江森自控、英特尔机器人创新中心、易立德等行业头部企业或创投资本开展合作，举办21场长宁创投沙龙，推动创新创业"
            "创意创投“四创联动”。"
        ),
    },
    {
        "title": "“数联未来，解构GPT新机遇”论坛",
        "city": "changning",
        "owner": GOV_CHANGNING,
        "source": DOC_003,
        "kind": "forum",
        "date_note": "2023年",
        "organiser": "“虹桥智谷”CTOU首席技术官联盟",
        "summary": "“虹桥智谷”CTOU首席技术官联盟活动，来自高校院所的专家和长宁区优质企业嘉宾聚焦前沿技术趋势开展讨论交流。",
        "fields": ["ai"],
    },
    {
        "title": "“大语言模型与机器人融合创新的未来”论坛",
        "city": "changning",
        "owner": GOV_CHANGNING,
        "source": DOC_003,
        "kind": "forum",
        "date_note": "2023年",
        "organiser": "“虹桥智谷”CTOU首席技术官联盟",
        "summary": "“虹桥智谷”CTOU首席技术官联盟活动，聚焦大模型和生成式人工智能。",
        "fields": ["ai", "robotics"],
    },
    *[
        {
            "title": title,
            "city": "changning",
            "owner": GOV_CHANGNING,
            "source": DOC_003,
            "kind": kind,
            "date_note": "“上海硅巷”建设相关活动",
            "summary": "长宁区为营造良好创新生态氛围组织召开或引进的活动之一。",
            "fields": fields,
        }
        for title, kind, fields in [
            ("“上海硅巷”早餐会", "salon", []),
            ("室内机器人学习全球挑战赛", "competition", ["robotics"]),
            ("中美青创大赛", "competition", []),
            ("数字化转型与先进制造技术论坛", "forum", ["smart-manufacturing", "digital-economy"]),
            ("脑机接口产城融合会议", "forum", ["medical-devices"]),
        ]
    ],
    {
        "title": "生产性互联网服务平台沙龙",
        "city": "changning",
        "owner": GOV_CHANGNING,
        "source": DOC_003,
        "kind": "salon",
        "date_note": "已举办",
        "summary": "长宁区举办，共同探讨供应链数字化转型。",
        "fields": ["digital-economy"],
    },
    # 杨浦
    *[
        {
            "title": title,
            "city": "yangpu",
            "owner": GOV_YANGPU,
            "source": DOC_004,
            "kind": kind,
            "date_note": date_note,
            "summary": summary,
        }
        for title, kind, date_note, summary in [
            ("2022全国双创活动周上海分会场", "exhibition", "2022年", "杨浦成功举办的重点双创活动之一。"),
            (
                "2022全球创业周中国站暨“创响中国”长三角联盟站",
                "exhibition",
                "2022年",
                "杨浦成功举办的重点双创活动之一。",
            ),
            ("2022年杨浦“创业之星”大赛", "competition", "2022年", "杨浦成功举办的重点双创活动之一。"),
            (
                "2021环同济设计周",
                "exhibition",
                "2021年",
                "以“新格局 A NEW LANDSCAPE”为主题，举办论坛、展览、讲座、工作坊等30余项活动。",
            ),
            (
                "“小巨人”下午茶",
                "salon",
                "已举办",
                "区科委联合上交所发行上市服务中心举办，帮助杨浦区小巨人企业掌握资本市场的最新动态。",
            ),
            (
                "“携手同行 赋能共生”企业互访活动",
                "matchmaking",
                "已举办多场",
                "围绕“绿色工艺赋能未来设计”“水环境治理的装备和工艺研究”等话题，发挥龙头企业技术优势，带动中小微企业。",
            ),
            (
                "世界人工智能大会云原生品牌论坛和智能社会论坛",
                "forum",
                "已举办",
                "杨浦成功举办的重大活动之一。",
            ),
        ]
    ],
]

# ---------------------------------------------------------------------------------------------------
# Cooperation list (合作清单), over the three time dimensions.
# ---------------------------------------------------------------------------------------------------

MEMBER_SLUGS = ["putuo", "nanjing", "wuxi", "changzhou", "suzhou", "nantong", "zhenjiang", "taizhou"]

COOPERATIONS: list[dict] = [
    {
        "title": "施江医药“拨投结合”项目落地同济科技园生命健康孵化基地",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_001,
        "kind": "financing",
        "phase": "past",
        "summary": (
            "普陀区与长三角国创中心合作推动普陀区首个“拨投结合”项目，同时是首个一类创新药研发企业——施江医药正式落地"
            "同济科技园生命健康孵化基地。"
        ),
        "outcome": "施江医药正式落地同济科技园生命健康孵化基地。",
        "partners": ["施江医药", "长三角国家技术创新中心", "同济大学"],
        "fields": ["biomedicine"],
    },
    {
        "title": "“可穿戴的脉搏波持续监测”项目经InnoMatch平台对接落地华东师大科技园",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_001,
        "kind": "tech_transfer",
        "phase": "past",
        "summary": (
            "通过东部技转中心InnoMatch平台，促成华东师范大学通信与电子工程学院研究员陈建刚的“可穿戴的脉搏波持续监测”"
            "项目与医疗诊断企业技术需求方刘成山团队实现合作，并将科技成果转化落地于华东师大科技园。"
        ),
        "outcome": "科技成果转化落地于华东师大科技园。",
        "partners": ["华东师范大学", "国家技术转移东部中心"],
        "fields": ["medical-devices", "digital-health"],
    },
    {
        "title": "蓝鸟科技经科创集市对接金融机构获3500万元授信",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_002,
        "kind": "financing",
        "phase": "past",
        "amount_wan": Decimal("3500"),
        "summary": (
            "区内的蓝鸟科技通过科创集市这一平台，与金融机构对接，获得了3500万元的授信额度批复，解决了企业研发成本上升及"
            "业务拓展中面临的资金问题，推动了企业的快速发展。"
        ),
        "outcome": "获得3500万元授信额度批复。",
        "partners": ["蓝鸟科技"],
    },
    {
        "title": "沿沪宁协同创新城市联盟（“七市一区”）合作备忘录",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_001,
        "kind": "industrial",
        "phase": "present",
        "date_note": "2024年6月“武林大汇”起",
        "summary": (
            "普陀党政代表团密集走访了南京、无锡等沿沪宁七市，共同建立了协同创新城市联盟、签署了合作备忘录，围绕产业协作、"
            "创新协同、人才培养等方面深入交换意见，得到了各市主要领导的积极响应。"
        ),
        "partner_cities": MEMBER_SLUGS,
    },
    {
        "title": "沿沪宁“三张清单”排摸（资源、需求、合作）",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_001,
        "kind": "industrial",
        "phase": "present",
        "summary": (
            "建立“三张清单”赋能机制，围绕过去时、进行时、未来时“三个维度”，面向普陀区及沿沪宁各市开展资源、需求、合作"
            "“三张清单”排摸工作。"
        ),
        "partner_cities": MEMBER_SLUGS,
    },
    {
        "title": "沿沪宁科技合作计划与联合攻关“资金池”",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_001,
        "kind": "joint_research",
        "phase": "future",
        "summary": (
            "计划与南京牵头共推沿沪宁科技合作计划，共设联合攻关“资金池”，鼓励第三方机构组织跨区域科研合作、技术转移转化的"
            "活动；计划探索出台鼓励沿沪宁协同创新和联合攻关、鼓励专业中介机构参与沿沪宁联合攻关等政策条款。"
        ),
        "partner_cities": ["putuo", "nanjing"],
    },
    {
        "title": "沿沪宁技术经理人联盟",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_001,
        "kind": "tech_transfer",
        "phase": "future",
        "summary": (
            "计划依托国家技术转移东部中心2.9万余名技术经理人资源和InnoMatch全球技术供需对接平台资源以及运维经验，组建"
            "沿沪宁技术经理人联盟，深度挖掘梳理沿沪宁高校、企业、院所资源、需求，促成产学研合作。"
        ),
        "partners": ["国家技术转移东部中心"],
        "partner_cities": MEMBER_SLUGS,
    },
    {
        "title": "与南通、泰州共商飞地园区共建与园区合作",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_002,
        "kind": "industrial",
        "phase": "future",
        "summary": "区科委强化区域协作，对接南通、泰州科技局，共商协同创新集市开发、飞地园区共建、园区合作等事宜。",
        "partner_cities": ["putuo", "nantong", "taizhou"],
    },
    {
        "title": "普陀区与华东师大、上海集成电路研究中心共建集成电路产业学院",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_002,
        "kind": "joint_research",
        "phase": "present",
        "summary": "积极推动与高校、科研机构合作，推进普陀区与华东师大、上海集成电路研究中心共建集成电路产业学院。",
        "partners": ["华东师范大学", "上海集成电路研究中心"],
        "fields": ["ic"],
    },
    {
        "title": "普陀区与上海化工院、中国建材等大院大所深入合作",
        "city": "putuo",
        "owner": GOV_PUTUO,
        "source": DOC_002,
        "kind": "joint_research",
        "phase": "present",
        "summary": "与上海化工院、中国建材等大院大所深入合作，促进产学研深度融合，助力企业续航技术研发的“中间一公里”。",
        "partners": ["上海化工院", "中国建材"],
        "fields": ["new-materials"],
    },
    # 长宁
    {
        "title": "长宁区与建信信托签订战略合作框架协议",
        "city": "changning",
        "owner": GOV_CHANGNING,
        "source": DOC_003,
        "kind": "financing",
        "phase": "present",
        "summary": "双方就招商引资、金融业务合作、重点园区建设、人才共建等方面探索开展合作。",
        "partners": ["建信信托有限责任公司"],
    },
    {
        "title": "长宁区与璞跃中国合作",
        "city": "changning",
        "owner": GOV_CHANGNING,
        "source": DOC_003,
        "kind": "financing",
        "phase": "present",
        "summary": (
            "推进上海璞跃赋胜创业投资合伙企业（有限合伙）落地，探索推动设立国际开放创新中心、大企业开放创新联盟。"
        ),
        "partners": ["璞跃中国"],
    },
    {
        "title": "长宁区与中科院微系统所、硅酸盐研究所合作布局创新产业集群",
        "city": "changning",
        "owner": GOV_CHANGNING,
        "source": DOC_003,
        "kind": "joint_research",
        "phase": "present",
        "summary": "加快布局人工智能、金融科技等创新产业集群，重点打造新微智谷等一批有影响力的新技术产业孵化空间。",
        "partners": ["中科院微系统所", "中科院硅酸盐研究所"],
        "fields": ["ai", "fintech"],
    },
    # 杨浦
    {
        "title": "长三角双创示范基地联盟",
        "city": "yangpu",
        "owner": GOV_YANGPU,
        "source": DOC_004,
        "kind": "joint_event",
        "phase": "present",
        "date_note": "2018年成立",
        "summary": (
            "2018年，在国家发改委和中国科协的支持下，杨浦区牵头倡议成立长三角双创示范基地联盟，并被推选为联盟理事长单位。"
            "发挥“一张图（长三角创业地图）、一张券（双创券通用通兑）、一个秘书处”的牵头优势，促进创新要素跨区域流动。"
        ),
    },
]

# ---------------------------------------------------------------------------------------------------
# Talent service stations. 39 “虹桥人才荟” sites are a figure: one aggregate record says so.
# ---------------------------------------------------------------------------------------------------

TALENT_STATIONS: list[dict] = [
    {
        "title": "“虹桥人才荟”实体化站点（全区39个，汇总）",
        "city": "changning",
        "owner": GOV_CHANGNING,
        "source": DOC_003,
        "summary": (
            "汇总记录，非单个站点：围绕“虹桥智谷”国家双创示范基地、“上海硅巷”科创街区建设，长宁区建成39个“虹桥人才荟”"
            "实体化站点，将科创人才服务资源下沉街镇和社区，打造“15分钟人才服务圈”，实现服务网络区域全覆盖。"
        ),
        "services": "科创人才服务下沉街镇和社区；三级人才服务专员“上门办”服务，服务事项点单式申请、非接触式办理、一对一指导。",
    },
    {
        "title": "虹桥国际人才港分中心",
        "city": "changning",
        "owner": GOV_CHANGNING,
        "source": DOC_003,
        "summary": "长宁区更新优化海外一站式服务中心，与虹桥商务区携手设立，共同打造西部地区人才服务综合体。",
        "services": "海外人才一站式服务。",
    },
]
