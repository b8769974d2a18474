"""The wizard's pages: one thing per page, state in the signed session, post-redirect-get."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import (
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from app import db, guidance, ics, invites
from app import report_contract as report_schema
from app.about.views import help_line, organisation
from app.customer_session import STATE_KEY, invite_token, remember_invite
from app.device import VARY_HEADERS, DeviceProfile, classify_request
from app.i18n import format_appointment, use_invite_language
from app.i18n import gettext as _
from app.invite_status import check_results
from app.limits import refuse_unknown_token
from app.readiness import CHECK_ORDER, Readiness, readiness_of, status_of
from app.security import add_vary
from app.steps import (
    DEVICE_CHOICES,
    STEPS,
    choice_for_detection,
    counted_path,
    path_for_choice,
    position,
)
from app.wizard import bp

# What the session keeps (STATE_KEY): the device choice and which steps are done, and for a
# personal link the invite's id. Nothing personal about the customer. A personal link's token,
# for the browser's report posts to /api/v1/invites/<token>/reports, is kept sealed and only
# until the appointment is over (app/customer_session.py).


def _state() -> dict[str, Any]:
    """The wizard's state in the signed session (a fresh dict when there is none)."""
    state = session.get(STATE_KEY)
    return state if isinstance(state, dict) else {}


def _save(**changes: Any) -> None:
    """Update the session's wizard state."""
    state = {**_state(), **changes}
    session[STATE_KEY] = state
    session.permanent = True


def _mark_done(step: str) -> None:
    """Remember that the customer finished a step, and tell staff when it is a personal link."""
    done = list(_state().get("done", []))
    if step not in done:
        done.append(step)
    _save(done=done)
    _report("step", step=step, path=_path())


def _report(kind: str, **fields: Any) -> None:
    """Store a report for this session's personal link; nothing for the general guide.

    The wizard's own form posts say what staff need (the step, the path, help, no video), so
    this works without JavaScript; the device checks' results come from the browser.
    """
    invite = _invite()
    if invite is None:
        return
    now = datetime.now(UTC)
    report = {"version": 1, "id": str(uuid.uuid4()), "kind": kind,
              "created_at": now.isoformat(), **fields}
    try:
        # The server's own reports keep to the schema the browser's are held to.
        report = report_schema.validate_report(report)
    except report_schema.ReportError:
        current_app.logger.warning("a %s report did not fit the schema", kind, exc_info=True)
        return
    with db.engine().begin() as connection:
        invites.record_report(connection, invite.id, report, now,
                              invite_created_at=invite.created_at)


def _profile() -> DeviceProfile:
    """This request's device, classified once per request."""
    if "device_profile" not in g:
        g.device_profile = classify_request(request.headers)
    profile: DeviceProfile = g.device_profile
    return profile


def _path() -> str:
    """The join path: the customer's device choice, else ?path= (the service worker keeps the
    pages of a path without cookies), else what detection says."""
    asked = request.args.get("path")
    detected = asked if asked in STEPS and not _state().get("device") else _profile().path
    return path_for_choice(_state().get("device"), detected)


def _render(template: str, step: str | None = None, **context: Any) -> Response:
    """Render a wizard page with its place on the path and the device's Vary headers."""
    path = _path()
    place = position(counted_path(path, _profile().form), step) if step else None
    if place is not None:
        # Offline, pwa.mjs follows this instead of sending the step's form (see continue_form).
        g.offline_next = url_for(f"wizard.{place.next or 'ready'}")
    response = make_response(render_template(
        template, step=step, place=place, path=path, profile=_profile(),
        state=_state(), **context))
    add_vary(response, VARY_HEADERS)
    return response


def _next(step: str) -> Response:
    """Redirect to the step after this one on the current path (post-redirect-get)."""
    place = position(_path(), step)
    if place is None or place.next is None:
        return redirect(url_for("wizard.ready"))
    return redirect(url_for(f"wizard.{place.next}"))


@bp.get("/")
def start() -> Response:
    """The start page: what you need, how long it takes, and how you will join."""
    return _start_page(appointment=None)


def _start_page(appointment: str | None) -> Response:
    """The start page, with the appointment's time for a personal link."""
    return _render("wizard/start.html", appointment=appointment,
                   might_be_ipad=guidance.might_be_ipad(_profile()))


@bp.get("/r/<token>")
def personal_link(token: str) -> Response:
    """A personal link: note that the customer opened it, then the start page with their time."""
    invite = _open_invite(token)
    if invite is None:
        return _start_page(appointment=None)
    return _start_page(format_appointment(invite.appointment_at, invite.timezone))


def _open_invite(token: str) -> Any:
    """The invite of a personal link, noted as opened and known to this session from now on;
    None when a link previewer or a HEAD request asks. An unknown token ends in a 404."""
    now = datetime.now(UTC)
    with db.engine().begin() as connection:
        invite = invites.find_invite(connection, token, now=now,
                                     days=current_app.config["RETENTION_DAYS"])
        if invite is None:
            refuse_unknown_token()
        # Teams, Outlook, Slack and others fetch a link to preview it as soon as it is sent,
        # and link checkers ask with HEAD. That is not the customer: nothing is recorded and
        # nothing personal is shown.
        if _profile().form == "bot" or request.method == "HEAD":
            return None
        invites.mark_opened(connection, invite.id, now)
    # Another invite's progress (a shared computer) does not carry over to this one.
    state = _state() if _state().get("invite") == invite.id else {}
    session[STATE_KEY] = {**state, "invite": invite.id}
    remember_invite(invite.id, token, invite.appointment_at)
    session.permanent = True
    use_invite_language(invite.language)
    return invite


@bp.route("/device", methods=["GET", "POST"])
def device() -> Response:
    """Your device: confirm what detection guessed, or choose another device."""
    profile = _profile()
    if request.method == "POST":
        choice = request.form.get("device")
        if choice not in DEVICE_CHOICES:
            response = _render("wizard/device.html", "device", error=True, selected=None,
                               choices=DEVICE_CHOICES,
                               description=guidance.device_description(profile))
            response.status_code = 400
            return response
        _save(device=choice)
        _mark_done("device")
        if choice == "other":
            return redirect(url_for("wizard.other_device"))
        return _next("device")
    if profile.path == "open-in-browser" and not _state().get("stay_in_app"):
        return redirect(_way_out_url())
    selected = _state().get("device") or choice_for_detection(profile.os, profile.path)
    return _render("wizard/device.html", "device", selected=selected, choices=DEVICE_CHOICES,
                   description=guidance.device_description(profile))


@bp.get("/other-device")
def other_device() -> Response:
    """A device that cannot join: what to use instead."""
    return _render("wizard/other_device.html")


def _personal_token() -> str | None:
    """This session's personal-link token, while it knows the invite; None for the guide."""
    return invite_token() if _state().get("invite") is not None else None


def _way_out_url() -> str:
    """The page that shows the way out of an app. For a personal link its address carries
    the link, because an app's own "Open in browser" opens the address it shows."""
    token = _personal_token()
    if token is None:
        return url_for("wizard.open_in_browser")
    return url_for("wizard.personal_open_in_browser", token=token)


@bp.route("/open-in-browser", methods=["GET", "POST"])
def open_in_browser() -> Response:
    """Opened inside another app: how to get to a real browser, or carry on here.

    In a real browser (the app's menu opened this address there) there is nothing to leave:
    the wizard goes on to its first step.
    """
    if request.method == "POST":
        _save(stay_in_app=True)
        return redirect(url_for("wizard.device"))
    profile = _profile()
    if profile.path in {"web", "app"}:
        return redirect(url_for("wizard.device"))
    token = _personal_token()
    if token is not None and request.endpoint == "wizard.open_in_browser":
        return redirect(_way_out_url())
    # What leaves the app is the customer's own link: the time, the Join button and the
    # report to staff come along. The page is not kept by any cache (no-store, and the
    # service worker never keeps it), and no-referrer keeps its address from other sites.
    link = (url_for("wizard.personal_link", token=token, _external=True) if token
            else url_for("wizard.start", _external=True))
    return _render("wizard/open_in_browser.html",
                   app_name=guidance.app_display_name(profile.in_app),
                   route=guidance.in_app_menu_route(profile.in_app, profile.os),
                   link=link,
                   android_intent=guidance.android_chrome_intent(link)
                   if profile.os == "android" else None)


@bp.route("/r/<token>/open-in-browser", methods=["GET", "POST"])
def personal_open_in_browser(token: str) -> Response:
    """The way out of an app for a personal link: this address is what the app's own "Open
    in browser" opens, so a real browser arriving here knows the invite and goes on."""
    if _open_invite(token) is None:
        return _start_page(appointment=None)
    return open_in_browser()


def _step_page(step: str, template: str, **context: Any) -> Response:
    """A plain step: GET shows it, POST marks it done and moves on."""
    if request.method == "POST":
        _mark_done(step)
        return _next(step)
    return _render(template, step, **context)


@bp.route("/computer/browser", methods=["GET", "POST"])
def browser() -> Response:
    """Computer path: is this browser good for Teams on the web?"""
    profile = _profile()
    assessment = guidance.browser_assessment(profile) if profile.path == "web" else None
    invite = _invite()
    # A browser that is not Chrome is told to paste the meeting link into Chrome: the
    # personal link's Teams link, when staff gave one, is there to copy.
    return _step_page("browser", "wizard/browser.html", assessment=assessment,
                      teams_url=invite.teams_url if invite else None)


@bp.route("/phone/install", methods=["GET", "POST"])
def install() -> Response:
    """Phone and tablet path: install the Teams app from the right store."""
    return _step_page("install", "wizard/install.html",
                      stores=guidance.stores_for(_state().get("device"), _profile().os))


def _checks_outcome(form: Mapping[str, str]) -> dict[str, Any]:
    """What the checks page's Continue says about the checks, for the session.

    With JavaScript, device-checks.mjs puts each check's status in the form ("by": the
    browser); any value it does not know counts as readiness.py says. Without it (a
    <noscript> field says so) the page shows a checklist to go through alone, and Continue is
    the customer's own confirmation. Neither (Continue pressed before the checks had
    started): nothing is known, so nothing was checked.
    """
    if form.get("checked_by") == "customer":
        return {"by": "customer"}
    outcome: dict[str, Any] = {
        "by": "browser",
        "statuses": {name: status_of(name, form.get(name) or None) for name in CHECK_ORDER}}
    # The media round trip's verdict (guidance.MEDIA_VERDICTS), when the connection check ran it.
    if form.get("media") in guidance.MEDIA_VERDICTS:
        outcome["media"] = form["media"]
    return outcome


def _device_facts() -> dict[str, Any]:
    """The device words a readiness report carries: the detection and the customer's choice."""
    profile = _profile()
    return {"form": profile.form, "os": profile.os, "browser": profile.browser_family,
            "major": profile.browser_major, "choice": _state().get("device")}


def _report_checks(statuses: Mapping[str, str]) -> None:
    """Tell staff what the checks found when the customer moved on (personal links only)."""
    path = _path()
    found = readiness_of(statuses, path)
    _report("readiness", path=path,
            device={key: value for key, value in _device_facts().items() if value is not None},
            checks={name: {"status": status_of(name, statuses.get(name))}
                    for name in CHECK_ORDER},
            summary=found.summary, warnings=list(found.warnings),
            problems=list(found.problems))


@bp.route("/checks", methods=["GET", "POST"])
def checks() -> Response:
    """The device checks: speakers, camera, microphone, connection, run in the browser."""
    if request.method == "POST":
        outcome = _checks_outcome(request.form)
        _save(checks=outcome)
        # The browser reports a round once every check has an answer ("reported"); Continue
        # before that, or without JavaScript, would leave staff with no result at all.
        if request.form.get("reported") != "1":
            _report_checks(outcome.get("statuses") or {})
    token = _personal_token()
    return _step_page("checks", "wizard/checks.html",
                      report_url=url_for("api.post_report", token=token) if token else "",
                      device_json=json.dumps(_device_facts()),
                      unblock=guidance.unblock_steps(),
                      advice=guidance.check_advice(),
                      connection_reasons=guidance.connection_reasons(),
                      media_verdicts=guidance.media_verdicts(),
                      media_reasons=guidance.media_reasons(),
                      media_advice=guidance.media_advice())


@bp.route("/computer/join", methods=["GET", "POST"])
def join_computer() -> Response:
    """Computer path: how to join in the web browser, step by step."""
    return _step_page("join_computer", "wizard/join_computer.html")


@bp.route("/phone/join", methods=["GET", "POST"])
def join_phone() -> Response:
    """Phone and tablet path: how to join as a guest in the Teams app."""
    return _step_page("join_phone", "wizard/join_phone.html")


@bp.route("/privacy", methods=["GET", "POST"])
def privacy() -> Response:
    """Privacy and safety: the rules, confirmed once."""
    return _step_page("privacy", "wizard/privacy.html")


def _next_step(found: Readiness) -> str | None:
    """The one thing to do next about the checks' first problem (else warning), in words."""
    keys = found.problems or found.warnings
    if found.summary == "not-checked" or not keys:
        return None
    status = keys[0].partition("-")[2]
    if status in ("blocked", "os-blocked"):
        return _("Allow the camera and microphone: go back to the checks and follow the steps "
                 "shown there.")
    if status == "in-use":
        return _("Close other apps that use the camera or microphone, for example Teams or "
                 "Zoom, then check again.")
    return dict(guidance.check_advice()).get(keys[0])


@bp.get("/ready")
def ready() -> Response:
    """Ready: what is done and what is left, and what the device checks found.

    The checks' outcome comes from the checks page's own form post (_checks_outcome), so the
    page is true without JavaScript and without a personal link: a check not run reads "Not
    checked", a problem makes it "Not ready yet" with the next thing to do.
    """
    path = _path()
    steps = STEPS.get(path, ())
    done = set(_state().get("done", []))
    outcome = _state().get("checks") if "checks" in done else None
    outcome = outcome if isinstance(outcome, dict) else {}
    checked_by = outcome.get("by")
    # Only the two join paths have checks to speak of (another device's page says what to do).
    statuses = (outcome.get("statuses")
                if checked_by == "browser" and path in ("web", "app") else None)
    found = readiness_of(statuses, path) if isinstance(statuses, dict) else None
    media = outcome.get("media") if found else None
    media = media if media in guidance.MEDIA_VERDICTS else None
    verdict = found.summary if found else ("confirmed" if checked_by == "customer" else None)
    # A checks step without a known outcome (a session from before outcomes were kept) is
    # not done: nobody knows what it found.
    summary = [(step, step in done and (step != "checks" or verdict is not None))
               for step in steps if step != "ready"]
    all_done = bool(summary) and all(finished for _step, finished in summary)
    # The staff's words for each check's result, so that customer and staff read the same.
    invite = _invite()
    appointment = (format_appointment(invite.appointment_at, invite.timezone)
                   if invite else None)
    return _render("wizard/ready.html", "ready" if steps else None, summary=summary,
                   all_done=all_done, verdict=verdict,
                   check_rows=(check_results({**statuses, "media": media} if media
                                             else statuses, problems=found.problems)
                               if found and statuses is not None else []),
                   media=media,
                   media_sentence=guidance.media_verdicts().get(media) if media else None,
                   media_advice=(guidance.media_advice()
                                 if media in guidance.MEDIA_VERDICTS_TO_ACT_ON else None),
                   next_step=_next_step(found) if found else None,
                   appointment=appointment, teams_url=invite.teams_url if invite else None)


def _invite() -> Any:
    """This session's personal-link invite (a database row), or None."""
    invite_id = _state().get("invite")
    if invite_id is None:
        return None
    if "invite" not in g:
        with db.engine().connect() as connection:
            g.invite = invites.invite_by_id(connection, invite_id, now=datetime.now(UTC),
                                            days=current_app.config["RETENTION_DAYS"])
    return g.invite


@bp.get("/appointment.ics")
def appointment_calendar() -> Response:
    """The personal appointment as a calendar file; only for a session opened by its link."""
    invite = _invite()
    if invite is None:
        abort(404)
    body = ics.appointment_ics(
        uid=f"{invite.token_hash[:32]}@valmis",
        start=invite.appointment_at,
        minutes=current_app.config["APPOINTMENT_MINUTES"],
        summary=_("Career guidance video appointment"),
        description=" ".join(filter(None, (
            _("Open the meeting invitation in your email and join the Teams meeting. "
              "If there are technical problems, the career guidance psychologist will "
              "call you by phone."), help_line(organisation())))),
        url=invite.teams_url,
        now=datetime.now(UTC),
    )
    response = make_response(body)
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


@bp.route("/help", methods=["GET", "POST"])
def help_page() -> Response:
    """If something goes wrong: the phone call, what else to try, and "I need help"."""
    if request.method == "POST":
        if _state().get("invite") is not None:
            _save(asked_for_help=True)
            _report("help")
        return redirect(url_for("wizard.help_page"))
    return _render("wizard/help.html", asked=bool(_state().get("asked_for_help")))


@bp.route("/no-video", methods=["GET", "POST"])
def no_video() -> Response:
    """I prefer not to use video: confirm, and learn what happens next."""
    if request.method == "POST":
        if request.form.get("choice") == "video":
            _save(no_video=False)
            _report("no-video", value=False)
            return redirect(url_for("wizard.start"))
        _save(no_video=True)
        _report("no-video", value=True)
        return redirect(url_for("wizard.no_video"))
    return _render("wizard/no_video.html", confirmed=bool(_state().get("no_video")))


def title_for(step: str) -> str:
    """A step's short name, as the Ready page lists it."""
    return {
        "device": _("Your device"),
        "browser": _("Your web browser"),
        "install": _("The Teams app"),
        "checks": _("Camera, microphone, speakers and connection"),
        "join_computer": _("How to join"),
        "join_phone": _("How to join"),
        "privacy": _("Privacy and safety"),
    }.get(step, step)


bp.app_template_global("step_title")(title_for)
