"""Staff management: administrators add, disable and recover people; everyone their passkeys."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import format_datetime
from sqlalchemy import select, update
from webauthn.helpers import bytes_to_base64url

from app import accounts, db
from app.invites import hash_token
from tests.support.staff import SoftAuthenticator, add_person, enroll, page_csrf, post_json, sign_in

EN = "?lang=en"


def _engine(app: Flask) -> Any:
    """The app's database engine."""
    return app.extensions["valmis.db"]


def _member(app: Flask, name: str, *, admin: bool = False) -> tuple[int, SoftAuthenticator]:
    """A staff member who has enrolled one passkey (on a client of their own)."""
    staff_id, token = add_person(app, name, admin=admin)
    key = SoftAuthenticator()
    assert enroll(app.test_client(), token, key).status_code == 200
    return staff_id, key


@pytest.fixture
def admin(app: Flask, client: FlaskClient) -> tuple[int, SoftAuthenticator]:
    """An enrolled administrator, signed in on `client`."""
    staff_id, key = _member(app, "Aino Admin", admin=True)
    assert sign_in(client, key).status_code == 200
    return staff_id, key


def _post(client: FlaskClient, url: str, data: dict[str, str] | None = None,
          page: str = "/staff/people") -> Any:
    """A form POST with the CSRF token of page, in English."""
    return client.post(url + EN, data={**(data or {}), "csrf_token": page_csrf(client, page)})


def _audit(app: Flask) -> list[tuple[str, int | None, str | None]]:
    """(action, staff id, detail) of every audit entry, oldest first."""
    with _engine(app).connect() as connection:
        return [tuple(row) for row in connection.execute(
            select(db.audit_log.c.action, db.audit_log.c.staff_id, db.audit_log.c.detail)
            .order_by(db.audit_log.c.id))]


def _staff(app: Flask, staff_id: int) -> Any:
    """A staff row."""
    with _engine(app).connect() as connection:
        return accounts.staff_by_id(connection, staff_id)


def _passkey_rows(app: Flask, staff_id: int) -> list[Any]:
    """A person's passkeys, oldest first."""
    with _engine(app).connect() as connection:
        return accounts.passkeys_of(connection, staff_id)


def _text(answer: Any) -> str:
    """The page's HTML with entities decoded."""
    return unescape(answer.get_data(as_text=True))


def _enrollment_token(answer: Any) -> str:
    """The enrollment token shown on a result page."""
    match = re.search(r'value="http://localhost/staff/enroll/([A-Za-z0-9_-]+)"', _text(answer))
    assert match, "no enrollment link on the page"
    return match.group(1)


# Who may see what


def test_people_is_for_administrators_only(app: Flask, client: FlaskClient) -> None:
    """A staff member who is not an administrator gets a 403 page that says why, and no form
    of the people page works for them either."""
    _staff_id, key = _member(app, "Bo Staff")
    other, _token = add_person(app, "Cecilia")
    sign_in(client, key)
    page = client.get("/staff/people" + EN)
    assert page.status_code == 403
    assert "Only for administrators" in _text(page)
    csrf = page_csrf(client, "/staff/")
    for url in ("/staff/people", f"/staff/people/{other}/disable",
                f"/staff/people/{other}/enable", f"/staff/people/{other}/enrollment"):
        answer = client.post(url, data={"csrf_token": csrf, "name": "Mallory"})
        assert answer.status_code == 403, url
    assert not _staff(app, other).disabled
    with _engine(app).connect() as connection:
        assert [p.name for p in accounts.list_staff(connection)] == ["Bo Staff", "Cecilia"]


def test_the_navigation_shows_people_to_administrators_only(
        app: Flask, client: FlaskClient, admin: tuple[int, SoftAuthenticator]) -> None:
    """Administrators see People, Organisation, Feedback and Insights; others the rest; nobody
    signed in sees none."""
    html = _text(client.get("/staff/passkeys" + EN))
    nav = re.search(r'<nav class="wrap help-links staff-nav".*?</nav>', html, re.S)
    assert nav, "no staff navigation"
    links = re.findall(r'href="([^"]+)"', nav.group(0))
    assert links == ["/staff/", "/staff/invites/new", "/staff/passkeys", "/staff/people",
                     "/staff/organisation", "/staff/feedback", "/staff/insights"]
    assert 'href="/staff/passkeys" aria-current="page"' in nav.group(0)

    _staff_id, key = _member(app, "Bo Staff")
    other = app.test_client()
    sign_in(other, key)
    other_nav = re.search(r"<nav class=\"wrap help-links staff-nav\".*?</nav>",
                          _text(other.get("/staff/passkeys")), re.S)
    assert other_nav
    links = re.findall(r'href="(/staff/[^"]*)"', other_nav.group(0))
    assert "/staff/people" not in links and "/staff/passkeys" in links
    assert "/staff/organisation" not in links and "/staff/feedback" not in links
    assert "/staff/insights" not in links
    assert "help-links" not in _text(app.test_client().get("/staff/sign-in"))


# The list and adding a person


def test_the_list_shows_everyone_with_role_state_and_passkeys(
        app: Flask, client: FlaskClient, admin: tuple[int, SoftAuthenticator]) -> None:
    """Name, role, enabled or not, number of passkeys and last use, one row each."""
    admin_id, _key = admin
    waiting, _token = add_person(app, "Bo Waiting")
    with _engine(app).begin() as connection:
        connection.execute(update(db.staff).where(db.staff.c.id == waiting)
                           .values(disabled=True))
    html = _text(client.get("/staff/people" + EN))
    rows = {int(i): row for i, row in re.findall(
        r'<tr data-staff-id="(\d+)">(.*?)</tr>', html, re.S)}
    assert set(rows) == {admin_id, waiting}
    cells = [re.sub(r"<[^>]+>|\s+", " ", cell).strip()
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", rows[admin_id], re.S)]
    assert cells[:4] == ["Aino Admin (you)", "Administrator", "Enabled", "1"]
    assert cells[4] != "Never"
    assert '<th scope="row">' in rows[admin_id]
    waiting_cells = [re.sub(r"<[^>]+>|\s+", " ", cell).strip()
                     for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", rows[waiting], re.S)]
    assert waiting_cells[:5] == ["Bo Waiting", "Staff member", "Disabled", "None yet", "Never"]
    # Nobody is offered to disable themself.
    assert f"/staff/people/{admin_id}/disable" not in html
    assert f"/staff/people/{waiting}/enable" in html


def test_adding_a_person_shows_a_one_time_link_that_works(
        app: Flask, client: FlaskClient, admin: tuple[int, SoftAuthenticator]) -> None:
    """The link is on a never-cached page with its expiry; it enrolls the new person once."""
    admin_id, _key = admin
    answer = _post(client, "/staff/people", {"name": "  Bo Uusi ", "admin": "yes"})
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    html = _text(answer)
    assert "Person added" in html and "Bo Uusi" in html
    assert 'data-module="copy-link"' in html
    token = _enrollment_token(answer)
    with _engine(app).connect() as connection:
        member = connection.execute(select(db.staff).where(db.staff.c.name == "Bo Uusi")).one()
        enrollment = connection.execute(select(db.enrollments).where(
            db.enrollments.c.staff_id == member.id)).one()
    assert member.is_admin and not member.disabled
    assert enrollment.token_hash == hash_token(token)
    hours = (enrollment.expires_at - datetime.now(UTC)) / timedelta(hours=1)
    assert 23.9 < hours <= 24
    assert _audit(app)[-1] == ("staff-added", admin_id, f"staff {member.id}")
    newcomer = app.test_client()
    assert enroll(newcomer, token, SoftAuthenticator()).status_code == 200
    assert newcomer.get(f"/staff/enroll/{token}").status_code == 404


def test_a_person_is_not_an_administrator_unless_ticked(
        app: Flask, client: FlaskClient, admin: tuple[int, SoftAuthenticator]) -> None:
    """Without the checkbox a person is a staff member."""
    _post(client, "/staff/people", {"name": "Bo"})
    with _engine(app).connect() as connection:
        assert connection.execute(select(db.staff.c.is_admin).where(
            db.staff.c.name == "Bo")).scalar_one() is False


@pytest.mark.parametrize(("name", "words"), [
    ("   ", "Enter the person's name"),
    ("x" * 81, "80 characters or fewer"),
    ("Aino\x00", "(U+0000 NULL)"),
    ("Aino\r\nAdmin", "(U+000D CARRIAGE RETURN)"),
    ("Aino \u202eenitraV", "(U+202E RIGHT-TO-LEFT OVERRIDE)"),
    ("Aino\u2028Virtanen", "(U+2028 LINE SEPARATOR)"),
    ("Aino\u00a0Virtanen", "(U+00A0 NO-BREAK SPACE)"),
    ("Aino\u200bVirtanen", "(U+200B ZERO WIDTH SPACE)"),
])
def test_a_name_is_needed_and_not_too_long(app: Flask, client: FlaskClient,
                                           admin: tuple[int, SoftAuthenticator],
                                           name: str, words: str) -> None:
    """The form comes back with the error tied to the field, and nobody is added."""
    answer = _post(client, "/staff/people", {"name": name})
    assert answer.status_code == 400
    html = _text(answer)
    assert words in html
    assert re.search(r'<input[^>]*id="name"[^>]*aria-describedby="name-hint name-error"', html)
    assert 'id="name-error"' in html
    with _engine(app).connect() as connection:
        assert len(accounts.list_staff(connection)) == 1


@pytest.mark.parametrize("name", ["Äijälä Öörni", "Олена Коваленко", "عائشة محمد",
                                  "Cabdullaahi Xasan", "Jüri Õunapuu", "Åsa Öberg"])
def test_names_in_every_script_are_added(app: Flask, client: FlaskClient,
                                         admin: tuple[int, SoftAuthenticator],
                                         name: str) -> None:
    """Refusing hidden characters leaves every language's letters alone."""
    answer = _post(client, "/staff/people", {"name": name})
    assert answer.status_code == 200
    with _engine(app).connect() as connection:
        assert name in [person.name for person in accounts.list_staff(connection)]


# Disabling and enabling


def test_disabling_ends_the_session_and_sign_in_and_enabling_restores_it(
        app: Flask, client: FlaskClient, admin: tuple[int, SoftAuthenticator]) -> None:
    """Disabled through the page: their open session ends and their passkey is refused."""
    admin_id, _admin_key = admin
    bo, bo_key = _member(app, "Bo")
    bo_client = app.test_client()
    assert sign_in(bo_client, bo_key).status_code == 200
    assert bo_client.get("/staff/").status_code == 200

    answer = _post(client, f"/staff/people/{bo}/disable")
    assert answer.status_code == 303
    page = _text(client.get(answer.location))
    assert "Bo is disabled" in page and 'role="status"' in page
    assert _staff(app, bo).disabled
    assert bo_client.get("/staff/").status_code == 302
    assert sign_in(app.test_client(), bo_key).get_json() == {"error": "disabled"}

    answer = _post(client, f"/staff/people/{bo}/enable")
    assert answer.status_code == 303
    assert "Bo is enabled" in _text(client.get(answer.location))
    assert sign_in(app.test_client(), bo_key).status_code == 200
    actions = [entry for entry in _audit(app) if entry[0].startswith("staff-")]
    assert actions == [("staff-disabled", admin_id, f"staff {bo}"),
                       ("staff-enabled", admin_id, f"staff {bo}")]


def test_an_administrator_cannot_disable_themself(
        app: Flask, client: FlaskClient, admin: tuple[int, SoftAuthenticator]) -> None:
    """Refused with a clear message, even with another administrator around."""
    admin_id, _key = admin
    _member(app, "Bo Admin", admin=True)
    answer = _post(client, f"/staff/people/{admin_id}/disable")
    assert answer.status_code == 409
    assert "You cannot disable yourself" in _text(answer)
    assert not _staff(app, admin_id).disabled
    assert client.get("/staff/").status_code == 200


def test_the_last_enabled_administrator_cannot_be_disabled(app: Flask) -> None:
    """set_disabled keeps one enabled administrator, whoever asks; others can go."""
    with _engine(app).begin() as connection:
        first = accounts.create_staff(connection, "Aino", is_admin=True)
        second = accounts.create_staff(connection, "Bo", is_admin=True)
        helper = accounts.create_staff(connection, "Cecilia")
        assert accounts.set_disabled(connection, second, True, by=first) is None
        # Asked by someone else (an administrator disabled meanwhile, or a command):
        assert accounts.set_disabled(connection, first, True, by=second) == accounts.LAST_ADMIN
        assert accounts.set_disabled(connection, first, True, by=first) == accounts.SELF
        assert accounts.set_disabled(connection, helper, True, by=first) is None
        assert accounts.set_disabled(connection, 999, True, by=first) == accounts.UNKNOWN
        member = accounts.staff_by_id(connection, first)
        assert member is not None and not member.disabled


def test_the_page_says_why_the_last_administrator_stays(
        app: Flask, client: FlaskClient, admin: tuple[int, SoftAuthenticator],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the page the rule shows only in a race (the other administrator disabled at the
    same moment), so set_disabled's refusal is forced here: 409, the reason, no audit entry."""
    _admin_id, _key = admin
    bo, _bo_key = _member(app, "Bo Admin", admin=True)
    monkeypatch.setattr(accounts, "set_disabled", lambda *a, **k: accounts.LAST_ADMIN)
    before = _audit(app)
    answer = _post(client, f"/staff/people/{bo}/disable")
    assert answer.status_code == 409
    assert "This is the last administrator who can sign in" in _text(answer)
    assert _audit(app) == before


def test_disabling_an_unknown_person_is_404(client: FlaskClient,
                                            admin: tuple[int, SoftAuthenticator]) -> None:
    """No such id: nothing to do."""
    assert _post(client, "/staff/people/999/disable").status_code == 404
    assert _post(client, "/staff/people/999/enrollment").status_code == 404


def test_disabling_revokes_unused_enrollment_links(
        app: Flask, client: FlaskClient, admin: tuple[int, SoftAuthenticator]) -> None:
    """A link sent before disabling does not work after enabling again."""
    bo, token = add_person(app, "Bo")
    _post(client, f"/staff/people/{bo}/disable")
    _post(client, f"/staff/people/{bo}/enable")
    assert client.get(f"/staff/enroll/{token}").status_code == 404


# Recovery


def test_a_new_enrollment_link_works_and_old_unused_ones_die(
        app: Flask, client: FlaskClient, admin: tuple[int, SoftAuthenticator]) -> None:
    """Recovery: a fresh link for a person; the earlier unused link is gone; audited."""
    admin_id, _key = admin
    bo, old_token = add_person(app, "Bo")
    answer = _post(client, f"/staff/people/{bo}/enrollment")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert "New enrollment link" in _text(answer)
    token = _enrollment_token(answer)
    assert token != old_token
    anonymous = app.test_client()
    assert anonymous.get(f"/staff/enroll/{old_token}").status_code == 404
    key = SoftAuthenticator()
    assert enroll(anonymous, token, key).status_code == 200
    assert _audit(app)[-2] == ("enrollment-issued", admin_id, f"staff {bo}")
    assert _audit(app)[-1] == ("enrolled", bo, None)
    assert sign_in(app.test_client(), key).status_code == 200


def _recover(app: Flask, client: FlaskClient, person: int) -> tuple[SoftAuthenticator, Any]:
    """An administrator (signed in on client) makes a recovery link for person, and it is used
    on a client of its own; the new passkey and that client, signed in by the enrollment."""
    token = _enrollment_token(_post(client, f"/staff/people/{person}/enrollment"))
    key, user = SoftAuthenticator(), app.test_client()
    assert enroll(user, token, key).status_code == 200
    return key, user


def _dashboard(client: FlaskClient) -> str:
    """The dashboard in English."""
    return _text(client.get("/staff/" + EN))


def _recovery_notice(html: str) -> str | None:
    """The dashboard's recovery notice, tags removed; None when there is none."""
    match = re.search(r'<div class="panel js-recovery-notice" role="status">(.*?)</div>',
                      html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else None


def test_a_link_for_someone_with_a_passkey_is_audited_as_recovery(
        app: Flask, client: FlaskClient, admin: tuple[int, SoftAuthenticator]) -> None:
    """Issuing names the administrator as actor and the person as target; using it names the
    new passkey and who issued the link, and the passkey remembers them."""
    admin_id, _key = admin
    bo, _bo_key = _member(app, "Bo")
    _recover(app, client, bo)
    entries = _audit(app)
    new_passkey = _passkey_rows(app, bo)[-1]
    assert entries[-2] == ("recovery-issued", admin_id, f"staff {bo}")
    assert entries[-1] == ("passkey-added-by-recovery", bo,
                           f"passkey {new_passkey.id} by staff {admin_id}")
    assert "enrolled" not in [entry[0] for entry in entries[-2:]]
    assert [row.added_by for row in _passkey_rows(app, bo)] == [None, admin_id]
    # The recovery sign-in counts as the person's last sign-in, like an enrollment.
    with _engine(app).connect() as connection:
        bo_row = next(p for p in accounts.list_staff(connection) if p.id == bo)
    assert bo_row.last_signed_in is not None


def test_after_recovery_the_next_sign_in_tells_the_person_once(
        app: Flask, client: FlaskClient, admin: tuple[int, SoftAuthenticator]) -> None:
    """Not in the session the link started, but at the next sign-in with an old passkey: who
    made the link and when, with the way to remove it; once. A first enrollment tells nothing."""
    admin_id, _key = admin
    bo, old_key = _member(app, "Bo")
    _new_key, recovered = _recover(app, client, bo)
    assert _recovery_notice(_dashboard(recovered)) is None

    person = app.test_client()
    assert sign_in(person, old_key).status_code == 200
    html = _dashboard(person)
    notice = _recovery_notice(html)
    assert notice is not None
    assert "recovery link" in notice and "Aino Admin" in notice
    added = _passkey_rows(app, bo)[-1].created_at
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert re.sub(r"\s+", " ", format_datetime(added, "short")) in notice
    block = html.split('js-recovery-notice')[1].split("</div>")[0]
    assert 'href="/staff/passkeys"' in block
    assert _recovery_notice(_dashboard(person)) is None
    again = app.test_client()
    sign_in(again, old_key)
    assert _recovery_notice(_dashboard(again)) is None
    # The passkeys page keeps saying where the passkey came from.
    passkeys_page = _text(person.get("/staff/passkeys" + EN))
    assert passkeys_page.count("Added through a recovery link from Aino Admin") == 1

    # A first enrollment, even through a link from the People page, is no recovery.
    cecilia, _first_token = add_person(app, "Cecilia")
    token = _enrollment_token(_post(client, f"/staff/people/{cecilia}/enrollment"))
    assert _audit(app)[-1] == ("enrollment-issued", admin_id, f"staff {cecilia}")
    first_key, newcomer = SoftAuthenticator(), app.test_client()
    enroll(newcomer, token, first_key)
    assert _audit(app)[-1] == ("enrolled", cecilia, None)
    later = app.test_client()
    sign_in(later, first_key)
    assert _recovery_notice(_dashboard(later)) is None
    assert "recovery link" not in _text(later.get("/staff/passkeys" + EN))


def test_the_recovered_passkey_cannot_swallow_the_notice(
        app: Flask, client: FlaskClient, admin: tuple[int, SoftAuthenticator]) -> None:
    """Signing in again with the new passkey shows the notice but keeps it for the person's
    own passkey; once no older passkey is left, one showing is enough."""
    bo, old_key = _member(app, "Bo")
    new_key, _recovered = _recover(app, client, bo)
    impostor = app.test_client()
    sign_in(impostor, new_key)
    assert "Aino Admin" in (_recovery_notice(_dashboard(impostor)) or "")
    person = app.test_client()
    sign_in(person, old_key)
    assert "Aino Admin" in (_recovery_notice(_dashboard(person)) or "")
    later = app.test_client()
    sign_in(later, new_key)
    assert _recovery_notice(_dashboard(later)) is None

    # Lost the old device: recovered, then removed the old passkey.
    cecilia, _cecilia_key = _member(app, "Cecilia")
    cecilia_new, recovered = _recover(app, client, cecilia)
    old = _passkey_rows(app, cecilia)[0]
    _post(recovered, f"/staff/passkeys/{old.id}/remove", page="/staff/passkeys")
    first, second = app.test_client(), app.test_client()
    sign_in(first, cecilia_new)
    assert _recovery_notice(_dashboard(first)) is not None
    sign_in(second, cecilia_new)
    assert _recovery_notice(_dashboard(second)) is None


def test_a_disabled_person_gets_no_new_link(
        app: Flask, client: FlaskClient, admin: tuple[int, SoftAuthenticator]) -> None:
    """It could not be used: the page says to enable the person first."""
    bo, _token = add_person(app, "Bo")
    _post(client, f"/staff/people/{bo}/disable")
    answer = _post(client, f"/staff/people/{bo}/enrollment")
    assert answer.status_code == 409
    assert "Enable the person" in _text(answer)
    with _engine(app).connect() as connection:
        assert connection.execute(select(db.enrollments).where(
            db.enrollments.c.staff_id == bo)).all() == []


# Your passkeys


def _add_second_passkey(client: FlaskClient) -> Any:
    """Add a passkey through the JSON endpoints, as passkey.mjs does; the verify answer."""
    csrf = page_csrf(client, "/staff/passkeys")
    options = post_json(client, "/staff/passkeys/options", csrf).get_json()
    return post_json(client, "/staff/passkeys/verify", csrf,
                     {"credential": SoftAuthenticator().create(options)}), options


def test_a_second_passkey_is_added_through_the_ceremony(
        app: Flask, client: FlaskClient, admin: tuple[int, SoftAuthenticator]) -> None:
    """The options exclude the passkey already there; the new one signs in too."""
    admin_id, first = admin
    csrf = page_csrf(client, "/staff/passkeys")
    html = _text(client.get("/staff/passkeys"))
    assert 'data-options-url="/staff/passkeys/options"' in html
    assert 'data-verify-url="/staff/passkeys/verify"' in html
    options = post_json(client, "/staff/passkeys/options", csrf).get_json()
    excluded = [item["id"] for item in options.get("excludeCredentials", [])]
    assert excluded == [bytes_to_base64url(first.credential_id)]
    assert options["authenticatorSelection"]["userVerification"] == "required"
    second = SoftAuthenticator()
    answer = post_json(client, "/staff/passkeys/verify", csrf,
                       {"credential": second.create(options)})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {"redirect": "/staff/passkeys?done=added"}
    rows = _passkey_rows(app, admin_id)
    assert len(rows) == 2 and rows[1].name != rows[0].name
    assert _audit(app)[-1] == ("passkey-added", admin_id, f"passkey {rows[1].id}")
    assert sign_in(app.test_client(), second).status_code == 200


def test_the_added_passkey_gets_a_numbered_name(
        app: Flask, client: FlaskClient, admin: tuple[int, SoftAuthenticator]) -> None:
    """In English: "Passkey 2", "Passkey 3"."""
    admin_id, _key = admin
    for _ in range(2):
        csrf = page_csrf(client, "/staff/passkeys")
        options = post_json(client, "/staff/passkeys/options" + EN, csrf).get_json()
        post_json(client, "/staff/passkeys/verify" + EN, csrf,
                  {"credential": SoftAuthenticator().create(options)})
    assert [row.name for row in _passkey_rows(app, admin_id)][1:] == ["Passkey 2", "Passkey 3"]


def test_the_add_ceremony_is_bound_to_the_signed_in_person(
        app: Flask, client: FlaskClient, admin: tuple[int, SoftAuthenticator]) -> None:
    """An enrollment ceremony's challenge (another person's) cannot finish an add."""
    admin_id, _key = admin
    _bo, token = add_person(app, "Bo")
    csrf = page_csrf(client, "/staff/passkeys")
    options = post_json(client, f"/staff/enroll/{token}/options", csrf).get_json()
    answer = post_json(client, "/staff/passkeys/verify", csrf,
                       {"credential": SoftAuthenticator().create(options)})
    assert answer.status_code == 400
    assert answer.get_json() == {"error": "no-challenge"}
    assert len(_passkey_rows(app, admin_id)) == 1


def test_the_add_endpoints_need_a_session_and_csrf(
        app: Flask, client: FlaskClient, admin: tuple[int, SoftAuthenticator]) -> None:
    """Without the CSRF header the options are refused; signed out, both are 401."""
    assert client.post("/staff/passkeys/options", json={}).status_code == 400
    anonymous = app.test_client()
    csrf = page_csrf(anonymous)
    assert post_json(anonymous, "/staff/passkeys/options", csrf).status_code == 401
    assert post_json(anonymous, "/staff/passkeys/verify", csrf).status_code == 401


def test_the_page_lists_your_own_passkeys_only(
        app: Flask, client: FlaskClient, admin: tuple[int, SoftAuthenticator]) -> None:
    """Name, created and last used; another person's passkey is neither shown nor touchable."""
    admin_id, _key = admin
    bo, _bo_key = _member(app, "Bo")
    bo_passkey = _passkey_rows(app, bo)[0]
    html = _text(client.get("/staff/passkeys" + EN))
    own = _passkey_rows(app, admin_id)[0]
    assert f'id="passkey-{own.id}"' in html and f'id="passkey-{bo_passkey.id}"' not in html
    assert "Created" in html and "Last used" in html
    assert f"Remove passkey “{own.name}”" in html and f"Rename passkey “{own.name}”" in html
    rename = _post(client, f"/staff/passkeys/{bo_passkey.id}/rename", {"name": "Mine now"},
                   "/staff/passkeys")
    remove = _post(client, f"/staff/passkeys/{bo_passkey.id}/remove", page="/staff/passkeys")
    assert (rename.status_code, remove.status_code) == (404, 404)
    assert [row.name for row in _passkey_rows(app, bo)] == [bo_passkey.name]


def test_renaming_a_passkey(app: Flask, client: FlaskClient,
                            admin: tuple[int, SoftAuthenticator]) -> None:
    """A new name, trimmed, shown after the redirect; audited without the name."""
    admin_id, _key = admin
    passkey = _passkey_rows(app, admin_id)[0]
    answer = _post(client, f"/staff/passkeys/{passkey.id}/rename", {"name": "  Work laptop "},
                   "/staff/passkeys")
    assert answer.status_code == 303
    assert "Work laptop" in _text(client.get(answer.location))
    assert _passkey_rows(app, admin_id)[0].name == "Work laptop"
    assert _audit(app)[-1] == ("passkey-renamed", admin_id, f"passkey {passkey.id}")


@pytest.mark.parametrize(("name", "words"), [
    ("  ", "Enter a name for the passkey"),
    ("x" * 61, "60 characters or fewer"),
    ("phone\x00", "(U+0000 NULL)"),
    ("phone\nlaptop", "(U+000A LINE FEED)"),
    ("enohp\u202e", "(U+202E RIGHT-TO-LEFT OVERRIDE)"),
    ("my\u202fphone", "(U+202F NARROW NO-BREAK SPACE)"),
])
def test_a_passkey_name_is_1_to_60_characters(app: Flask, client: FlaskClient,
                                              admin: tuple[int, SoftAuthenticator],
                                              name: str, words: str) -> None:
    """The page comes back with the error tied to that passkey's field; nothing changes."""
    admin_id, _key = admin
    passkey = _passkey_rows(app, admin_id)[0]
    answer = _post(client, f"/staff/passkeys/{passkey.id}/rename", {"name": name},
                   "/staff/passkeys")
    assert answer.status_code == 400
    html = _text(answer)
    assert words in html
    field = f"passkey-name-{passkey.id}"
    assert re.search(rf'id="{field}"[^>]*aria-describedby="{field}-hint {field}-error"', html)
    assert f'id="{field}-error"' in html and f'href="#{field}"' in html
    assert _passkey_rows(app, admin_id)[0].name == passkey.name


def test_sixty_characters_is_allowed(app: Flask, client: FlaskClient,
                                     admin: tuple[int, SoftAuthenticator]) -> None:
    """The limit is inclusive."""
    admin_id, _key = admin
    passkey = _passkey_rows(app, admin_id)[0]
    answer = _post(client, f"/staff/passkeys/{passkey.id}/rename", {"name": "y" * 60},
                   "/staff/passkeys")
    assert answer.status_code == 303
    assert _passkey_rows(app, admin_id)[0].name == "y" * 60


def test_the_last_passkey_cannot_be_removed(app: Flask, client: FlaskClient,
                                            admin: tuple[int, SoftAuthenticator]) -> None:
    """Refused with a message beside its button; the passkey stays and still signs in."""
    admin_id, key = admin
    passkey = _passkey_rows(app, admin_id)[0]
    answer = _post(client, f"/staff/passkeys/{passkey.id}/remove", page="/staff/passkeys")
    assert answer.status_code == 409
    html = _text(answer)
    assert "You cannot remove your only passkey" in html
    assert f'aria-describedby="passkey-{passkey.id}-remove-error"' in html
    assert len(_passkey_rows(app, admin_id)) == 1
    assert "passkey-removed" not in [entry[0] for entry in _audit(app)]
    assert sign_in(app.test_client(), key).status_code == 200


def test_removing_a_passkey_when_there_is_another(
        app: Flask, client: FlaskClient, admin: tuple[int, SoftAuthenticator]) -> None:
    """The first goes (it no longer signs in), the second stays and then cannot go."""
    admin_id, first = admin
    answer, _options = _add_second_passkey(client)
    assert answer.status_code == 200
    old, new = _passkey_rows(app, admin_id)
    removed = _post(client, f"/staff/passkeys/{old.id}/remove", page="/staff/passkeys")
    assert removed.status_code == 303
    assert "The passkey was removed" in _text(client.get(removed.location + "&lang=en"))
    assert [row.id for row in _passkey_rows(app, admin_id)] == [new.id]
    assert _audit(app)[-1] == ("passkey-removed", admin_id, f"passkey {old.id}")
    assert sign_in(app.test_client(), first).get_json() == {"error": "unknown-passkey"}
    again = _post(client, f"/staff/passkeys/{new.id}/remove", page="/staff/passkeys")
    assert again.status_code == 409


def test_remove_passkey_never_leaves_none(app: Flask) -> None:
    """The data function itself refuses the last one, whichever is asked first."""
    with _engine(app).begin() as connection:
        staff_id = accounts.create_staff(connection, "Aino")
        ids = [accounts.add_passkey(connection, staff_id, credential_id=f"c{i}",
                                    public_key=b"k", sign_count=0, name="P")
               for i in range(2)]
        assert accounts.remove_passkey(connection, staff_id, ids[1]) is True
        assert accounts.remove_passkey(connection, staff_id, ids[0]) is False
        assert accounts.remove_passkey(connection, staff_id + 1, ids[0]) is False
        assert [row.id for row in accounts.passkeys_of(connection, staff_id)] == [ids[0]]


# CSRF and the audit log


@pytest.mark.parametrize("url", ["/staff/people", "/staff/people/{bo}/disable",
                                 "/staff/people/{bo}/enrollment",
                                 "/staff/passkeys/{passkey}/rename",
                                 "/staff/passkeys/{passkey}/remove"])
def test_every_form_needs_its_csrf_token(app: Flask, client: FlaskClient,
                                         admin: tuple[int, SoftAuthenticator], url: str) -> None:
    """Without the token: 400, and nothing changes."""
    admin_id, _key = admin
    bo, _token = add_person(app, "Bo")
    passkey = _passkey_rows(app, admin_id)[0]
    before = _audit(app)
    answer = client.post(url.format(bo=bo, passkey=passkey.id), data={"name": "Mallory"})
    assert answer.status_code == 400
    assert _audit(app) == before
    assert not _staff(app, bo).disabled
    assert _passkey_rows(app, admin_id) == [passkey]


def test_the_audit_log_holds_no_names(app: Flask, client: FlaskClient,
                                      admin: tuple[int, SoftAuthenticator]) -> None:
    """Every action of this module leaves ids only."""
    admin_id, _key = admin
    _post(client, "/staff/people", {"name": "Bo Secretname"})
    with _engine(app).connect() as connection:
        bo = connection.execute(select(db.staff.c.id).where(
            db.staff.c.name == "Bo Secretname")).scalar_one()
    _post(client, f"/staff/people/{bo}/enrollment")
    _post(client, f"/staff/people/{bo}/disable")
    _post(client, f"/staff/people/{bo}/enable")
    _add_second_passkey(client)
    passkey = _passkey_rows(app, admin_id)[0]
    _post(client, f"/staff/passkeys/{passkey.id}/rename", {"name": "Aino's phone"},
          "/staff/passkeys")
    _post(client, f"/staff/passkeys/{passkey.id}/remove", page="/staff/passkeys")
    entries = _audit(app)
    actions = [entry[0] for entry in entries]
    for action in ("staff-added", "enrollment-issued", "staff-disabled", "staff-enabled",
                   "passkey-added", "passkey-renamed", "passkey-removed"):
        assert action in actions
    text = repr(entries)
    assert "Secretname" not in text and "Aino" not in text and "phone" not in text
