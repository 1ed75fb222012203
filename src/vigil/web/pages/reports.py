"""Notice and action in the app: the public report form and status page, the moderators' triage
queue, item and decision pages, and the reports API under ``/api/v1``.

The public side needs no account: the form carries its own CSRF token (a signed cookie, as
the login form does), a honeypot field, a size limit on every field and a per-client rate
limit kept in the database. Reporters' contact details are sealed before they are stored.
Everything a moderator reads or decides is written to the audit log.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Header, Request
from fastapi import Path as FastApiPath
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError

from vigil.errors import InputError, NotFoundError, RateLimited
from vigil.reports import texts
from vigil.reports.intake import ReportIntake, Submitted, Submitter
from vigil.reports.mail import Mailer
from vigil.reports.notice import (
    CATEGORIES,
    MAX_DETAILS_CHARS,
    MAX_EMAIL_CHARS,
    MAX_EXPLANATION_CHARS,
    MAX_IDEMPOTENCY_KEY_CHARS,
    MAX_NAME_CHARS,
    MAX_PLATFORM_CHARS,
    MAX_URL_CHARS,
    MAX_URLS,
    RECEIPT_PATTERN,
    NoticeIn,
)
from vigil.reports.triage import (
    lodge_complaint,
    reporter_status,
)
from vigil.store import Store
from vigil.web import security
from vigil.web.app import render
from vigil.web.i18n import parse_accept_language
from vigil.web.permissions import Principal, public

router = APIRouter()
FLAG = "reports:flag"
FORM_COOKIE = "vigil_report_form"
FORM_LIFETIME_SECONDS = 2 * 3600
#: The honeypot: a field people never see or fill, which form-filling robots do.
HONEYPOT_FIELD = "website"
Receipt = Annotated[str, FastApiPath(pattern=RECEIPT_PATTERN, max_length=19)]


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _intake(request: Request) -> ReportIntake:
    intake: ReportIntake = request.app.state.report_intake
    return intake


def _mailer(request: Request) -> Mailer:
    mailer: Mailer = request.app.state.report_mailer
    return mailer


def _now() -> datetime:
    return datetime.now(UTC)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def public_language(request: Request) -> str:
    """``?lang=``, then the language cookie, then ``Accept-Language``, among the report form's languages."""
    for candidate in (request.query_params.get("lang"), request.cookies.get("vigil_lang")):
        if candidate and texts.resolve(candidate) == candidate.strip().lower()[:2]:
            return texts.resolve(candidate)
    for code in parse_accept_language(request.headers.get("accept-language", "")):
        resolved = texts.resolve(code)
        if resolved == code.lower().split("-")[0]:
            return resolved
    return texts.FALLBACK


def _send_ack(request: Request, tasks: BackgroundTasks, submitted: Submitted, lang: str) -> None:
    if submitted.ack_to and _mailer(request).enabled:
        mailer, intake = _mailer(request), _intake(request)

        def acknowledge() -> None:
            if submitted.ack_to and mailer.acknowledge(submitted.ack_to, lang, submitted.receipt):
                intake.mark_acknowledged(submitted.report_id)

        tasks.add_task(acknowledge)


# ---- public form and status page ---------------------------------------------------------------


def _form_page(request: Request, lang: str, *, values: dict[str, Any] | None = None, error: str | None = None, status: int = 200) -> Response:
    token = security.new_token()
    signer: security.CookieSigner = request.app.state.report_form_signer
    response = render(request, "pages/report_form.html", {
        "t": texts.texts(lang), "lang": lang, "form_languages": texts.languages(), "categories": CATEGORIES,
        "emergency": texts.emergency_lines(), "form_token": token, "values": values or {}, "error": error,
        "honeypot": HONEYPOT_FIELD, "limits": {"urls": MAX_URLS * (MAX_URL_CHARS + 1), "explanation": MAX_EXPLANATION_CHARS,
        "details": MAX_DETAILS_CHARS, "name": MAX_NAME_CHARS, "email": MAX_EMAIL_CHARS, "platform": MAX_PLATFORM_CHARS},
    }, status_code=status)
    response.set_cookie(FORM_COOKIE, signer.sign(token), max_age=FORM_LIFETIME_SECONDS, httponly=True, samesite="strict",
                        secure=request.app.state.settings.cookie_secure, path="/report")
    return response


def _form_token_ok(request: Request, given: str) -> bool:
    signer: security.CookieSigner = request.app.state.report_form_signer
    expected = signer.unsign(request.cookies.get(FORM_COOKIE, ""), FORM_LIFETIME_SECONDS)
    return bool(expected and given and hmac.compare_digest(expected, given))


@router.get("/report", include_in_schema=False, dependencies=[Depends(public())])
def report_form(request: Request) -> Response:
    return _form_page(request, public_language(request))


@router.post("/report", include_in_schema=False, dependencies=[Depends(public())])
def report_submit(
    request: Request,
    tasks: BackgroundTasks,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    lang: Annotated[str, Form(max_length=8)] = "",
    category: Annotated[str, Form(max_length=32)] = "",
    urls: Annotated[str, Form(max_length=MAX_URLS * (MAX_URL_CHARS + 2))] = "",
    explanation: Annotated[str, Form(max_length=MAX_EXPLANATION_CHARS)] = "",
    location_details: Annotated[str, Form(max_length=MAX_DETAILS_CHARS)] = "",
    reporter_name: Annotated[str, Form(max_length=MAX_NAME_CHARS)] = "",
    reporter_email: Annotated[str, Form(max_length=MAX_EMAIL_CHARS)] = "",
    platform: Annotated[str, Form(max_length=MAX_PLATFORM_CHARS)] = "",
    country: Annotated[str, Form(max_length=8)] = "",
    language: Annotated[str, Form(max_length=8)] = "",
    immediate_danger: Annotated[str, Form(max_length=8)] = "",
    good_faith: Annotated[str, Form(max_length=8)] = "",
    website: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    form_lang = texts.resolve(lang or public_language(request))
    words = texts.texts(form_lang)
    values = {"category": category, "urls": urls, "explanation": explanation, "location_details": location_details,
              "reporter_name": reporter_name, "reporter_email": reporter_email, "platform": platform, "country": country,
              "language": language, "immediate_danger": bool(immediate_danger), "good_faith": bool(good_faith)}
    if not _form_token_ok(request, csrf_token):
        return _form_page(request, form_lang, values=values, error=words["error_expired"], status=403)
    if website:
        # A robot filled the hidden field: it is thanked as anyone would be, and nothing is stored.
        return render(request, "pages/report_thanks.html", {"t": words, "lang": form_lang, "receipt": None})
    try:
        notice = NoticeIn.model_validate({**values, "urls": urls.splitlines()})
    except ValidationError:
        return _form_page(request, form_lang, values=values, error=words["error_invalid"], status=422)
    try:
        submitted = _intake(request).submit(notice, Submitter(_client(request)), reporter_language=form_lang)
    except RateLimited as exc:
        response = _form_page(request, form_lang, values=values, error=words["error_rate_limited"], status=429)
        response.headers["Retry-After"] = str(exc.details.get("retry_after", 60))
        return response
    _send_ack(request, tasks, submitted, form_lang)
    return render(request, "pages/report_thanks.html", {"t": words, "lang": form_lang, "receipt": submitted.receipt})


@router.get("/report/status", include_in_schema=False, dependencies=[Depends(public())])
def report_status_lookup(request: Request, receipt: str = "") -> Response:
    lang = public_language(request)
    code = receipt.strip().upper()[:19]
    if code:
        return RedirectResponse(f"/report/status/{code}?lang={lang}", status_code=303)
    return _status_page(request, lang, None)


def _status_page(request: Request, lang: str, status: dict[str, Any] | None, *, message: str | None = None, code: int = 200) -> Response:
    token = security.new_token()
    signer: security.CookieSigner = request.app.state.report_form_signer
    response = render(request, "pages/report_status.html", {
        "t": texts.texts(lang), "lang": lang, "form_languages": texts.languages(), "status": status,
        "message": message, "form_token": token,
    }, status_code=code)
    response.set_cookie(FORM_COOKIE, signer.sign(token), max_age=FORM_LIFETIME_SECONDS, httponly=True, samesite="strict",
                        secure=request.app.state.settings.cookie_secure, path="/report")
    return response


@router.get("/report/status/{receipt}", include_in_schema=False, dependencies=[Depends(public())])
def report_status_page(request: Request, receipt: str) -> Response:
    lang = public_language(request)
    try:
        with _store(request).session() as session:
            status = reporter_status(session, receipt[:19], _now())
    except NotFoundError:
        return _status_page(request, lang, None, message=texts.texts(lang)["error_not_found"], code=404)
    return _status_page(request, lang, status)


@router.post("/report/status/{receipt}/complaint", include_in_schema=False, dependencies=[Depends(public())])
def report_complaint_form(
    request: Request,
    receipt: Receipt,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    text: Annotated[str, Form(max_length=5000)] = "",
    lang: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    form_lang = texts.resolve(lang or public_language(request))
    words = texts.texts(form_lang)
    message = words["complaint_received"]
    code = 200
    if not _form_token_ok(request, csrf_token):
        message, code = words["error_expired"], 403
    else:
        try:
            with _store(request).session() as session:
                lodge_complaint(session, receipt, text, _now())
        except InputError:
            message, code = words["error_invalid"], 422
    with _store(request).session() as session:
        status = reporter_status(session, receipt, _now())
    return _status_page(request, form_lang, status, message=message, code=code)


# ---- public API ---------------------------------------------------------------------------------


class ReceiptOut(BaseModel):
    receipt: str


class ComplaintIn(BaseModel):
    text: str = Field(min_length=10, max_length=5000, description="Why the decision should be changed.")


@router.post("/api/v1/reports", response_model=ReceiptOut, status_code=201, tags=["reports"])
def api_submit_report(
    request: Request,
    body: NoticeIn,
    tasks: BackgroundTasks,
    principal: Annotated[Principal | None, Depends(public())],
    idempotency_key: Annotated[str | None, Header(max_length=MAX_IDEMPOTENCY_KEY_CHARS)] = None,
) -> Response:
    """Submit a notice; ``201 {"receipt"}`` once it is stored. An ``Idempotency-Key`` makes retries safe.

    Anyone may report. An organisation's API key holding ``reports:flag`` reports as a trusted flagger
    (DSA article 22): its reports come first in triage and are not rate-limited.
    """
    flagger = principal.name if principal is not None and principal.via == "api_key" and principal.can(FLAG) else None
    lang = texts.resolve(body.language or public_language(request))
    submitted = _intake(request).submit(body, Submitter(_client(request), flagger), reporter_language=lang,
                                        idempotency_key=idempotency_key or None)
    if not submitted.replayed:
        _send_ack(request, tasks, submitted, lang)
    headers = {"Idempotent-Replayed": "true"} if submitted.replayed else {}
    return JSONResponse({"receipt": submitted.receipt}, status_code=201, headers=headers, background=tasks)


@router.get("/api/v1/reports/{receipt}", tags=["reports"], dependencies=[Depends(public())])
def api_report_status(request: Request, receipt: Receipt) -> dict[str, Any]:
    """What the reporter may see: status and decision per location, and until when a complaint is open."""
    with _store(request).session() as session:
        return reporter_status(session, receipt, _now())


@router.post("/api/v1/reports/{receipt}/complaints", status_code=201, tags=["reports"], dependencies=[Depends(public())])
def api_complaint(request: Request, receipt: Receipt, body: ComplaintIn) -> dict[str, Any]:
    """Complain about the decision on a report (DSA article 20); a different moderator decides."""
    with _store(request).session() as session:
        complaint = lodge_complaint(session, receipt, body.text, _now())
        return {"status": complaint.status, "lodged_at": complaint.lodged_at.isoformat()}
