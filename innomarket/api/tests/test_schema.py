"""The OpenAPI document and the docs page: local assets only, every error documented, and no field the
public pages do not show."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

from innomarket.api import public
from innomarket.catalog import LISTING_TYPES

pytestmark = pytest.mark.django_db


def test_docs_page_loads_only_local_static_files(client):
    page = client.get("/api/v1/docs")
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)

    assert page.status_code == 200
    assert assets and all(a.startswith("/static/ninja/") for a in assets), assets
    assert "//" not in "".join(assets) and "cdn" not in html.lower()
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset  # shipped in the ninja wheel


def test_schema_is_versioned_and_documents_the_error_shape_for_every_operation(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert schema["info"]["version"] == "1"
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "imk_…",
    }
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"code", "message", "field"}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            for status in ("401", "404", "422", "429"):
                assert operation["responses"][status]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorOut"
                }, (method, path, status)


@pytest.mark.parametrize("type_key", list(LISTING_TYPES))
def test_api_fields_are_those_the_public_page_shows(type_key):
    shape = public.shape(type_key)
    spec = shape.spec
    shown = {s for s in (*spec.facts, *spec.card_meta, *spec.card_badges, *spec.prose) if isinstance(s, str)}

    assert {f.name for f in shape.attribute_fields} <= shown
    assert set(shape.prose_names) <= shown
    # Nothing beyond the common header every public page shows, the attributes and the prose.
    assert set(shape.detail_schema.model_fields) == set(public.ListingBase.model_fields) | {
        "attributes",
        "prose",
        "facts",
    }


def test_validation_errors_name_the_field_in_chinese(client):
    response = client.get("/api/v1/listings/policy/", {"limit": 0})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation" and body["field"] == "limit"
    assert body["message"].startswith("参数“limit”无效")


def test_unparsable_json_body_is_a_400_in_the_error_shape(client, world):
    response = client.post(
        "/api/v1/enquiries", "{not json", content_type="application/json", **world.headers("member_a")
    )

    assert response.status_code in (400, 422)
    assert set(response.json()) == {"code", "message", "field"}
