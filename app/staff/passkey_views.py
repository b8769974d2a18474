"""The signed-in person's own passkeys: rename, remove, add another.

Forms post back and redirect (post/redirect/get) with a short `done` code in the query, which
the page turns into a sentence; adding a passkey is a JSON ceremony made by passkey.mjs.
The audit log gets ids only, never a passkey's name.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, g, jsonify, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from app import accounts, db
from app.i18n import gettext as _
from app.staff import bp, passkeys
from app.staff.auth import login_required
from app.staff.page_text import hidden_in_name, when
from app.text import unsafe_character

PASSKEYS_DONE = ("added", "renamed", "removed")


# The signed-in person's own passkeys


def _passkey_messages(hidden: str) -> dict[str, str]:
    """Each error code's sentence on the passkeys page; hidden names a refused character."""
    return {
        "name-missing": _("Enter a name for the passkey"),
        "name-too-long": _("The name must be %(count)d characters or fewer",
                           count=accounts.MAX_PASSKEY_NAME),
        "name-hidden": hidden_in_name(hidden),
        "last-passkey": _("You cannot remove your only passkey: you could no longer sign in. "
                          "Add another passkey first."),
    }


def _passkeys_page(*, errors: dict[int, str] | None = None,
                   values: dict[int, str] | None = None, status: int = 200,
                   hidden: str = "") -> tuple[str, int]:
    """The passkeys page; errors and entered names are keyed by passkey id."""
    with db.engine().connect() as connection:
        rows = accounts.passkeys_of(connection, g.staff.id)
    done = request.args.get("done") if request.method == "GET" else None
    page = render_template(
        "staff/my_passkeys.html", passkeys=rows, errors=errors or {}, values=values or {},
        messages=_passkey_messages(hidden), done=done if done in PASSKEYS_DONE else None,
        when=when, max_name=accounts.MAX_PASSKEY_NAME)
    return page, status


def _own_passkey(passkey_id: int) -> None:
    """404 unless the signed-in person has this passkey."""
    with db.engine().connect() as connection:
        ids = {row.id for row in accounts.passkeys_of(connection, g.staff.id)}
    if passkey_id not in ids:
        abort(404)


@bp.get("/passkeys")
@login_required
def my_passkeys() -> tuple[str, int]:
    """The signed-in person's passkeys: rename, remove, add another."""
    return _passkeys_page()


@bp.post("/passkeys/<row_id:passkey_id>/rename")
@login_required
def rename_passkey(passkey_id: int) -> Response | tuple[str, int]:
    """Give one of your passkeys a name you recognise."""
    _own_passkey(passkey_id)
    name = request.form.get("name", "")
    try:
        accounts.clean_passkey_name(name)
    except ValueError:
        hidden = unsafe_character(name.strip())
        code = ("name-missing" if not name.strip() else "name-too-long"
                if len(name.strip()) > accounts.MAX_PASSKEY_NAME else "name-hidden")
        return _passkeys_page(errors={passkey_id: code}, values={passkey_id: name}, status=400,
                              hidden=hidden or "")
    with db.engine().begin() as connection:
        accounts.rename_passkey(connection, g.staff.id, passkey_id, name)
        accounts.audit(connection, "passkey-renamed", staff_id=g.staff.id,
                       detail=f"passkey {passkey_id}")
    return redirect(url_for("staff.my_passkeys", done="renamed"), 303)


@bp.post("/passkeys/<row_id:passkey_id>/remove")
@login_required
def remove_passkey(passkey_id: int) -> Response | tuple[str, int]:
    """Remove one of your passkeys, never the last one."""
    _own_passkey(passkey_id)
    with db.engine().begin() as connection:
        removed = accounts.remove_passkey(connection, g.staff.id, passkey_id)
        if removed:
            accounts.audit(connection, "passkey-removed", staff_id=g.staff.id,
                           detail=f"passkey {passkey_id}")
    if not removed:
        return _passkeys_page(errors={passkey_id: "last-passkey"}, status=409)
    return redirect(url_for("staff.my_passkeys", done="removed"), 303)


@bp.post("/passkeys/options")
@login_required
def add_passkey_options() -> Response:
    """1. Registration options for another passkey of the signed-in person."""
    with db.engine().connect() as connection:
        existing = accounts.credential_ids(connection, g.staff.id)
    return jsonify(passkeys.registration_options(
        user_id=g.staff.webauthn_user_id, user_name=g.staff.name, exclude=existing,
        kind=passkeys.ADD, bound=g.staff.id))


@bp.post("/passkeys/verify")
@login_required
def add_passkey_verify() -> Response | tuple[Response, int]:
    """2. Verify the new passkey and store it with a numbered default name."""
    body = request.get_json(silent=True)
    credential = body.get("credential") if isinstance(body, dict) else None
    try:
        new = passkeys.verify_registration(credential, kind=passkeys.ADD, bound=g.staff.id)
    except passkeys.CeremonyError as error:
        return jsonify(error=error.code), 400
    now = datetime.now(UTC)
    try:
        with db.engine().begin() as connection:
            number = accounts.passkey_count(connection, g.staff.id) + 1
            # Translators: the name of a person's second, third… passkey; they can rename it.
            name = _("Passkey %(number)d", number=number)
            passkey_id = accounts.add_passkey(
                connection, g.staff.id, credential_id=new.credential_id,
                public_key=new.public_key, sign_count=new.sign_count, name=name, now=now)
            accounts.audit(connection, "passkey-added", staff_id=g.staff.id,
                           detail=f"passkey {passkey_id}", now=now)
    except IntegrityError:
        return jsonify(error="passkey-exists"), 400
    return jsonify(redirect=url_for("staff.my_passkeys", done="added"))
