import pytest
from django.urls import reverse

from innomarket.regions.models import City

from .helpers import ensure_observer_cities, make_listing

pytestmark = pytest.mark.django_db

MEMBER_SLUGS = ["putuo", "nanjing", "wuxi", "changzhou", "suzhou", "nantong", "zhenjiang", "taizhou"]


@pytest.mark.parametrize("slug", MEMBER_SLUGS)
def test_city_page_renders_for_every_member(client, slug):
    city = City.objects.get(slug=slug)
    response = client.get(reverse("regions:detail", kwargs={"slug": slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert city.name in html
    assert "联盟成员" in html


def test_city_page_unknown_slug_is_404(client):
    assert client.get("/cities/atlantis/").status_code == 404


def test_city_page_shows_figures_and_recent_public_listings(client):
    make_listing("policy", city="nanjing", title="南京公开政策")
    make_listing("policy", city="nanjing", title="南京草稿政策", status="draft")
    make_listing("policy", city="wuxi", title="无锡政策")
    response = client.get("/cities/nanjing/")
    html = response.content.decode()
    assert "南京公开政策" in html
    assert "南京草稿政策" not in html
    assert "无锡政策" not in html
    figures = response.context["figures"]
    assert figures.counts["policy"] == 1
    assert f'href="{reverse("policies:list")}?city=nanjing"' in html


def test_city_page_without_office_says_not_provided(client):
    City.objects.filter(slug="zhenjiang").update(office_name="", office_address="", office_phone="")
    html = client.get("/cities/zhenjiang/").content.decode()
    assert "暂未提供" in html


def test_city_page_shows_contact_office(client):
    City.objects.filter(slug="putuo").update(
        office_name="普陀区科学技术委员会",
        office_address="上海市普陀区大渡河路1668号",
        office_phone="",
        office_source="政府信息公开答复",
    )
    html = client.get("/cities/putuo/").content.decode()
    assert "普陀区科学技术委员会" in html
    assert "大渡河路1668号" in html
    assert "政府信息公开答复" in html
    assert "暂未提供" in html  # the phone


def test_cloud_platform_link_only_when_set(client):
    City.objects.filter(slug="suzhou").update(
        cloud_platform_name="苏州科创云", cloud_platform_url="https://kc.example.cn/"
    )
    html = client.get("/cities/suzhou/").content.decode()
    assert 'href="https://kc.example.cn/"' in html
    assert 'rel="noopener noreferrer"' in html
    assert 'target="_blank"' in html
    assert "待城市管理员维护" not in html

    html = client.get("/cities/wuxi/").content.decode()
    assert 'id="cloud-platform-link"' not in html
    assert "该城市科创云平台地址待城市管理员维护" in html


def test_cloud_platform_link_never_renders_a_non_http_url(client):
    # Bypasses the model validator, as a bad import or a raw SQL fix might.
    City.objects.filter(slug="nantong").update(cloud_platform_url="javascript:alert(1)")
    html = client.get("/cities/nantong/").content.decode()
    assert "javascript:" not in html
    assert 'id="cloud-platform-link"' not in html
    assert "该城市科创云平台地址待城市管理员维护" in html


def test_non_member_city_page_is_labelled(client):
    ensure_observer_cities()
    html = client.get("/cities/changning/").content.decode()
    assert "长宁区" in html
    assert "非联盟成员" in html
    assert "badge-member" not in html


def test_city_list_shows_members_then_others(client):
    ensure_observer_cities()
    response = client.get(reverse("regions:list"))
    assert response.status_code == 200
    assert [f.city.slug for f in response.context["members"]] == MEMBER_SLUGS
    assert {f.city.slug for f in response.context["others"]} == {"changning", "yangpu"}
