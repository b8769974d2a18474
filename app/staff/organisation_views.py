"""The organisation's profile (administrators only): whose service this is, its help line and
the facts its privacy notice and accessibility statement name.

The form posts back and redirects (post/redirect/get) with done=saved; a refused form is
rendered at once with status 400 and an error summary. Each save is audited by id only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app import db, organisation
from app.about.views import profile
from app.i18n import gettext as _
from app.languages import LANGUAGE_BY_CODE
from app.staff import bp
from app.staff.auth import login_required
from app.staff.people_views import admin_required


def field_labels() -> dict[str, str]:
    """Each field id's name, as the error summary says it."""
    groups = {"name": _("Name of the organisation"), "service-name": _("Name of the service"),
              "hours": _("Opening hours of the help line"),
              "controller": _("Controller")}
    labels = {f"{prefix}-{code}": f"{groups[prefix]} ({language.name})"
              for prefix in groups for code, language in LANGUAGE_BY_CODE.items()}
    labels.update({"phone": _("Help phone number"), "email": _("Contact email"),
                   "privacy-contact": _("Contact of the data protection officer"),
                   "statement-date": _("Date of the accessibility statement"),
                   "evaluated-date": _("Date of the last evaluation"),
                   "evaluator": _("Who evaluated the accessibility"),
                   "authority": _("Supervisory authority")})
    return labels


def error_sentence(code: str, label: str) -> str:
    """The sentence for an error code in the field called label."""
    sentences = {
        "too-long": _("%(field)s is too long. Shorten it.", field=label),
        "hidden": _("%(field)s contains a character that cannot be seen or that changes how "
                    "text is shown. Remove it.", field=label),
        "phone-invalid": _("Enter the phone number with digits, for example +358 9 123 4567. "
                           "Spaces, hyphens and brackets are allowed."),
        "email-invalid": _("%(field)s: enter an email address such as name@example.fi.",
                           field=label),
        "date-invalid": _("%(field)s is not a real date. Choose it with the date field.",
                          field=label),
        "date-future": _("%(field)s cannot be in the future.", field=label),
        "evaluated-after-statement": _("The last evaluation cannot be after the date of the "
                                       "statement."),
    }
    return sentences[code]


def missing_words() -> dict[str, str]:
    """Each of organisation.REQUIRED as the dashboard names it."""
    labels = field_labels()
    return {"name": _("Name of the organisation"), "service-name": _("Name of the service"),
            "phone": labels["phone"], "hours": _("Opening hours of the help line"),
            "email": labels["email"], "controller": _("Controller"),
            "privacy-contact": labels["privacy-contact"],
            "statement-date": labels["statement-date"],
            "evaluated-date": labels["evaluated-date"], "evaluator": labels["evaluator"]}


def _page(form: dict[str, str], errors: dict[str, str], status: int = 200) -> tuple[str, int]:
    """The profile form, with any errors and the saved confirmation."""
    labels = field_labels()
    sentences = {field: error_sentence(code, labels[field]) for field, code in errors.items()}
    done = request.method == "GET" and request.args.get("done") == "saved"
    return render_template("staff/organisation.html", form=form, errors=sentences,
                           done=done, per_language=organisation.PER_LANGUAGE), status


@bp.get("/organisation")
@login_required
@admin_required
def organisation_profile() -> tuple[str, int]:
    """The organisation's profile as stored, to edit (administrators only)."""
    return _page(organisation.as_form(profile()), {})


@bp.post("/organisation")
@login_required
@admin_required
def save_organisation_profile() -> Response | tuple[str, int]:
    """Check and store the profile, audit it, and show it again saved."""
    form = {field: request.form.get(field, "") for field in organisation.form_fields()}
    zone = current_app.config["DEFAULT_TIMEZONE"]
    read, errors = organisation.read_profile_form(form, today=datetime.now(ZoneInfo(zone)).date())
    if read is None:
        return _page(form, errors, 400)
    with db.engine().begin() as connection:
        organisation.save_profile(connection, read, staff_id=g.staff.id,
                                  now=datetime.now(UTC))
    return redirect(url_for("staff.organisation_profile", done="saved"), 303)
