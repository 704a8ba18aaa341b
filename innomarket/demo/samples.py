"""Templates for the clearly-marked sample records (示例数据) where the documents give no facts.

Everything here is generic: no real names, no phone numbers, no credit codes. The loader combines
these templates deterministically (fixed random seed) over the eight member cities.
"""

from __future__ import annotations

from decimal import Decimal

SAMPLE_PREFIX = "【示例】"
RANDOM_SEED = 20250512  # the date of 普科委〔2025〕22号, for want of a better constant

# Short codes for placeholder names ("【示例】专家 NJ-01").
CITY_CODES = {
    "putuo": "PT",
    "nanjing": "NJ",
    "wuxi": "WX",
    "changzhou": "CZ",
    "suzhou": "SZ",
    "nantong": "NT",
    "zhenjiang": "ZJ",
    "taizhou": "TZ",
}

# The two fields of each city's two sample enterprises (slugs of taxonomy.FieldTag).
CITY_ENTERPRISE_FIELDS = {
    "putuo": ("software", "digital-health"),
    "nanjing": ("new-materials", "communications"),
    "wuxi": ("ic", "smart-manufacturing"),
    "changzhou": ("green-low-carbon", "robotics"),
    "suzhou": ("biomedicine", "ai"),
    "nantong": ("smart-manufacturing", "new-materials"),
    "zhenjiang": ("medical-devices", "green-low-carbon"),
    "taizhou": ("biomedicine", "medical-devices"),
}

# Technical challenges (揭榜挂帅) per field: title, problem, indicators, acceptance, budget (万元), TRL.
CHALLENGE_TEMPLATES: dict[str, list[dict]] = {
    "software": [
        {
            "title": "工业软件国产化迁移中的实时数据库性能瓶颈攻关",
            "problem": "现有生产执行系统依赖进口实时数据库，迁移至国产数据库后高频写入场景下延迟明显上升，需提出优化方案。",
            "indicators": "单节点写入≥50万点/秒；查询P99延迟≤20毫秒；支持国产CPU与操作系统。",
            "acceptance": "在企业测试环境连续运行30天无数据丢失，第三方测试报告达到上述指标。",
            "budget": (Decimal("80"), Decimal("150")),
            "trl": 6,
        },
        {
            "title": "面向政务热线的中文语义工单自动分派",
            "problem": "热线工单人工分派耗时长、错派率高，需要基于语义理解的自动分派与解释能力。",
            "indicators": "分派准确率≥92%；单条处理时间≤1秒；给出分派理由。",
            "acceptance": "在脱敏历史工单集上复测达标，并完成3个月试运行。",
            "budget": (Decimal("50"), Decimal("100")),
            "trl": 5,
        },
    ],
    "digital-health": [
        {
            "title": "社区慢病管理可穿戴数据的异常预警模型",
            "problem": "社区慢病随访依赖人工，需利用可穿戴设备连续数据实现心率、血压异常的早期预警。",
            "indicators": "预警灵敏度≥90%，误报率≤5%；支持离线边缘计算。",
            "acceptance": "在合作社区卫生服务中心完成不少于500人、3个月的试点验证。",
            "budget": (Decimal("60"), Decimal("120")),
            "trl": 5,
        },
        {
            "title": "医学影像报告结构化与质控工具",
            "problem": "放射科自由文本报告难以统计和质控，需将报告自动结构化并提示遗漏项。",
            "indicators": "关键字段抽取F1≥0.9；质控提示召回率≥85%。",
            "acceptance": "在1万份脱敏报告上验证并通过院内信息科评审。",
            "budget": (Decimal("40"), Decimal("80")),
            "trl": 6,
        },
    ],
    "new-materials": [
        {
            "title": "高导热绝缘复合材料配方与工艺开发",
            "problem": "功率器件封装用绝缘材料导热不足，导致器件温升过高，需开发高导热绝缘复合材料。",
            "indicators": "导热系数≥5 W/(m·K)；击穿强度≥30 kV/mm；可注塑成型。",
            "acceptance": "小批量试制样品经第三方检测达标，并在企业产品上完成装机验证。",
            "budget": (Decimal("100"), Decimal("200")),
            "trl": 4,
        },
        {
            "title": "低成本耐腐蚀涂层在海洋环境中的长效防护",
            "problem": "沿海设备钢结构腐蚀严重，现有涂层维护周期短，需开发长效耐腐蚀涂层体系。",
            "indicators": "中性盐雾试验≥3000小时无起泡；成本不高于现有体系120%。",
            "acceptance": "挂片试验与实船/实地应用各6个月，第三方检测达标。",
            "budget": (Decimal("80"), Decimal("160")),
            "trl": 5,
        },
        {
            "title": "碳纤维复合材料构件非热压罐快速成型工艺",
            "problem": "热压罐成型周期长、能耗和设备成本高，需非热压罐快速成型工艺。",
            "indicators": "孔隙率≤1%；成型周期缩短≥50%；拉伸强度不低于热压罐工艺的95%。",
            "acceptance": "完成典型构件试制并通过第三方力学性能检测。",
            "budget": (Decimal("100"), Decimal("200")),
            "trl": 5,
        },
    ],
    "communications": [
        {
            "title": "工业现场5G专网低时延确定性传输方案",
            "problem": "产线控制对通信时延抖动敏感，现有5G专网难以满足运动控制要求。",
            "indicators": "端到端时延≤10毫秒，抖动≤1毫秒，可靠性≥99.999%。",
            "acceptance": "在企业产线完成至少2个工位的连续运行验证。",
            "budget": (Decimal("120"), Decimal("250")),
            "trl": 6,
        },
        {
            "title": "高速光模块温漂补偿算法",
            "problem": "光模块在宽温范围内性能漂移，需低成本补偿算法提升良率。",
            "indicators": "-40℃～85℃范围内误码率≤1e-12；良率提升≥5个百分点。",
            "acceptance": "批量样品测试报告及产线导入记录。",
            "budget": (Decimal("60"), Decimal("120")),
            "trl": 5,
        },
    ],
    "ic": [
        {
            "title": "车规级MCU芯片功能安全验证平台搭建",
            "problem": "企业自研MCU需满足功能安全要求，缺少故障注入与验证工具链。",
            "indicators": "支持ISO 26262 ASIL-B级验证流程；故障注入覆盖率≥90%。",
            "acceptance": "完成一款芯片的全流程验证并通过第三方评估。",
            "budget": (Decimal("150"), Decimal("300")),
            "trl": 5,
        },
        {
            "title": "晶圆缺陷图像自动分类",
            "problem": "晶圆检测缺陷图像依赖人工复判，效率低且一致性差。",
            "indicators": "缺陷分类准确率≥95%；单片处理时间≤30秒。",
            "acceptance": "在产线数据上连续2个月比对人工复判结果达标。",
            "budget": (Decimal("80"), Decimal("150")),
            "trl": 6,
        },
    ],
    "smart-manufacturing": [
        {
            "title": "离散制造车间排产优化与数字孪生",
            "problem": "多品种小批量订单排产依赖经验，设备利用率低，需排产优化与车间数字孪生。",
            "indicators": "设备综合效率提升≥10%；排产计算时间≤5分钟。",
            "acceptance": "在企业车间上线运行3个月，提交运行数据对比报告。",
            "budget": (Decimal("100"), Decimal("200")),
            "trl": 6,
        },
        {
            "title": "大型焊接结构件焊缝在线质量检测",
            "problem": "焊缝缺陷依赖离线检测，返修成本高，需在线检测方案。",
            "indicators": "缺陷检出率≥95%，误报率≤3%；检测速度匹配产线节拍。",
            "acceptance": "产线试运行3个月，与离线探伤结果对比达标。",
            "budget": (Decimal("80"), Decimal("180")),
            "trl": 5,
        },
        {
            "title": "注塑成型工艺参数智能优化",
            "problem": "新模具试模依赖老师傅经验，试模次数多、废品率高。",
            "indicators": "试模次数减少≥50%；产品尺寸合格率≥99%。",
            "acceptance": "在不少于3套模具上验证并提交对比报告。",
            "budget": (Decimal("50"), Decimal("120")),
            "trl": 6,
        },
    ],
    "green-low-carbon": [
        {
            "title": "动力电池梯次利用健康状态快速评估",
            "problem": "退役电池梯次利用前需评估健康状态，现有方法耗时长。",
            "indicators": "单包评估时间≤15分钟；容量估计误差≤3%。",
            "acceptance": "对不少于200个退役电池包完成评估并与全充放测试对比。",
            "budget": (Decimal("60"), Decimal("130")),
            "trl": 5,
        },
        {
            "title": "园区级综合能源系统碳排放监测与优化调度",
            "problem": "园区用能数据分散，碳排放难以核算，需监测与优化调度系统。",
            "indicators": "碳排放核算覆盖≥95%用能单元；综合能耗降低≥8%。",
            "acceptance": "在一个园区运行6个月并出具第三方节能量审核报告。",
            "budget": (Decimal("120"), Decimal("240")),
            "trl": 6,
        },
        {
            "title": "工业余热有机朗肯循环发电系统优化",
            "problem": "企业80～150℃中低温余热大量放空，现有有机朗肯循环机组效率低。",
            "indicators": "系统净发电效率≥10%；投资回收期≤4年。",
            "acceptance": "示范机组连续运行3个月并出具能效测试报告。",
            "budget": (Decimal("150"), Decimal("300")),
            "trl": 6,
        },
    ],
    "robotics": [
        {
            "title": "协作机器人柔性装配力控算法",
            "problem": "精密零件装配需力控插装，现有算法对公差波动适应性差。",
            "indicators": "插装成功率≥99.5%；节拍≤8秒/件；支持±0.5毫米位置偏差。",
            "acceptance": "在企业装配线连续运行1万次以上达标。",
            "budget": (Decimal("80"), Decimal("160")),
            "trl": 5,
        },
        {
            "title": "巡检机器人复杂场景自主导航",
            "problem": "厂区巡检机器人在光照变化、动态障碍场景下定位易丢失。",
            "indicators": "定位误差≤5厘米；连续运行72小时无人工干预。",
            "acceptance": "在企业厂区完成1个月实地巡检测试。",
            "budget": (Decimal("60"), Decimal("120")),
            "trl": 6,
        },
    ],
    "biomedicine": [
        {
            "title": "抗体药物高表达细胞株构建与工艺放大",
            "problem": "在研抗体表达量偏低，影响成本与产能，需高表达细胞株与工艺放大方案。",
            "indicators": "表达量≥5 g/L；200 L规模工艺重现性良好。",
            "acceptance": "完成3批次放大生产，质量属性符合申报要求。",
            "budget": (Decimal("200"), Decimal("400")),
            "trl": 4,
        },
        {
            "title": "中药复方有效成分快速质控方法",
            "problem": "复方制剂批间一致性评价耗时，需快速、可追溯的质控方法。",
            "indicators": "检测时间≤30分钟/批；关键成分定量RSD≤3%。",
            "acceptance": "方法学验证报告及不少于20批次样品比对。",
            "budget": (Decimal("50"), Decimal("100")),
            "trl": 5,
        },
        {
            "title": "mRNA疫苗脂质纳米颗粒递送处方优化",
            "problem": "现有脂质纳米颗粒处方包封率和稳定性不足，冷链要求高。",
            "indicators": "包封率≥90%；2～8℃储存6个月粒径变化≤10%。",
            "acceptance": "完成3批中试样品放行检测。",
            "budget": (Decimal("200"), Decimal("400")),
            "trl": 4,
        },
        {
            "title": "仿制药晶型筛选与专利规避",
            "problem": "仿制药开发需筛选稳定晶型并规避原研药的晶型专利。",
            "indicators": "获得不少于2种稳定新晶型，稳定性满足ICH要求；完成晶型专利分析。",
            "acceptance": "提交晶型研究报告和专利申请文件。",
            "budget": (Decimal("60"), Decimal("120")),
            "trl": 4,
        },
    ],
    "ai": [
        {
            "title": "面向制造业质检的小样本缺陷检测模型",
            "problem": "新产品缺陷样本少，传统深度学习模型难以快速上线。",
            "indicators": "每类缺陷样本≤50张时检出率≥95%；模型可在边缘设备运行。",
            "acceptance": "在企业两条产线试运行2个月达标。",
            "budget": (Decimal("60"), Decimal("120")),
            "trl": 5,
        },
        {
            "title": "企业知识库大模型问答的可信溯源",
            "problem": "内部知识问答存在“幻觉”，需回答附带可核对的出处并可私有化部署。",
            "indicators": "答案出处准确率≥95%；私有化部署于国产算力。",
            "acceptance": "在企业知识库500个测试问题上评测达标。",
            "budget": (Decimal("80"), Decimal("150")),
            "trl": 6,
        },
    ],
    "medical-devices": [
        {
            "title": "一次性内窥镜低成本成像模组",
            "problem": "一次性内窥镜成本压力大，需低成本且满足临床清晰度要求的成像模组。",
            "indicators": "分辨率≥40万像素；模组成本降低≥30%。",
            "acceptance": "完成样机型式检验，并通过合作医院的临床前评价。",
            "budget": (Decimal("100"), Decimal("200")),
            "trl": 5,
        },
        {
            "title": "家用呼吸机智能压力调节算法",
            "problem": "现有自动调压算法对睡眠呼吸事件响应慢，需改进算法提升舒适度。",
            "indicators": "呼吸事件识别准确率≥90%；压力响应时间≤2秒。",
            "acceptance": "样机台架测试及不少于30例用户试用评价。",
            "budget": (Decimal("50"), Decimal("100")),
            "trl": 6,
        },
        {
            "title": "可穿戴动态心电贴片低功耗设计",
            "problem": "心电贴片续航短、佩戴不适，难以满足14天连续监测。",
            "indicators": "连续监测≥14天；房颤检出灵敏度≥95%。",
            "acceptance": "完成样机性能测试和不少于30例佩戴试用评价。",
            "budget": (Decimal("80"), Decimal("160")),
            "trl": 5,
        },
    ],
}

INSTRUMENTS = [
    ("场发射扫描电子显微镜", "形貌分析"),
    ("液相色谱-质谱联用仪", "成分分析"),
    ("X射线衍射仪", "结构分析"),
    ("激光共聚焦显微镜", "生物成像"),
    ("三坐标测量机", "精密测量"),
    ("电磁兼容测试系统", "电子测试"),
    ("高低温湿热试验箱", "环境试验"),
    ("核磁共振波谱仪", "结构分析"),
    ("热重-差示扫描量热联用仪", "热分析"),
    ("原子力显微镜", "表面分析"),
    ("高通量测序仪", "生命科学"),
    ("疲劳试验机", "力学测试"),
    ("傅里叶变换红外光谱仪", "成分分析"),
    ("半导体参数分析仪", "电子测试"),
    ("流式细胞仪", "生命科学"),
    ("振动台测试系统", "环境试验"),
]

PRODUCT_TEMPLATES = [
    ("科创信用贷", "credit_loan", (Decimal("50"), Decimal("1000")), 12),
    ("知识产权质押贷", "ip_pledge", (Decimal("100"), Decimal("2000")), 24),
    ("创新积分授信", "credit_line", (Decimal("100"), Decimal("3000")), 12),
    ("科技保险", "insurance", (None, None), 12),
]

TALENT_TEMPLATES = [
    ("算法工程师", "full_time", "计算机、自动化等相关专业硕士及以上，熟悉机器学习与工程落地。", "面议"),
    ("工艺工程师", "full_time", "材料、化工或机械相关专业本科及以上，三年以上工艺开发经验。", "面议"),
    ("博士后（产学研联合培养）", "postdoc", "相关领域博士学位，能够参与企业技术攻关项目。", "按站内标准"),
    ("技术转移专员", "part_time", "熟悉科技成果转化流程，具备技术经理人培训经历者优先。", "面议"),
]

# csl-match disciplines → FieldTag slugs (unmapped disciplines get no tag).
DISCIPLINE_FIELDS = {
    "计算机科学与技术": "software",
    "信息与通信工程": "communications",
    "电子科学与技术": "ic",
    "控制科学与工程": "robotics",
    "材料科学与工程": "new-materials",
    "化学/化学工程与技术": "new-materials",
    "冶金工程": "new-materials",
    "纺织科学与工程": "new-materials",
    "药学": "biomedicine",
    "中医学/中药学": "biomedicine",
    "基础医学/临床医学": "biomedicine",
    "生物学/生物科学与工程": "biomedicine",
    "口腔医学": "medical-devices",
    "公共卫生与预防医学": "digital-health",
    "机械工程": "smart-manufacturing",
    "电气工程": "green-low-carbon",
    "动力工程及工程热物理": "green-low-carbon",
    "环境科学与工程": "green-low-carbon",
    "交通运输工程": "connected-vehicles",
    "测绘科学与技术": "positioning",
}

# Only records from these 门类 become sample achievements (a philosophy paper is not a transferable result).
ACHIEVEMENT_CATEGORIES = {"工学", "理学", "医学", "农学"}

# Challenges loaded waiting for verification (待核验), so that a city administrator has a realistic
# challenge to check and publish. Keys as in CHALLENGE_TEMPLATES, plus the city, the owner's role
# among the city's sample organisations, the fields, a public summary, constraints, confidentiality
# and the deadline in days from the day of loading.
PENDING_CHALLENGES: list[dict] = [
    {
        "city": "changzhou",
        "owner": "enterprise_a",
        "title": "锂电池隔膜陶瓷涂覆工艺",
        "fields": ("new-materials", "green-low-carbon"),
        "summary": "面向动力与储能锂电池的聚烯烃隔膜，征集陶瓷涂层浆料配方与涂布、干燥工艺的整体改进方案。",
        "problem": (
            "企业在湿法聚乙烯（PE）基膜上涂覆氧化铝陶瓷层，量产中存在三个问题：一是涂层附着力不足，分切和卷绕时"
            "掉粉，粉尘进入电芯带来自放电和内短路风险；二是涂层面密度横向、纵向不均，批次间波动大，隔膜厚度和"
            "透气度一致性差；三是高温热收缩偏大，150℃下隔膜收缩明显，电芯热安全测试余量不足。现用水性浆料的"
            "粘结剂用量和分散工艺依赖经验：提高粘结剂比例可减轻掉粉，但会堵塞孔隙、降低透气性；提高涂布速度则"
            "面密度波动加大。需要在不明显增加隔膜厚度和透气值的前提下，提出浆料配方、涂布与干燥工艺的整体方案，"
            "并能在现有微凹版涂布线上导入量产。"
        ),
        "indicators": (
            "150℃/1h 热收缩率（MD、TD）≤3%；涂层剥离强度≥60 N/m；涂层面密度偏差≤±0.5 g/m²；"
            "涂覆速度≥80 m/min；单面涂层厚度2–4 μm；涂覆后透气度增加值≤30 s/100 mL；分切后掉粉量≤0.1 g/m²。"
        ),
        "acceptance": (
            "在企业现有涂布线上连续试产3批次、每批次不少于5000 m²；由第三方检测机构按 GB/T 36363-2018"
            "《锂离子电池用聚烯烃隔膜》出具检测报告，热收缩率、剥离强度、面密度偏差、透气度和掉粉量全部达到上述"
            "指标；涂覆速度以连续生产记录为准；用试产隔膜制成的电芯通过130℃、30 min 热箱试验，不起火、不爆炸。"
        ),
        "constraints": (
            "须适配现有微凹版涂布线（幅宽1.2 m）和水性浆料体系，不引入有机溶剂；原材料成本增幅不超过10%；"
            "试产数据不出厂；合作产生的知识产权归属在合同中约定。"
        ),
        "budget": (Decimal("100"), Decimal("200")),
        "trl": 5,
        "confidentiality": "members",
        "deadline_days": 90,
    },
]
