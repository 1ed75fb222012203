"""Logging in and out, changing one's password, and ``/api/v1/me`` for a client to see who it is."""

from __future__ import annotations

import hmac
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from vigil.errors import AuthError, InputError, PermissionDenied, RateLimited
from vigil.web import auth, security
from vigil.web.app import render
from vigil.web.i18n import N_
from vigil.web.permissions import PERMISSIONS, Principal, public, require
from vigil.web.throttle import LoginThrottle

router = APIRouter()


class Me(BaseModel):
    """The caller: account name, role, how it authenticated, and what it may do."""

    user_id: int
    name: str
    role: str
    via: str
    permissions: list[str]


#: A path on this site, in plain URL characters: browsers drop tabs and newlines and read
#: backslashes as slashes, which would turn ``/\t/host`` into ``//host``.
LOCAL_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9._~!$&'()*+,;=:@%/?#-]*")


def _safe_next(target: str | None) -> str:
    """Only a path on this site; anything else (``//host``, ``http://``) goes to the start page."""
    if not target or not LOCAL_PATH.fullmatch(target):
        return "/"
    return target


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _login_page(request: Request, next_path: str, error: str | None = None, status: int = 200) -> Response:
    token = security.new_token()
    signer: security.CookieSigner = request.app.state.login_signer
    response = render(
        request,
        "login.html",
        {"login_token": token, "next_path": next_path, "error": error},
        status_code=status,
    )
    response.set_cookie(
        auth.LOGIN_CSRF_COOKIE,
        signer.sign(token),
        max_age=int(auth.LOGIN_FORM_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.cookie_secure,
        path="/login",
    )
    return response


@router.get("/login", include_in_schema=False, dependencies=[Depends(public())])
def login_form(request: Request, next: str | None = None) -> Response:
    return _login_page(request, _safe_next(next))


@router.post("/login", include_in_schema=False, dependencies=[Depends(public())])
async def login_submit(
    request: Request,
    name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    next_path = _safe_next(next)
    signer: security.CookieSigner = request.app.state.login_signer
    expected = signer.unsign(request.cookies.get(auth.LOGIN_CSRF_COOKIE, ""), int(auth.LOGIN_FORM_LIFETIME.total_seconds()))
    if not expected or not csrf_token or not hmac.compare_digest(expected, csrf_token):
        return _login_page(request, next_path, N_("The form has expired; please try again."), status=403)
    try:
        result = await run_in_threadpool(
            auth.login, request.app.state.store, request.app.state.login_throttle, name, password, _client_ip(request)
        )
    except RateLimited as exc:
        response = _login_page(request, next_path, N_("Too many failed logins. Wait a few minutes and try again."), 429)
        throttle: LoginThrottle = request.app.state.login_throttle
        response.headers["Retry-After"] = str(exc.details.get("retry_after", throttle.window_seconds))
        return response
    except AuthError:
        return _login_page(request, next_path, N_("Wrong user name or password."), status=401)
    session_signer: security.CookieSigner = request.app.state.session_signer
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        auth.SESSION_COOKIE,
        session_signer.sign(result.token),
        max_age=int(auth.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.cookie_secure,
        path="/",
    )
    response.delete_cookie(auth.LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout", include_in_schema=False)
async def logout(request: Request, principal: Annotated[Principal, Depends(require("account:self"))]) -> Response:
    await run_in_threadpool(
        auth.logout, request.app.state.store, principal, auth.session_token(request), _client_ip(request)
    )
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        auth.SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=request.app.state.settings.cookie_secure
    )
    return response


def _account_page(request: Request, status: int = 200, **extra: Any) -> Response:
    return render(request, "account.html", {"min_length": auth.MIN_PASSWORD_LENGTH, **extra}, status_code=status)


@router.get("/account", include_in_schema=False)
def account_page(request: Request, principal: Annotated[Principal, Depends(require("account:self"))]) -> Response:
    return _account_page(request)


@router.post("/account/password", include_in_schema=False)
def change_password(
    request: Request,
    principal: Annotated[Principal, Depends(require("account:self"))],
    current_password: Annotated[str, Form(max_length=1024)],
    new_password: Annotated[str, Form(max_length=1024)],
    confirm_password: Annotated[str, Form(max_length=1024)],
) -> Response:
    """Change one's own password; every session of the account ends, so the next step is logging in."""
    if principal.via != "session":
        raise PermissionDenied("change a password in the browser, not with an API key")
    if new_password != confirm_password:
        return _account_page(request, 422, error=N_("The new passwords do not match."))
    store = request.app.state.store
    throttle: LoginThrottle = request.app.state.login_throttle
    ip = _client_ip(request)
    throttle.check(ip, principal.name)
    with store.session() as session:
        user = auth.get_user(session, principal.user_id)
        if not security.verify_password(user.password_hash, current_password):
            wrong = True
        else:
            wrong = False
            try:
                auth.set_password(session, user, new_password, actor=principal)
            except InputError:
                return _account_page(request, 422, error=N_("The new password is too short."))
    if wrong:
        throttle.failed(ip, principal.name)
        return _account_page(request, 403, error=N_("The current password is wrong."))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=request.app.state.settings.cookie_secure)
    return response


@router.get("/api/v1/me", response_model=Me, tags=["account"])
def me(principal: Annotated[Principal, Depends(require("account:self"))]) -> Me:
    """Who the caller is (session or API key) and the permissions of its role."""
    return Me(
        user_id=principal.user_id,
        name=principal.name,
        role=str(principal.role),
        via=principal.via,
        permissions=sorted(p for p, roles in PERMISSIONS.items() if principal.role in roles),
    )


@router.get("/healthz", include_in_schema=False, dependencies=[Depends(public())])
def health() -> dict[str, Any]:
    return {"status": "ok"}
