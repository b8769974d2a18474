"""Staff management: administrators add, disable and recover people.

Every form posts back and redirects (post/redirect/get) with a short `done` code in the query,
which the page turns into a sentence. The exceptions show a token, which exists only at that
moment: a new enrollment link is rendered in the POST's own never-cached answer, as a new
personal link is. Refusals are rendered at once with the status that says why.
The audit log gets ids only, never a person's or a passkey's name.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, current_app, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app import accounts, db
from app.i18n import gettext as _
from app.staff import auth, bp
from app.staff.auth import login_required
from app.staff.page_text import hidden_in_name, when
from app.text import unsafe_character

F = TypeVar("F", bound=Callable[..., Any])

# The query's `done` codes each page confirms, with a person's id where one is named.
PEOPLE_DONE = ("disabled", "enabled")


def admin_required(view: F) -> F:
    """Under login_required: refuse anyone but an administrator with a 403 page that says so."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        """Check g.staff, then run the view."""
        if not g.staff.is_admin:
            return render_template("staff/forbidden.html"), 403
        return view(*args, **kwargs)

    return cast(F, wrapped)


def _people_messages(hidden: str) -> dict[str, str]:
    """Each error code's sentence on the people page; hidden names a refused character."""
    return {
        "name-missing": _("Enter the person's name"),
        "name-too-long": _("The name must be %(count)d characters or fewer",
                           count=accounts.MAX_NAME),
        "name-hidden": hidden_in_name(hidden),
        accounts.SELF: _("You cannot disable yourself. Ask another administrator."),
        accounts.LAST_ADMIN: _("This is the last administrator who can sign in, so they cannot "
                               "be disabled. Add another administrator first."),
        "disabled-person": _("Enable the person before you make them a new enrollment link."),
    }


def _people_page(*, errors: dict[str, str] | None = None, form: dict[str, Any] | None = None,
                 status: int = 200, hidden: str = "") -> tuple[str, int]:
    """The people page: everyone, the add form, and any confirmation or refusal."""
    with db.engine().connect() as connection:
        people = accounts.list_staff(connection)
    done = request.args.get("done") if request.method == "GET" else None
    person = None
    if done in PEOPLE_DONE:
        person = next((p for p in people if str(p.id) == request.args.get("person")), None)
    page = render_template(
        "staff/people.html", people=people, errors=errors or {},
        messages=_people_messages(hidden), form=form or {"name": "", "admin": False},
        done=done if person is not None else None, person=person, when=when,
        max_name=accounts.MAX_NAME)
    return page, status


@bp.get("/people")
@login_required
@admin_required
def people() -> tuple[str, int]:
    """Everyone in the staff area, and a form to add a person (administrators only)."""
    return _people_page()


@bp.post("/people")
@login_required
@admin_required
def add_person() -> Response | tuple[str, int]:
    """Add a person and show their one-time enrollment link."""
    name = request.form.get("name", "").strip()
    is_admin = request.form.get("admin") == "yes"
    hidden = unsafe_character(name)
    if not name or len(name) > accounts.MAX_NAME or hidden is not None:
        code = ("name-missing" if not name else "name-too-long"
                if len(name) > accounts.MAX_NAME else "name-hidden")
        return _people_page(errors={"name": code}, form={"name": name, "admin": is_admin},
                            status=400, hidden=hidden or "")
    now = datetime.now(UTC)
    with db.engine().begin() as connection:
        staff_id = accounts.create_staff(connection, name, is_admin=is_admin, now=now)
        token = accounts.create_enrollment(connection, staff_id, issued_by=g.staff.id, now=now)
        accounts.audit(connection, "staff-added", staff_id=g.staff.id,
                       detail=f"staff {staff_id}", now=now)
    return _enrollment_link(name, token, now, new_person=True)


def _enrollment_link(name: str, token: str, now: datetime, *, new_person: bool) -> Response:
    """The never-cached page that shows an enrollment link once, with its expiry."""
    path = url_for("staff.enroll", token=token)
    public_url = current_app.config["PUBLIC_URL"]
    link = public_url + path if public_url else url_for("staff.enroll", token=token,
                                                          _external=True)
    expires = now + timedelta(hours=accounts.ENROLLMENT_HOURS)
    response = Response(render_template(
        "staff/enrollment_link.html", name=name, link=link, expires=when(expires),
        new_person=new_person), mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _target(staff_id: int) -> Any:
    """The staff member of the URL, or a 404."""
    with db.engine().connect() as connection:
        member = accounts.staff_by_id(connection, staff_id)
    if member is None:
        abort(404)
    return member


@bp.post("/people/<row_id:staff_id>/disable")
@login_required
@admin_required
def disable_person(staff_id: int) -> Response | tuple[str, int]:
    """Disable a person: they cannot sign in, and a session they have open ends."""
    return _set_disabled(staff_id, disabled=True)


@bp.post("/people/<row_id:staff_id>/enable")
@login_required
@admin_required
def enable_person(staff_id: int) -> Response | tuple[str, int]:
    """Let a disabled person sign in again."""
    return _set_disabled(staff_id, disabled=False)


def _set_disabled(staff_id: int, *, disabled: bool) -> Response | tuple[str, int]:
    """Disable or enable, audit it and go back to the list; or say why not (409)."""
    with db.engine().begin() as connection:
        refusal = accounts.set_disabled(connection, staff_id, disabled, by=g.staff.id)
        if refusal is None and disabled:
            # Their sessions end for good: enabling them again later revives none.
            auth.end_sessions(connection, staff_id)
        if refusal is None:
            accounts.audit(connection, "staff-disabled" if disabled else "staff-enabled",
                           staff_id=g.staff.id, detail=f"staff {staff_id}")
    if refusal == accounts.UNKNOWN:
        abort(404)
    if refusal is not None:
        return _people_page(errors={"person": refusal}, status=409)
    return redirect(url_for("staff.people", done="disabled" if disabled else "enabled",
                            person=staff_id), 303)


@bp.post("/people/<row_id:staff_id>/enrollment")
@login_required
@admin_required
def reissue_enrollment(staff_id: int) -> Response | tuple[str, int]:
    """Recovery: a fresh enrollment link for a person; their earlier unused ones stop working.

    For someone who already has a passkey it is a recovery, audited as such: the link lets
    whoever holds it add a passkey to that person's account and sign in as them.
    """
    member = _target(staff_id)
    if member.disabled:
        return _people_page(errors={"person": "disabled-person"}, status=409)
    now = datetime.now(UTC)
    with db.engine().begin() as connection:
        token = accounts.reissue_enrollment(connection, staff_id, issued_by=g.staff.id, now=now)
        recovery = accounts.passkey_count(connection, staff_id) > 0
        accounts.audit(connection, "recovery-issued" if recovery else "enrollment-issued",
                       staff_id=g.staff.id, detail=f"staff {staff_id}", now=now)
    return _enrollment_link(member.name, token, now, new_person=False)
