"""The output schemas of the MCP tools (``outputSchema`` in ``tools/list``).

The fields are those of :mod:`bridge.sdk.results` — the one JSON shape of SDK, HTTP and MCP
results — plus what a wait that ended empty says instead (``status``, ``mails_arrived``,
``hint``). The models only describe and check: the tools send the results' dicts as they are,
so a field the results module adds later reaches the client too.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "DeletedOut",
    "EmailOut",
    "EmailsOut",
    "InboxOut",
    "LinkWaitOut",
    "MessageOut",
    "OtpWaitOut",
    "TotpOut",
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class MessageOut(_Out):
    """The mail a result came from."""

    id: str = Field(description="the message key")
    from_: str = Field(alias="from", description="the From header")
    from_address: str = ""
    subject: str = ""
    received_at: str | None = Field(default=None, description="ISO-8601 UTC")
    sender_auth: str | None = Field(
        default=None, description="pass/fail/none: did the receiving server authenticate From"
    )


class InboxOut(_Out):
    id: str = Field(description="pass this as inbox_id to the other tools")
    email: str = Field(description="the address to type into the sign-up or login form")
    expires_at: str = Field(description="ISO-8601 UTC; the inbox and its mail vanish then")
    created_at: str | None = None
    allowed_senders: list[str] = []
    label: str | None = None


class _WaitOut(_Out):
    status: Literal["ok", "timeout"] = Field(
        description="ok: the result fields are set; timeout: nothing to return arrived in time"
    )
    waited_s: float | None = Field(default=None, description="how long this call waited")
    mails_arrived: int | None = Field(
        default=None, description="on timeout: mails that reached the inbox while waiting"
    )
    hint: str | None = Field(default=None, description="on timeout: what to do next")
    note: str | None = Field(default=None, description="e.g. that the timeout was capped")


class OtpWaitOut(_WaitOut):
    code: str | None = Field(default=None, description="what to type: digits/letters only")
    code_display: str | None = Field(default=None, description="the code as the mail shows it")
    expires_in_s: int | None = Field(
        default=None, description="seconds until the code expires, if the mail says"
    )
    expires_at: str | None = None
    confidence: float | None = None
    message: MessageOut | None = None


class LinkWaitOut(_WaitOut):
    url: str | None = Field(default=None, description="the link to open (single use)")
    kind: str | None = Field(default=None, description="magic_link, confirm_link or reset_link")
    confidence: float | None = None
    message: MessageOut | None = None


class EmailOut(_Out):
    message: MessageOut
    text: str = Field(description="the plain-text body (cut at the limit, see text_truncated)")
    text_truncated: bool = False
    extraction: dict[str, object] | None = Field(
        default=None, description="what the extractor found (null until extracted)"
    )
    reasons: list[str] = []
    handed_out: list[dict[str, object]] = []


class EmailsOut(_Out):
    inbox_id: str
    count: int
    emails: list[EmailOut] = Field(description="newest first")


class DeletedOut(_Out):
    id: str
    deleted: bool


class TotpOut(_Out):
    code: str = Field(description="the current authenticator code")
