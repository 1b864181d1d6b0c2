"""The dashboard's scenario editor page: starts from a listed scenario, links from every page."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from escalade.scenario import load_scenario
from escalade.web.app import Settings
from webclient import dashboard_client


@pytest.fixture
def client(tmp_path) -> TestClient:
    with dashboard_client(Settings(store=tmp_path / "s.duckdb")) as c:
        yield c


def test_editor_starts_empty_or_from_a_scenario(client: TestClient) -> None:
    empty = client.get("/editor")
    assert empty.status_code == 200 and '<textarea id="yaml"' in empty.text
    assert 'for="yaml"' in empty.text  # the textarea is labelled
    filled = client.get("/editor", params={"from": "kursk-mini"})
    assert filled.status_code == 200
    first = load_scenario("kursk-mini").text.splitlines()[0]
    assert first.replace('"', "&#34;").replace("'", "&#39;") in filled.text or first in filled.text
    assert client.get("/editor", params={"from": "nope"}).status_code == 404


def test_every_page_links_to_the_editor(client: TestClient) -> None:
    assert 'href="/editor"' in client.get("/").text


def test_the_check_says_when_the_id_is_taken_before_saving(client: TestClient) -> None:
    """A new user's copy from /editor?from=ID was "valid", then Save answered 409."""
    text = load_scenario("kursk-mini").text
    headers = {"content-type": "text/plain"}
    copy = client.post("/api/scenarios/validate", content=text, headers=headers)
    assert copy.status_code == 200
    taken = copy.json()["taken"]
    assert "'kursk-mini', already taken by a catalog scenario" in taken
    assert "hint: change the 'id:' line" in taken
    renamed = text.replace("id: kursk-mini", "id: kursk-variant", 1)
    fresh = client.post("/api/scenarios/validate", content=renamed, headers=headers)
    assert fresh.status_code == 200 and fresh.json()["taken"] is None
    assert client.post("/api/scenarios", content=renamed, headers=headers).status_code == 201
    again = client.post("/api/scenarios/validate", content=renamed, headers=headers)
    assert "already taken by an uploaded scenario" in again.json()["taken"]


def test_the_editor_shows_a_taken_id_as_a_problem(client: TestClient) -> None:
    page = client.get("/editor").text
    assert "j.taken" in page and '"taken"' in page and "change it before saving" in page
