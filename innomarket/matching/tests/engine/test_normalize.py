from innomarket.matching.engine.normalize import has_traditional, normalize, normalize_char_map, to_simplified


def test_full_width_digits_and_punctuation_become_half_width():
    assert normalize("蓬莱９－１油田（ＰＬ）") == "蓬莱9-1油田(pl)"


def test_case_is_folded_and_whitespace_collapsed():
    assert normalize("  Lyapunov   函数\tMRP ") == "lyapunov 函数 mrp"


def test_traditional_text_is_converted_to_simplified():
    assert normalize("積體電路設計與軟體開發") == "积体电路设计与软件开发"
    assert normalize("脈搏波檢測") == "脉搏波检测"


def test_simplified_text_is_left_alone():
    text = "软体动物的集成电路研究"
    assert not has_traditional(text)
    assert to_simplified(text) is text


def test_char_map_points_back_to_original_offsets():
    folded, origin = normalize_char_map("Ａ脈搏")
    assert folded == "a脉搏"
    assert origin == [0, 1, 2]
