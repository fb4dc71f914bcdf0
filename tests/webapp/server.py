"""A tiny sign-up/login web app for the browser tests, on stdlib ``http.server`` in a thread.

Flows (what a real SaaS does, minus passwords):

- ``/signup`` (email) → a 6-digit code mail → ``/verify`` (code) → ``/dashboard``;
- ``/login`` (email of a verified account) → a magic-link mail → ``/magic?token=…`` →
  ``/dashboard``.

Mails go out over SMTP (``smtplib``) to whatever ``smtp_port`` listens on — in the tests the
embedded SMTP front door that hands them to Dovecot's catch-all over LMTP. Codes and tokens are
single-use; a wrong code is answered 400 on the same form, as users see it.
"""

from __future__ import annotations

import html
import secrets
import smtplib
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from webapp.mails import BRAND, SENDER, code_mail, magic_link_mail

__all__ = ["SignupApp"]

_COOKIE = "acme_session"
_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;color:#24292f}"
    "form{display:grid;gap:.6rem}input{padding:.5rem;font-size:1rem}"
    "button{padding:.6rem;font-size:1rem;background:#2da44e;color:#fff;border:0;border-radius:6px}"
    ".error{color:#cf222e}"
)


def _page(title: str, body: str) -> bytes:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}'
        f" · {BRAND}</title><style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
        f"{body}</body></html>"
    ).encode()


def _email_form(action: str, button: str, error: str = "") -> str:
    err = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    return (
        f'{err}<form method="post" action="{action}"><label for="email">Email</label>'
        '<input id="email" name="email" type="email" autocomplete="email" required>'
        f'<button type="submit">{html.escape(button)}</button></form>'
    )


def _verify_form(email: str, error: str = "") -> str:
    err = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    return (
        f"<p>We sent a 6-digit code to <b>{html.escape(email)}</b>.</p>{err}"
        '<form method="post" action="/verify"><label for="code">Verification code</label>'
        '<input id="code" name="code" data-testid="otp-input" inputmode="numeric" '
        'autocomplete="one-time-code" maxlength="6" required>'
        '<button type="submit">Verify</button></form>'
    )


@dataclass
class _State:
    smtp_port: int
    base_url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    pending_codes: dict[str, tuple[str, str]] = field(default_factory=dict)  # sid → email, code
    verified: set[str] = field(default_factory=set)
    magic_tokens: dict[str, str] = field(default_factory=dict)  # token → email
    sessions: dict[str, str] = field(default_factory=dict)  # sid → signed-in email
    sent: list[tuple[str, str]] = field(default_factory=list)  # (to, what): for assertions

    def send(self, to: str, raw: bytes, what: str) -> None:
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=10) as smtp:
            smtp.sendmail(SENDER.addr_spec, [to], raw)
        with self.lock:
            self.sent.append((to, what))


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        return  # quiet: pytest shows failures, and URLs carry tokens

    # -- plumbing --------------------------------------------------------------------------

    @property
    def state(self) -> _State:
        return self.server.state

    def _sid(self) -> str | None:
        cookie = SimpleCookie(self.headers.get("Cookie", ""))
        morsel = cookie.get(_COOKIE)
        return morsel.value if morsel else None

    def _form(self) -> dict[str, str]:
        length = min(int(self.headers.get("Content-Length") or 0), 10_000)
        fields = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        return {k: v[0].strip() for k, v in fields.items() if v}

    def _send(self, status: HTTPStatus, body: bytes, *, cookie: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if cookie is not None:
            self.send_header("Set-Cookie", f"{_COOKIE}={cookie}; Path=/; HttpOnly; SameSite=Lax")
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str, *, cookie: str | None = None) -> None:
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        if cookie is not None:
            self.send_header("Set-Cookie", f"{_COOKIE}={cookie}; Path=/; HttpOnly; SameSite=Lax")
        self.end_headers()

    # -- routes ----------------------------------------------------------------------------

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/":
            body = '<p><a href="/signup">Create an account</a> · <a href="/login">Sign in</a></p>'
            self._send(HTTPStatus.OK, _page(BRAND, body))
        elif url.path == "/signup":
            form = _email_form("/signup", "Sign up")
            self._send(HTTPStatus.OK, _page("Create your account", form))
        elif url.path == "/verify":
            with self.state.lock:
                pending = self.state.pending_codes.get(self._sid() or "")
            if pending is None:
                self._redirect("/signup")
            else:
                self._send(HTTPStatus.OK, _page("Check your email", _verify_form(pending[0])))
        elif url.path == "/login":
            self._send(HTTPStatus.OK, _page("Sign in", _email_form("/login", "Email me a link")))
        elif url.path == "/magic":
            token = parse_qs(url.query).get("token", [""])[0]
            with self.state.lock:
                email = self.state.magic_tokens.pop(token, None)  # single use
            if email is None:
                body = '<p class="error">This sign-in link is invalid or was already used.</p>'
                self._send(HTTPStatus.BAD_REQUEST, _page("Link expired", body))
                return
            self._sign_in(email)
        elif url.path == "/dashboard":
            with self.state.lock:
                email = self.state.sessions.get(self._sid() or "")
            if email is None:
                self._redirect("/login")
                return
            body = (
                f'<p data-testid="welcome">Welcome, {html.escape(email)}!</p>'
                "<p>Your workspace is ready.</p>"
            )
            self._send(HTTPStatus.OK, _page("Dashboard", body))
        else:
            self._send(HTTPStatus.NOT_FOUND, _page("Not found", ""))

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        form = self._form()
        if path == "/signup":
            self._signup(form.get("email", ""))
        elif path == "/verify":
            self._verify(form.get("code", ""))
        elif path == "/login":
            self._login(form.get("email", ""))
        else:
            self._send(HTTPStatus.NOT_FOUND, _page("Not found", ""))

    def _mail(self, to: str, raw: bytes, what: str) -> bool:
        """Send over SMTP; a refusal is a 502 page (the user sees it), not a dropped socket."""
        try:
            self.state.send(to, raw, what)
        except (OSError, smtplib.SMTPException) as exc:
            reason = type(exc).__name__
            body = f'<p class="error" role="alert">Could not send the mail: {reason}</p>'
            self._send(HTTPStatus.BAD_GATEWAY, _page("Mail failed", body))
            return False
        return True

    def _signup(self, email: str) -> None:
        if "@" not in email:
            page = _page("Create your account", _email_form("/signup", "Sign up", "Enter an email"))
            self._send(HTTPStatus.BAD_REQUEST, page)
            return
        code = f"{secrets.randbelow(900_000) + 100_000}"
        sid = secrets.token_urlsafe(16)
        with self.state.lock:
            self.state.pending_codes[sid] = (email, code)
        if self._mail(email, code_mail(email, code, self.state.base_url), "code"):
            self._redirect("/verify", cookie=sid)

    def _verify(self, code: str) -> None:
        sid = self._sid() or ""
        with self.state.lock:
            pending = self.state.pending_codes.get(sid)
            ok = pending is not None and secrets.compare_digest(pending[1], code)
            if ok and pending is not None:
                del self.state.pending_codes[sid]
                self.state.verified.add(pending[0])
        if pending is None:
            self._redirect("/signup")
        elif not ok:
            page = _page("Check your email", _verify_form(pending[0], "That code is not right"))
            self._send(HTTPStatus.BAD_REQUEST, page)
        else:
            self._sign_in(pending[0])

    def _login(self, email: str) -> None:
        with self.state.lock:
            known = email in self.state.verified
        if not known:
            page = _page("Sign in", _email_form("/login", "Email me a link", "No such account"))
            self._send(HTTPStatus.BAD_REQUEST, page)
            return
        token = secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.magic_tokens[token] = email
        url = f"{self.state.base_url}/magic?token={token}"
        if not self._mail(email, magic_link_mail(email, url, self.state.base_url), "magic_link"):
            return
        body = (
            f'<p data-testid="link-sent">We emailed a sign-in link to <b>{html.escape(email)}</b>.'
            " Open it on this device.</p>"
        )
        self._send(HTTPStatus.OK, _page("Check your email", body))

    def _sign_in(self, email: str) -> None:
        sid = secrets.token_urlsafe(16)
        with self.state.lock:
            self.state.sessions[sid] = email
        self._redirect("/dashboard", cookie=sid)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: _State) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


class SignupApp:
    """The app on a free loopback port; a context manager (serve thread, then shutdown)."""

    def __init__(self, smtp_port: int) -> None:
        self.state = _State(smtp_port=smtp_port)
        self._server = _Server(self.state)
        self.state.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )

    @property
    def url(self) -> str:
        return self.state.base_url

    @property
    def sent(self) -> list[tuple[str, str]]:
        with self.state.lock:
            return list(self.state.sent)

    def __enter__(self) -> SignupApp:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
