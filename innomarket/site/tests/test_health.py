"""/healthz/ answers without touching the database (this test has no database access: any query
would raise), so a supervisor can tell a live process and the load bench has a bare baseline."""

from django.test import Client


def test_healthz_answers_ok_without_the_database():
    response = Client().get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_refuses_writes():
    assert Client().post("/healthz/").status_code == 405
