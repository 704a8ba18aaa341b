"""Sample research groups over papers: one discipline each, 3–6 papers, dealt out in turn."""

from collections import Counter

from innomarket.demo.teams import Paper, build_teams


def _papers(n_per_discipline):
    papers = []
    for d, n in n_per_discipline.items():
        papers += [Paper(f"{d}-{i}", f"{d}题目{i % 3}研究{i}", d) for i in range(n)]
    return papers


def test_every_group_has_one_discipline_and_three_to_six_papers():
    papers = _papers({"材料科学与工程": 31, "药学": 7, "电气工程": 3, "数学": 8, "力学": 13}) + [
        Paper("no-label", "无学科", "")
    ]
    teams = build_teams(papers, ["a", "b", "c"])

    assert all(3 <= len(t.paper_ids) <= 6 for t in teams)
    by_id = {p.id: p for p in papers}
    assert all({by_id[i].discipline for i in t.paper_ids} == {t.discipline} for t in teams)
    placed = [i for t in teams for i in t.paper_ids]
    assert sorted(placed) == sorted(p.id for p in papers if p.discipline)  # each labelled paper once
    counts = Counter(t.organisation for t in teams)
    assert max(counts.values()) - min(counts.values()) <= 1  # dealt out in turn
    assert len({t.key for t in teams}) == len(teams)


def test_groups_are_deterministic_whatever_the_input_order():
    papers = _papers({"材料科学与工程": 20, "药学": 9})
    assert build_teams(papers, ["a", "b"]) == build_teams(list(reversed(papers)), ["a", "b"])


def test_a_discipline_with_fewer_papers_than_a_group_is_one_small_group():
    [team] = build_teams(_papers({"天文学": 2}), ["a"])
    assert len(team.paper_ids) == 2
