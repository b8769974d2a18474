"""Errors: a page in the customer's language, or JSON under /api/."""

from __future__ import annotations


def test_not_found_page_is_translated(client) -> None:  # type: ignore[no-untyped-def]
    """A 404 is a real page, in the chosen language, with a way back."""
    response = client.get("/no-such-page?lang=sv")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Sidan hittades inte" in html
    assert 'href="/"' in html


def test_api_errors_are_json(client) -> None:  # type: ignore[no-untyped-def]
    """Under /api/ an error is JSON with the status code."""
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["code"] == 404


def test_method_not_allowed(client) -> None:  # type: ignore[no-untyped-def]
    """A wrong method is 405, not a crash."""
    assert client.post("/api/v1/device").status_code == 405


def test_unexpected_exception_is_a_calm_500(app) -> None:  # type: ignore[no-untyped-def]
    """An exception in a view becomes the 500 page, not a traceback."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom() -> str:
        """Fail on purpose."""
        raise RuntimeError("boom")

    response = app.test_client().get("/boom?lang=en")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)
