from innomarket.matching.engine import Tokenizer, normalize

from .conftest import TAXONOMY


def test_taxonomy_terms_stay_whole():
    tok = Tokenizer(TAXONOMY, search_mode=False)
    for term in ["高端医疗器械", "脉搏波", "集成电路", "软件和信息服务", "智能网联汽车"]:
        assert term in tok.words(normalize(f"我们研究{term}的应用"))


def test_without_the_dictionary_a_term_is_split():
    assert "脉搏波" not in Tokenizer(search_mode=False).words("基于脉搏波检测的设备")


def test_search_mode_keeps_the_whole_term_and_its_parts():
    words = Tokenizer(TAXONOMY).words(normalize("高端医疗器械研发"))
    assert "高端医疗器械" in words
    assert {"医疗", "器械"} <= set(words)


def test_latin_and_number_tokens_are_kept_and_punctuation_dropped():
    words = Tokenizer().words(normalize("利用Lyapunov函数和MRP参数，5G通信"))
    assert {"lyapunov", "mrp", "5g"} <= set(words)
    assert "，" not in words and "," not in words


def test_bigrams_cover_han_runs_and_keep_latin_tokens():
    assert Tokenizer.bigrams("脉搏波 5g") == ["脉搏", "搏波", "5g"]
    assert Tokenizer.bigrams("铝") == ["铝"]
