import pytest

from innomarket.site.tests.catalogue_checks import make_listing

pytestmark = pytest.mark.django_db


def test_empty_query_shows_the_form_with_hints(client):
    response = client.get("/search/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "搜索提示" in body
    assert 'name="q"' in body


def test_results_are_grouped_marked_and_escaped(client):
    make_listing("policy", city="nanjing", title="<script>alert(1)</script>人工智能政策")
    make_listing("achievement", city="nanjing", title="人工智能成果", summary="一种人工智能方法")

    body = client.get("/search/", {"q": "人工智能"}).content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>人工智能</mark>政策" in body
    assert 'id="group-policy"' in body and 'id="group-achievement"' in body
    assert "一种<mark>人工智能</mark>方法" in body
    assert "示例" in body  # samples are marked in search results too


def test_more_link_goes_to_the_type_list_filtered_by_the_query(client):
    for n in range(7):
        make_listing("space", city="suzhou", title=f"生物医药孵化器{n}")

    body = client.get("/search/", {"q": "生物医药", "city": "suzhou"}).content.decode()

    assert "/resources/spaces/?q=%E7%94%9F%E7%89%A9%E5%8C%BB%E8%8D%AF&amp;city=suzhou" in body
    assert "共 7 条" in body


def test_unknown_city_or_type_is_reported_not_fatal(client):
    make_listing("policy", city="nanjing", title="人工智能政策")

    response = client.get("/search/", {"q": "人工智能", "city": "atlantis", "type": "spaceship"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "atlantis" in body and "spaceship" in body
    assert "<mark>人工智能</mark>政策" in body


def test_type_facet_restricts_groups(client):
    make_listing("policy", city="nanjing", title="人工智能政策")
    make_listing("achievement", city="nanjing", title="人工智能成果")

    body = client.get("/search/", {"q": "人工智能", "type": "achievement"}).content.decode()

    assert 'id="group-achievement"' in body and 'id="group-policy"' not in body
    assert "政策（1）" in body  # the facet still counts the other type


def test_search_query_count_is_bounded(client, django_assert_max_num_queries):
    for n in range(3):
        make_listing("policy", city="nanjing", title=f"人工智能政策{n}")

    with django_assert_max_num_queries(40):
        assert client.get("/search/", {"q": "人工智能"}).status_code == 200
