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
