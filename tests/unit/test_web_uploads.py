"""Uploaded scenarios and failing runs in the dashboard (TestClient, real store, real runs)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from escalade.cli import main
from escalade.errors import ScenarioError
from escalade.scenario import load_scenario
from escalade.web.app import Settings
from escalade.web.registry import validate_text
from webclient import dashboard_client

KURSK_TEXT = resources.files("escalade.scenario.catalog").joinpath("kursk-mini.yaml").read_text()
ZOO = Path(__file__).resolve().parents[1] / "data" / "engine" / "zoo.yaml"
PLAIN = {"content-type": "text/plain"}


def renamed(text: str, old: str, new: str) -> str:
    assert f"\nid: {old}\n" in text
    return text.replace(f"\nid: {old}\n", f"\nid: {new}\n", 1)


def kursk_as(sid: str) -> str:
    return renamed(KURSK_TEXT, "kursk-mini", sid)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        store=tmp_path / "web.duckdb",
        uploads=tmp_path / "uploads",
        max_n=2000,
        max_jobs=1,
        max_queue=2,
        max_uploads=3,
    )


@pytest.fixture
def client(settings: Settings):
    with dashboard_client(settings) as c:
        yield c


def upload(client: TestClient, text: str):
    return client.post("/api/scenarios", content=text.encode(), headers=PLAIN)


def test_an_upload_is_listed_kept_and_runs(
    client: TestClient, settings: Settings, wait_for_job
) -> None:
    text = kursk_as("kursk-upload")
    r = upload(client, text)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["id"] == "kursk-upload" and body["url"] == "/scenarios/kursk-upload"
    assert r.headers["location"] == "/api/scenarios/kursk-upload"
    assert (settings.upload_dir / "kursk-upload.yaml").read_text() == text
    listed = {s["id"]: s for s in client.get("/api/scenarios").json()}
    assert listed["kursk-upload"]["origin"] == "upload"
    assert listed["kursk-mini"]["origin"] == "catalog"
    assert client.get("/api/scenarios/kursk-upload").json()["hash"] == body["hash"]
    assert "/scenarios/kursk-upload" in client.get("/").text
    assert "override_strike_effect" in client.get("/scenarios/kursk-upload").text
    r = client.post("/api/runs", json={"scenario": "kursk-upload", "n": 100, "seed": 2})
    job = wait_for_job(client, r.json()["id"])
    assert job["status"] == "done", job
    assert "kursk-upload" in client.get(f"/results/{job['run_id']}").text


def test_uploads_are_listed_again_after_a_restart(settings: Settings) -> None:
    with dashboard_client(settings) as c:
        assert upload(c, kursk_as("kept")).status_code == 201
    with dashboard_client(settings) as c:
        listed = {s["id"]: s["origin"] for s in c.get("/api/scenarios").json()}
        assert listed["kept"] == "upload"
        assert upload(c, kursk_as("kept")).status_code == 409


def cli_messages(text: str, folder: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """What `escalade validate upload.yaml` prints, without its summary line."""
    (folder / "upload.yaml").write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", "upload.yaml"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("upload.yaml: invalid")
    return err[:-1]


@pytest.mark.parametrize(
    "text",
    [
        "schema_version: 1\nid: x\n",
        "- just\n- a list\n",
        kursk_as("Not A Slug"),
        KURSK_TEXT.replace("success: 0.9", "success: 1.9").replace("actor: usa", "actor: usaa"),
        renamed(KURSK_TEXT, "kursk-mini", "../../etc/passwd"),
    ],
)
def test_invalid_uploads_get_the_messages_of_escalade_validate(
    client: TestClient,
    settings: Settings,
    text: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    expected = cli_messages(text, tmp_path, capsys)
    for path in ("/api/scenarios", "/api/scenarios/validate"):
        r = client.post(path, content=text.encode(), headers=PLAIN)
        assert r.status_code == 422, r.text
        assert r.json()["issues"] == expected
        assert r.json()["detail"] == "\n".join(expected)
    assert not settings.upload_dir.exists()
    assert len(client.get("/api/scenarios").json()) == 2


def test_ids_already_listed_get_409_and_nothing_is_overwritten(
    client: TestClient, settings: Settings
) -> None:
    r = upload(client, KURSK_TEXT)  # the shipped kursk-mini
    assert r.status_code == 409
    assert "'kursk-mini', already taken by a catalog scenario" in r.json()["detail"]
    assert upload(client, kursk_as("mine")).status_code == 201
    again = upload(client, kursk_as("mine").replace("Allied answer", "Another answer"))
    assert again.status_code == 409 and "change the 'id:' line" in again.json()["detail"]
    assert "'mine', already taken by an uploaded scenario;" in again.json()["detail"]
    assert "Allied answer" in (settings.upload_dir / "mine.yaml").read_text()
    assert sorted(p.name for p in settings.upload_dir.iterdir()) == ["mine.yaml"]


def test_a_file_in_the_upload_folder_is_never_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    (folder / "taken.yaml").write_text("not: a scenario\n", encoding="utf-8")
    with dashboard_client(Settings(store=tmp_path / "s.duckdb", uploads=folder)) as c:
        r = upload(c, kursk_as("taken"))
        assert r.status_code == 409 and "a file in the upload folder" in r.json()["detail"]
    assert (folder / "taken.yaml").read_text() == "not: a scenario\n"


def test_the_number_of_uploads_is_capped(client: TestClient, settings: Settings) -> None:
    codes = [upload(client, kursk_as(f"u{i}")).status_code for i in range(4)]
    assert codes == [201, 201, 201, 403]
    r = upload(client, kursk_as("u9"))
    assert r.status_code == 403
    assert r.json()["detail"].startswith("uploads: expected fewer than 3 uploaded scenarios")
    assert len(list(settings.upload_dir.iterdir())) == 3


def test_an_upload_over_the_body_limit_gets_413(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path / "s.duckdb", max_body=2000)
    with dashboard_client(settings) as c:
        r = upload(c, kursk_as("big") + "#" * 2000 + "\n")
        assert r.status_code == 413 and "at most 2000 bytes" in r.json()["detail"]
        files = {"file": ("big.yaml", (kursk_as("big") + "#" * 2000).encode(), "text/yaml")}
        assert c.post("/scenarios", files=files).status_code == 413
    assert not (tmp_path / "escalade-uploads").exists()


def test_the_upload_form(client: TestClient, settings: Settings) -> None:
    page = client.get("/")
    assert 'enctype="multipart/form-data"' in page.text and 'id="upload"' in page.text
    files = {"file": ("mine.yaml", kursk_as("from-file").encode(), "application/x-yaml")}
    r = client.post("/scenarios", files=files, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/scenarios/from-file"
    r = client.post("/scenarios", data={"text": kursk_as("from-text")}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/scenarios/from-text"
    assert {"from-file", "from-text"} <= {s["id"] for s in client.get("/api/scenarios").json()}
    r = client.post("/scenarios", data={"text": kursk_as("from-text")})
    assert r.status_code == 409 and 'id="upload-error"' in r.text


def test_the_upload_form_shows_messages_escaped(client: TestClient) -> None:
    text = 'schema_version: "<script>alert(1)</script>"\nid: x\n'
    r = client.post("/scenarios", data={"text": text})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/html")
    assert "upload.yaml:1:17: schema_version: expected schema_version 2 (or 1)" in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert "<script>alert(1)" not in r.text
    bad = {"file": ("x.yaml", b"\xff\xfe not utf-8", "text/yaml")}
    r = client.post("/scenarios", files=bad)
    assert r.status_code == 422 and "upload.yaml" in r.text


def nan_zoo() -> str:
    """The engine's feature zoo with an effect that takes the log of a negative number."""
    text = ZOO.read_text(encoding="utf-8")
    assert "{var: cohesion, add: 0.2}" in text
    text = text.replace("{var: cohesion, add: 0.2}", '{var: cohesion, add: "log(cohesion - 2)"}')
    return renamed(text, "zoo", "nan-zoo")


def test_a_failing_run_shows_its_error_on_its_page(client: TestClient, wait_for_job) -> None:
    assert upload(client, nan_zoo()).status_code == 201
    r = client.post(
        "/api/runs",
        json={
            "scenario": "nan-zoo",
            "n": 256,
            "seed": 1,
            "strategies": ["graduated"],
            "mindsets": ["cautious"],
        },
    )
    assert r.status_code == 202
    job = wait_for_job(client, r.json()["id"])
    assert job["status"] == "failed" and job["run_id"] is None
    assert job["error"].startswith("SimulationError: option 'reassure', round ")
    assert "expected finite numbers, found nan" in job["error"]
    page = client.get(f"/jobs/{job['id']}")
    assert page.status_code == 200
    assert '<p id="error" class="error">failed: SimulationError: option &#39;reassure&#39;' in (
        page.text
    )
    assert "expected finite numbers, found nan" in page.text
    assert 'id="result"' not in page.text


def test_run_requests_are_checked_before_they_are_queued(client: TestClient) -> None:
    r = client.post("/api/runs", json={"scenario": "kursk-mini", "strategies": ["nope"]})
    assert r.status_code == 422 and "strategies: expected ids among" in r.json()["detail"]
    r = client.post("/api/runs", json={"scenario": "kursk-mini", "mindsets": ["nope"]})
    assert r.status_code == 422
    r = client.post(
        "/scenarios/kursk-mini/run", data={"override_strike_effect": "abc"}, follow_redirects=False
    )
    assert r.status_code == 422 and "override_strike_effect: expected a finite number" in r.text
    r = client.post("/scenarios/kursk-mini/run", data={"n": "abc"}, follow_redirects=False)
    assert r.status_code == 422
    assert client.get("/api/runs").json()["jobs"] == []


def test_templates_ship_in_the_wheel() -> None:
    wheel = pytest.importorskip("hatchling.builders.wheel")
    root = Path(__file__).resolve().parents[2]
    builder = wheel.WheelBuilder(str(root))
    shipped = {f.distribution_path for f in builder.recurse_included_files()}
    templates = resources.files("escalade.web").joinpath("templates")
    names = [p.name for p in templates.iterdir() if p.name.endswith(".html")]
    assert "index.html" in names and "job.html" in names
    assert {f"escalade/web/templates/{n}" for n in names} <= shipped


def test_a_body_that_is_not_utf8_is_a_422_not_a_server_error(client: TestClient) -> None:
    """Finding 4 of the hardening review: a non-UTF-8 body crashed the 422 handler (500)."""
    for kind in ("text/plain", "application/yaml", "application/json"):
        r = client.post(
            "/api/scenarios/validate", content=b"\xff\xfe not utf-8", headers={"content-type": kind}
        )
        assert r.status_code in (400, 422), (kind, r.status_code)


def test_the_dashboard_validates_within_a_budget() -> None:
    """Uploaded texts are validated with a time budget (a located error when it runs out)."""
    text = load_scenario("dprk-troops-2024").text
    with pytest.raises(ScenarioError, match="budget"):
        validate_text(text, budget=1e-6)
    assert validate_text(text).id == "dprk-troops-2024"
