"""The otpbridge MCP server: six tools for an LLM agent that must receive e-mail codes and links.

The same server runs on stdio (``otpbridge mcp``) and over streamable HTTP on ``serve``
(:mod:`bridge.mcp.http`); ``backend_for`` picks the backend per call — one fixed backend on
stdio, the caller's principal-scoped one on HTTP. Results are structured (``structuredContent``
with an ``outputSchema``, :mod:`bridge.mcp.schemas`) and repeated as JSON text for clients that
read only text. Expected failures (unknown inbox, bad arguments, a broken pipeline) come back as
tool errors whose text says what to do, never as a crash.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Final, Literal, TypeVar

import redis
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from otpbridge.bridge.errors import (
    BridgeError,
    ExtractionFailedError,
    InboxNotFoundError,
    PipelineError,
)
from otpbridge.bridge.mcp.backend import Backend, NothingArrived
from otpbridge.bridge.mcp.schemas import (
    DeletedOut,
    EmailsOut,
    InboxOut,
    LinkWaitOut,
    OtpWaitOut,
    TotpOut,
)
from otpbridge.bridge.sdk.wire import check_inbox_id
from otpbridge.bridge.totp import totp as totp_code

__all__ = [
    "DEFAULT_TIMEOUT_S",
    "MAX_TIMEOUT_S",
    "TOOL_NAMES",
    "BackendFor",
    "bound_timeout",
    "build_server",
]

#: Below the idle limits of common proxies (60 s), as serve's long-poll default.
DEFAULT_TIMEOUT_S: Final = 55.0
MAX_TIMEOUT_S: Final = 120.0
#: list_emails cuts each text body here: an LLM's context is the scarce resource.
TEXT_LIMIT: Final = 4000
TOOL_NAMES: Final = (
    "create_inbox",
    "wait_for_otp",
    "wait_for_link",
    "list_emails",
    "delete_inbox",
    "totp",
)

BackendFor = Callable[[Context], Backend]
_T = TypeVar("_T")

INSTRUCTIONS: Final = """\
otpbridge gives you disposable e-mail inboxes and hands you the verification codes and links
that arrive in them. Typical sign-up or login: create_inbox -> type its `email` into the form
and submit -> wait_for_otp(inbox_id) (or wait_for_link for a "click to confirm" mail) -> enter
the `code` (or open the `url`). A code or link is handed out ONCE: a second wait returns only a
newer one, so ask the site to resend if you lost it. A `timeout` status is not an error: read
its `hint` and call again. delete_inbox when done."""

InboxId = Annotated[str, Field(description="the `id` that create_inbox returned")]
Timeout = Annotated[
    float,
    Field(
        ge=0,
        description=(
            f"seconds to wait (default {DEFAULT_TIMEOUT_S:g}, at most {MAX_TIMEOUT_S:g}: larger "
            "values are cut to the limit and the result's `note` says so)"
        ),
    ),
]
LinkKind = Literal["any", "magic_link", "confirm_link", "reset_link"]


def bound_timeout(timeout: float) -> tuple[float, str | None]:
    """The timeout to wait and, when it was cut to :data:`MAX_TIMEOUT_S`, a note saying so."""
    if timeout <= MAX_TIMEOUT_S:
        return timeout, None
    return MAX_TIMEOUT_S, (
        f"timeout {timeout:g} s is above the limit of {MAX_TIMEOUT_S:g} s: waited "
        f"{MAX_TIMEOUT_S:g} s; call again to keep waiting"
    )


def _result(data: dict[str, Any]) -> CallToolResult:
    """Structured content plus the same JSON as text (for clients that show only text)."""
    text = json.dumps(data, ensure_ascii=False)
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)


async def _guard(call: Awaitable[_T]) -> _T:
    """The backend's expected failures as tool errors the LLM can act on."""
    try:
        return await call
    except InboxNotFoundError as exc:
        raise ToolError(
            f"{exc}. Check the inbox_id, or make a new inbox with create_inbox."
        ) from exc
    except ExtractionFailedError as exc:
        raise ToolError(
            f"{exc}. A mail reached the inbox but could not be read: list_emails shows it; ask "
            "the site to resend, then wait again."
        ) from exc
    except PipelineError as exc:
        raise ToolError(
            f"{exc}. Waiting longer will not help: the operator has to fix the mail pipeline "
            "(`otpbridge doctor`)."
        ) from exc
    except (BridgeError, ValueError) as exc:
        raise ToolError(str(exc)) from exc
    except redis.RedisError as exc:
        raise ToolError(f"Redis is unreachable or refused the call ({type(exc).__name__})") from exc


def _checked(inbox_id: str) -> str:
    try:
        return check_inbox_id(inbox_id.strip())
    except InboxNotFoundError as exc:
        raise ToolError(f"{exc}: pass the `id` that create_inbox returned") from exc


def _nothing(
    what: str, nothing: NothingArrived, waited: float, note: str | None, retry: str
) -> dict[str, Any]:
    if nothing.mails_arrived == 0:
        hint = (
            f"No mail reached this inbox in {waited:g} s. Check that the form was submitted "
            f"with this inbox's address (and accepted), ask the site to resend if needed, then "
            f"call {retry} again. Nothing was consumed."
        )
    else:
        hint = (
            f"{nothing.mails_arrived} mail(s) arrived but carried no {what} not already handed "
            f"out (or came from a sender outside allowed_senders). Call list_emails to read "
            f"them (the site may have sent a {'link' if what == 'code' else 'code'} instead), "
            f"or call {retry} again."
        )
    out: dict[str, Any] = {
        "status": "timeout",
        "waited_s": waited,
        "mails_arrived": nothing.mails_arrived,
        "hint": hint,
    }
    if note:
        out["note"] = note
    return out


def _found(found: dict[str, Any], waited: float, note: str | None) -> dict[str, Any]:
    out = {"status": "ok", **found, "waited_s": round(waited, 3)}
    if note:
        out["note"] = note
    return out


def _email(email: dict[str, Any]) -> dict[str, Any]:
    """One mail for an LLM's context: text only, cut at :data:`TEXT_LIMIT`."""
    out = {k: v for k, v in email.items() if k != "html"}
    text = str(email.get("text") or "")
    out["text"] = text[:TEXT_LIMIT]
    out["text_truncated"] = len(text) > TEXT_LIMIT
    return out


def build_server(backend_for: BackendFor, *, version: str = "") -> MCPServer:
    """The MCP server with the six tools; ``backend_for(ctx)`` is the backend of one call (it
    may raise :class:`ToolError`, e.g. when the caller's token does not reach an inbox)."""
    server: MCPServer = MCPServer(
        "otpbridge", instructions=INSTRUCTIONS, version=version, log_level="WARNING"
    )

    async def create_inbox(
        ctx: Context,
        ttl: Annotated[
            float, Field(gt=0, description="lifetime in seconds (default 3600)")
        ] = 3600.0,
        allowed_senders: Annotated[
            list[str] | None,
            Field(
                description=(
                    "optional: domains or addresses (e.g. ['github.com']) whose mail may "
                    "satisfy a wait; mail from anyone else is kept but never returned"
                )
            ),
        ] = None,
        label: Annotated[
            str | None, Field(max_length=200, description="optional note for operators")
        ] = None,
    ) -> Annotated[CallToolResult, InboxOut]:
        backend = backend_for(ctx)
        return _result(await _guard(backend.create_inbox(ttl, allowed_senders, label)))

    async def wait_for_otp(
        ctx: Context, inbox_id: InboxId, timeout: Timeout = DEFAULT_TIMEOUT_S
    ) -> Annotated[CallToolResult, OtpWaitOut]:
        inbox_id = _checked(inbox_id)
        backend = backend_for(ctx)
        wait_s, note = bound_timeout(timeout)
        started = time.monotonic()
        found = await _guard(backend.wait_for_otp(inbox_id, wait_s))
        if isinstance(found, NothingArrived):
            return _result(_nothing("code", found, wait_s, note, "wait_for_otp"))
        return _result(_found(found, time.monotonic() - started, note))

    async def wait_for_link(
        ctx: Context,
        inbox_id: InboxId,
        kind: Annotated[
            LinkKind,
            Field(description="which link to wait for; `any` takes the first of any kind"),
        ] = "any",
        timeout: Timeout = DEFAULT_TIMEOUT_S,
    ) -> Annotated[CallToolResult, LinkWaitOut]:
        inbox_id = _checked(inbox_id)
        backend = backend_for(ctx)
        wait_s, note = bound_timeout(timeout)
        started = time.monotonic()
        found = await _guard(backend.wait_for_link(inbox_id, kind, wait_s))
        if isinstance(found, NothingArrived):
            return _result(_nothing("link", found, wait_s, note, "wait_for_link"))
        return _result(_found(found, time.monotonic() - started, note))

    async def list_emails(ctx: Context, inbox_id: InboxId) -> Annotated[CallToolResult, EmailsOut]:
        inbox_id = _checked(inbox_id)
        emails = await _guard(backend_for(ctx).list_emails(inbox_id))
        out = [_email(e) for e in emails]
        return _result({"inbox_id": inbox_id, "count": len(out), "emails": out})

    async def delete_inbox(
        ctx: Context, inbox_id: InboxId
    ) -> Annotated[CallToolResult, DeletedOut]:
        inbox_id = _checked(inbox_id)
        await _guard(backend_for(ctx).delete_inbox(inbox_id))
        return _result({"id": inbox_id, "deleted": True})

    async def totp(
        secret: Annotated[
            str,
            Field(
                min_length=1,
                max_length=2000,
                description="the base32 secret (e.g. JBSWY3DPEHPK3PXP) or otpauth://totp/ URI",
            ),
        ],
    ) -> Annotated[CallToolResult, TotpOut]:
        # Computed here, never sent anywhere: the secret stays on this machine.
        try:
            return _result({"code": totp_code(secret)})
        except BridgeError as exc:
            raise ToolError(str(exc)) from exc

    def add(fn: Callable[..., Any], hints: ToolAnnotations) -> None:
        server.add_tool(
            fn,
            name=fn.__name__,
            description=_DESCRIPTIONS[fn.__name__],
            annotations=hints,
            structured_output=True,
        )

    # wait_* consume what they return (not read-only) but destroy nothing else.
    add(create_inbox, ToolAnnotations(read_only_hint=False, destructive_hint=False))
    add(wait_for_otp, ToolAnnotations(read_only_hint=False, destructive_hint=False))
    add(wait_for_link, ToolAnnotations(read_only_hint=False, destructive_hint=False))
    add(list_emails, ToolAnnotations(read_only_hint=True))
    add(delete_inbox, ToolAnnotations(destructive_hint=True, idempotent_hint=False))
    add(totp, ToolAnnotations(read_only_hint=True, open_world_hint=False))
    return server


_DESCRIPTIONS: Final = {
    "create_inbox": (
        "Create a disposable inbox. Returns {id, email, expires_at}: type `email` into the "
        "site's form; pass `id` as inbox_id to wait_for_otp / wait_for_link / list_emails / "
        "delete_inbox. Create the inbox before submitting the form (mail sent before it "
        "exists is not delivered to it)."
    ),
    "wait_for_otp": (
        "Wait for a verification code in the inbox and return it: {status: 'ok', code, "
        "code_display, expires_in_s, message: {from, subject, received_at}}. Type `code` "
        "(not code_display) into the site. Returns at once if a code is already there. A "
        "code is handed out ONCE: a later call returns only a newer code (ask the site to "
        "resend if you lost it). If nothing arrives within `timeout` seconds (default 55, max "
        "120) the result is {status: 'timeout', mails_arrived, hint} - not an error: follow "
        "the hint and call again."
    ),
    "wait_for_link": (
        "Wait for a verification link (magic login, e-mail confirmation or password reset) "
        "and return it: {status: 'ok', url, kind, message}. Open `url` once (it is usually "
        "single use). Handed out ONCE, like codes. kind narrows the wait (default any). On "
        "timeout: {status: 'timeout', mails_arrived, hint}; follow the hint and call again."
    ),
    "list_emails": (
        "List the mails stored in the inbox, newest first: sender, subject, plain text "
        "(cut at 4000 characters), what the extractor found and why, and which codes/links "
        "were already handed out. Reads only: consumes nothing. Use it when a wait timed out "
        "with mails_arrived > 0 or to read a mail yourself."
    ),
    "delete_inbox": (
        "Delete the inbox and all its mail now (inboxes also expire by themselves at "
        "expires_at). Returns {id, deleted: true}; an unknown or already deleted inbox is "
        "an error."
    ),
    "totp": (
        "The current 6-digit code of an authenticator-app (TOTP) secret, for sites that use "
        "an authenticator instead of e-mail. Pass the base32 secret or the otpauth:// URI "
        "shown at 2FA setup. Returns {code}; codes change every 30 s."
    ),
}
