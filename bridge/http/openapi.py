"""The HTTP API's contract as an OpenAPI 3.1 document, written by hand (``GET /openapi.json``).

By hand on purpose: the contract is what DESIGN.md promises, not whatever the code happens to
accept; ``tests/test_http_openapi.py`` checks that every route of the app is in here and the
reverse. Field names are those of :mod:`otpbridge.bridge.sdk.results` (one schema for SDK,
HTTP and MCP).
"""

from __future__ import annotations

from typing import Any, Final

__all__ = ["openapi_document"]

_STR: Final = {"type": "string"}
_TIME: Final = {"type": ["string", "null"], "format": "date-time"}
_NSTR: Final = {"type": ["string", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": props}
    if required is not None:
        out["required"] = required
    return out


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


_ERRORS: Final = {
    "401": _error("no token, or a token that matches nothing"),
    "404": _error("no such inbox, or not the inbox this token is for"),
    "429": {
        **_error("rate limit; wait Retry-After seconds"),
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    },
}

_SCHEMAS: Final[dict[str, Any]] = {
    "Error": _obj(
        {
            "error": {**_STR, "description": "machine name, e.g. inbox_not_found"},
            "detail": {**_STR, "description": "for people; never a token, code or mail text"},
            "field": {**_STR, "description": "the request value that is wrong (422)"},
        },
        ["error", "detail"],
    ),
    "Message": _obj(
        {
            "id": {**_STR, "description": "message key; pass it as `after`"},
            "from": {**_STR, "description": "display form of the From header"},
            "from_address": _STR,
            "subject": _STR,
            "received_at": _TIME,
            "sender_auth": {**_NSTR, "description": "pass, fail, none or null"},
        },
        ["id", "from", "subject", "received_at"],
    ),
    "Otp": _obj(
        {
            "code": {**_STR, "description": "what to type (separators removed)"},
            "code_display": {**_STR, "description": "as the mail shows it"},
            "expires_in_s": {"type": ["integer", "null"]},
            "expires_at": _TIME,
            "confidence": {"type": "number"},
            "message": _ref("Message"),
        },
        ["code", "code_display", "expires_in_s", "confidence", "message"],
    ),
    "Link": _obj(
        {
            "url": _STR,
            "kind": {"enum": ["magic_link", "confirm_link", "reset_link"]},
            "confidence": {"type": "number"},
            "message": _ref("Message"),
        },
        ["url", "kind", "confidence", "message"],
    ),
    "Inbox": _obj(
        {
            "id": _STR,
            "email": {**_STR, "description": "the address to type into forms"},
            "created_at": _TIME,
            "expires_at": _TIME,
            "allowed_senders": {"type": "array", "items": _STR},
            "label": _NSTR,
            "webhook_url": _NSTR,
        },
        ["id", "email", "created_at", "expires_at", "allowed_senders", "label"],
    ),
    "InboxCreated": {
        "allOf": [
            _ref("Inbox"),
            _obj(
                {
                    "token": {**_STR, "description": "this inbox's bearer token, shown once"},
                    "webhook_secret": {
                        **_STR,
                        "description": "Standard Webhooks secret, shown once (with webhook_url)",
                    },
                },
                ["token"],
            ),
        ]
    },
    "InboxCreate": {
        **_obj(
            {
                "ttl": {"type": "number", "exclusiveMinimum": 0, "default": 3600},
                "allowed_senders": {"type": "array", "items": _STR},
                "label": {"type": "string", "maxLength": 200},
                "webhook_url": {"type": "string", "format": "uri"},
            }
        ),
        "additionalProperties": False,
    },
    "Verdict": _obj(
        {
            "message": _ref("Message"),
            "state": {"enum": ["pending", "extracted", "failed", "refused", "dropped"]},
            "kind": {**_NSTR, "description": "otp, magic_link, confirm_link, reset_link, none"},
            "has_code": {"type": "boolean"},
            "link_kind": _NSTR,
            "confidence": {"type": ["number", "null"]},
            "reasons": {
                "type": "array",
                "items": _STR,
                "description": "the extractor's why: chosen and best rejected code and link",
            },
            "error": {**_NSTR, "description": "why it failed or was refused"},
            "dropped": {"type": "boolean"},
            "code_handed_out": {"type": "boolean"},
            "link_handed_out": {"type": "boolean"},
            "handed_out": {"type": "array", "items": {"type": "object"}},
        },
        ["message", "state", "has_code", "reasons", "code_handed_out", "link_handed_out"],
    ),
    "Email": _obj(
        {
            "message": _ref("Message"),
            "text": _STR,
            "html": _NSTR,
            "extraction": {"type": ["object", "null"], "description": "extractor JSON (§6)"},
            "reasons": {"type": "array", "items": _STR},
            "handed_out": {"type": "array", "items": {"type": "object"}},
        },
        ["message", "text", "extraction", "reasons", "handed_out"],
    ),
}


def _inbox_param() -> dict[str, Any]:
    return {"name": "inbox_id", "in": "path", "required": True, "schema": _STR}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _wait_params() -> list[dict[str, Any]]:
    return [
        _inbox_param(),
        _query(
            "timeout",
            {"type": "number", "minimum": 0, "maximum": 120, "default": 55},
            "seconds to wait (capped at 120)",
        ),
        _query("since", _STR, "only mail received after this time (ISO-8601 or epoch seconds)"),
        _query("after", _STR, "only mail newer than this message id"),
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "schema": _STR,
            "description": "a repeat with the same key gets the same answer for 5 minutes",
        },
    ]


def _wait_op(summary: str, schema: str, extra: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "summary": summary,
        "parameters": _wait_params() + extra,
        "responses": {
            "200": _json(_ref(schema), "found; it is consumed (never returned again to anyone)"),
            "204": {
                "description": (
                    "nothing came within timeout; GET /v1/inboxes/{inbox_id}/verdicts says "
                    "what became of the mails that did arrive, and why"
                ),
                "headers": {
                    "Otpbridge-Mails-Arrived": {
                        "schema": {"type": "integer"},
                        "description": "mails that arrived in the inbox during the wait",
                    }
                },
            },
            "422": _error("a bad parameter (field names it)"),
            "503": _error("bridge down (no heartbeat) or the server is stopping"),
            **_ERRORS,
        },
    }


def _paths() -> dict[str, Any]:
    inbox = "/v1/inboxes/{inbox_id}"
    inboxes = {"type": "array", "items": _ref("Inbox")}
    return {
        "/v1/inboxes": {
            "post": {
                "summary": "create an inbox (admin)",
                "requestBody": {
                    "required": False,
                    "content": {"application/json": {"schema": _ref("InboxCreate")}},
                },
                "responses": {
                    "201": _json(_ref("InboxCreated"), "created"),
                    "403": _error("needs the admin token"),
                    "422": _error("a bad body field (field names it)"),
                    **_ERRORS,
                },
            },
            "get": {
                "summary": "live inboxes (admin)",
                "responses": {
                    "200": _json(_obj({"inboxes": inboxes}), "inboxes"),
                    "403": _error("needs the admin token"),
                    **_ERRORS,
                },
            },
        },
        inbox: {
            "parameters": [_inbox_param()],
            "get": {
                "summary": "the inbox, and per mail what the extractor made of it and why",
                "responses": {"200": _json(_ref("Inbox"), "the inbox"), **_ERRORS},
            },
            "delete": {
                "summary": "delete the inbox and every mail of it",
                "responses": {"204": {"description": "deleted"}, **_ERRORS},
            },
        },
        f"{inbox}/messages": {
            "parameters": [_inbox_param()],
            "get": {
                "summary": "stored mails, newest first, with extraction and reasons",
                "responses": {
                    "200": _json(
                        _obj({"messages": {"type": "array", "items": _ref("Email")}}), "mails"
                    ),
                    **_ERRORS,
                },
            },
        },
        f"{inbox}/verdicts": {
            "parameters": [_inbox_param()],
            "get": {
                "summary": "per recent mail, newest first: what became of it and why",
                "parameters": [
                    _query(
                        "limit",
                        {"type": "integer", "minimum": 1, "maximum": 200, "default": 10},
                        "how many of the newest mails",
                    )
                ],
                "responses": {
                    "200": _json(
                        _obj({"verdicts": {"type": "array", "items": _ref("Verdict")}}),
                        "verdicts (codes handed out masked, never a link)",
                    ),
                    "422": _error("a bad limit"),
                    **_ERRORS,
                },
            },
        },
        f"{inbox}/otp": {"get": _wait_op("wait for a code (long-poll)", "Otp", [])},
        f"{inbox}/link": {
            "get": _wait_op(
                "wait for a verification link (long-poll)",
                "Link",
                [
                    _query(
                        "kind",
                        {
                            "enum": ["any", "magic_link", "confirm_link", "reset_link"],
                            "default": "any",
                        },
                        "which kind of link",
                    )
                ],
            )
        },
        f"{inbox}/events": {
            "parameters": [_inbox_param()],
            "get": {
                "summary": "the inbox's events as Server-Sent Events (no codes or links)",
                "parameters": [
                    _query(
                        "from",
                        {"enum": ["start", "now"], "default": "start"},
                        "replay the timeline or only new events",
                    ),
                    {
                        "name": "Last-Event-ID",
                        "in": "header",
                        "required": False,
                        "schema": _STR,
                        "description": "resume after this event",
                    },
                ],
                "responses": {
                    "200": {
                        "description": "an event stream",
                        "content": {"text/event-stream": {"schema": _STR}},
                    },
                    **_ERRORS,
                },
            },
        },
        f"{inbox}/token": {
            "parameters": [_inbox_param()],
            "post": {
                "summary": "rotate the inbox token (admin or the current token)",
                "responses": {
                    "200": _json(_obj({"token": _STR}, ["token"]), "the new token"),
                    **_ERRORS,
                },
            },
        },
        f"{inbox}/webhook-secret": {
            "parameters": [_inbox_param()],
            "post": {
                "summary": "rotate the inbox's webhook signing secret",
                "responses": {
                    "200": _json(_obj({"webhook_secret": _STR}, ["webhook_secret"]), "rotated"),
                    "409": _error("the inbox has no webhook"),
                    **_ERRORS,
                },
            },
        },
        "/v1/totp": {
            "get": {
                "summary": "an authenticator (TOTP) code",
                "parameters": [
                    {
                        "name": "secret",
                        "in": "query",
                        "required": True,
                        "schema": _STR,
                        "description": "base32 secret or otpauth://totp/… URI",
                    }
                ],
                "responses": {
                    "200": _json(_obj({"code": _STR}, ["code"]), "the code"),
                    "422": _error("not a TOTP secret"),
                    **_ERRORS,
                },
            },
            "post": {
                "summary": "an authenticator (TOTP) code; the secret stays out of URLs",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _obj({"secret": _STR}, ["secret"])}},
                },
                "responses": {
                    "200": _json(_obj({"code": _STR}, ["code"]), "the code"),
                    "422": _error("not a TOTP secret"),
                    **_ERRORS,
                },
            },
        },
    }


def openapi_document(public_url: str | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "otpbridge",
            "version": "1",
            "description": (
                "Disposable inboxes for agents and long-poll waits for the codes and links "
                "mailed to them. Bearer tokens: the admin token (OTPBRIDGE_API_TOKEN) or the "
                "per-inbox token returned by POST /v1/inboxes. Every error is "
                "{error, detail}."
            ),
        },
        "paths": _paths(),
        "components": {
            "schemas": _SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }
    if public_url:
        doc["servers"] = [{"url": public_url}]
    return doc
