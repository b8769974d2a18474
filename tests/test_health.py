"""/healthz: 200 with the database, 503 without."""

from __future__ import annotations

from pathlib import Path

from app import create_app


def test_healthy_when_the_database_answers(client) -> None:  # type: ignore[no-untyped-def]
    """The database is reachable: 200 and a JSON status."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_unavailable_when_the_database_cannot_be_opened(tmp_path: Path) -> None:
    """A database that cannot be opened (its folder is a file): 503."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{blocker / 'x' / 'db'}"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json is not None and response.json["database"] == "unreachable"
