"""Settings of ``otpbridge bridge``: read once at the entry point, frozen, secrets hidden.

Sources, later wins: built-in defaults, ``OTPBRIDGE_*`` environment variables, then a TOML file
(``--config``). The TOML file may list several mailboxes (``[[mailbox]]`` tables); without it the
one mailbox is ``OTPBRIDGE_IMAP_URL``. Mailbox tables inherit the environment's per-mailbox values
(folders, after-route action, CA file, STARTTLS policy, auth method) unless they set their own.
"""

from __future__ import annotations

import importlib.util
import math
import os
import re
import socket
import tomllib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal
from urllib.parse import unquote, urlsplit

from otpbridge.bridge.errors import ConfigError
from otpbridge.worker.errors import WorkerConfigError
from otpbridge.worker.settings import check_redis_url, read_redis_url, redact_url

__all__ = [
    "AfterRoute",
    "BridgeSettings",
    "MailboxSettings",
    "OAuthSettings",
    "Secret",
    "load_settings",
    "parse_duration",
]

AuthMethod = Literal["login", "xoauth2", "m365", "google"]
Security = Literal["tls", "starttls"]
StartTls = Literal["auto", "required", "off"]

_DEFAULT_MAX_BYTES: Final = 10 * 1024 * 1024
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw]?)$")
_UNITS: Final = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
#: Upper bound of every numeric setting (seconds, ms, bytes, counts): far above any sensible
#: value, and below what ``socket.settimeout`` and ``timedelta`` overflow on.
_MAX_NUMBER: Final = 1e9


class Secret:
    """A string that never shows up in a repr, a log line or a traceback's locals dump."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class AfterRoute:
    """What happens to a routed mail in the mailbox: ``keep``, ``seen``, ``move`` or ``delete``."""

    action: Literal["keep", "seen", "move", "delete"] = "keep"
    folder: str | None = None

    @classmethod
    def parse(cls, raw: str, source: str) -> AfterRoute:
        text = raw.strip()
        if text in ("keep", "seen", "delete"):
            return cls(text)  # type: ignore[arg-type]
        if text.startswith("move:") and text[5:].strip():
            return cls("move", text[5:].strip())
        raise ConfigError(f"{source}={raw!r}: use keep, seen, move:<folder> or delete")

    def __str__(self) -> str:
        return f"move:{self.folder}" if self.action == "move" else self.action


@dataclass(frozen=True, slots=True)
class OAuthSettings:
    """Where the bridge gets OAuth2 tokens itself (``auth = m365`` or ``google``): no token file.

    Microsoft 365 takes one credential, in this order: a client secret, a certificate (PEM with
    the private key and the certificate), or a federated token file (AKS workload identity).
    """

    provider: Literal["m365", "google"]
    tenant_id: str = ""
    client_id: str = ""
    client_secret: Secret | None = None
    cert_file: Path | None = None
    cert_thumbprint: str = ""
    federated_token_file: Path | None = None
    authority: str = "https://login.microsoftonline.com"
    service_account_file: Path | None = None


@dataclass(frozen=True, slots=True)
class MailboxSettings:
    """One IMAP account and the folders the bridge watches on it."""

    name: str
    host: str
    port: int
    security: Security
    username: str
    password: Secret | None = None
    password_file: Path | None = None
    auth: AuthMethod = "login"
    starttls: StartTls = "auto"
    folders: tuple[str, ...] = ("INBOX",)
    after_route: AfterRoute = field(default_factory=AfterRoute)
    ca_file: Path | None = None
    #: This mailbox's own trusted authserv-ids (``[[mailbox]] trusted_authserv_ids``); None:
    #: the bridge-wide ``OTPBRIDGE_TRUSTED_AUTHSERV_IDS``.
    trusted_authserv_ids: frozenset[str] | None = None
    #: Tokens fetched in process (``auth = m365`` or ``google``); None: password or token file.
    oauth: OAuthSettings | None = None

    def read_password(self) -> str:
        """The password or OAuth2 token; a file is re-read on every call so rotation works."""
        if self.password_file is not None:
            try:
                return self.password_file.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(
                    f"password file {self.password_file} of mailbox {self.name}: {exc.strerror}"
                ) from None
        if self.password is None:
            raise ConfigError(f"mailbox {self.name} has no password")
        return self.password.reveal()

    def watch_names(self) -> tuple[str, ...]:
        return tuple(f"{self.name}:{folder}" for folder in self.folders)


def _default_instance_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True, slots=True)
class BridgeSettings:
    """Everything ``otpbridge bridge`` needs. Timings are seconds unless the name says ms."""

    redis_url: Secret
    address: str
    mailboxes: tuple[MailboxSettings, ...]
    prefix: str = "otpb"
    log_level: str = "INFO"
    metrics_port: int | None = None
    instance_id: str = field(default_factory=_default_instance_id)
    connect_timeout_s: float = 15.0
    read_timeout_s: float = 60.0
    idle_renew_s: float = 300.0
    heartbeat_s: float = 15.0
    fast_check_ms: int = 10
    #: Whether the operator set ``OTPBRIDGE_FAST_CHECK_MS``; if not, each mailbox's provider
    #: profile picks the rate (see :mod:`bridge.imap.provider`).
    fast_check_explicit: bool = False
    lease_ttl_s: float = 15.0
    reconnect_base_s: float = 1.0
    reconnect_max_s: float = 60.0
    auth_retry_s: float = 600.0
    #: After rejected credentials the wait starts here and doubles up to ``auth_retry_s``.
    auth_retry_base_s: float = 30.0
    max_message_bytes: int = _DEFAULT_MAX_BYTES
    since_s: float | None = None
    #: authserv-ids of the receiving MTA whose Authentication-Results headers are trusted.
    trusted_authserv_ids: frozenset[str] = frozenset()
    #: Per inbox, at most this many mails and bytes of raw mail are kept (oldest dropped).
    inbox_max_mails: int = 100
    inbox_max_bytes: int = 20 * 1024 * 1024
    #: Ingest pauses while Redis uses more than this share of its ``maxmemory``.
    redis_memory_watermark: float = 0.9
    #: ``OTPBRIDGE_IMAP_TRACE``: log imapclient's protocol lines, cut to what carries no mail.
    imap_trace: bool = False

    @property
    def redis_url_redacted(self) -> str:
        return redact_url(self.redis_url.reveal())


def parse_duration(raw: str, source: str) -> float:
    """``90``, ``90s``, ``15m``, ``12h``, ``7d``, ``2w`` → seconds."""
    match = _DURATION.match(raw.strip().lower())
    if not match:
        raise ConfigError(f"{source}={raw!r} is not a duration (e.g. 90s, 15m, 12h, 7d)")
    seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if not seconds <= _MAX_NUMBER:  # "9" * 400 is a float too: infinity
        raise ConfigError(f"{source}={raw!r} is too long a duration")
    return seconds


def _number(
    raw: object, source: str, *, minimum: float = 0.0, maximum: float = _MAX_NUMBER
) -> float:
    """``raw`` as a finite number within bounds: ``nan``, ``inf`` and ``1e400`` parse as floats
    but would fail later (``int(inf)``, ``socket.settimeout``) with a traceback."""
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigError(f"{source}={raw!r} is not a number") from None
    if not math.isfinite(value):
        raise ConfigError(f"{source}={raw!r} is not a finite number")
    if value < minimum:
        raise ConfigError(f"{source}={value:g} must be >= {minimum:g}")
    if value > maximum:
        raise ConfigError(f"{source}={value:g} must be <= {maximum:g}")
    return value


def _address_template(raw: str, source: str) -> str:
    text = raw.strip()
    if text.count("{id}") != 1 or "@" not in text or text.count("@") != 1:
        raise ConfigError(
            f"{source}={raw!r}: the address template needs exactly one {{id}} and one @, "
            "e.g. agents+{id}@corp.example or {id}@agents.corp.example"
        )
    return text


#: RFC 6154 special-use attributes a folder may be named by (``\\Junk``), found via LIST.
SPECIAL_USE: Final = (
    "\\All",
    "\\Archive",
    "\\Drafts",
    "\\Flagged",
    "\\Junk",
    "\\Sent",
    "\\Trash",
)


def _folder(name: str, source: str) -> str:
    """A folder name; ``\\junk`` → ``\\Junk`` (a special-use attribute, resolved on connect)."""
    if not name.startswith("\\"):
        return name
    for attr in SPECIAL_USE:
        if attr.lower() == name.lower():
            return attr
    raise ConfigError(
        f"{source}: {name!r} is not a special-use folder; use one of {' '.join(SPECIAL_USE)}"
    )


def _folders(raw: object, source: str) -> tuple[str, ...]:
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple):
        raise ConfigError(f"{source} must be a comma-separated string or a list of folder names")
    folders = tuple(_folder(str(f).strip(), source) for f in items if str(f).strip())
    if not folders:
        raise ConfigError(f"{source} names no folder")
    return folders


def trusted_ids(raw: object, source: str) -> frozenset[str]:
    """Trusted authserv-ids from a comma-separated string or a list, lower-cased."""
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple):
        raise ConfigError(f"{source} must be a comma-separated string or a list of authserv-ids")
    return frozenset(str(part).strip().lower() for part in items if str(part).strip())


def _starttls(raw: str, source: str) -> StartTls:
    text = raw.strip().lower()
    if text == "auto":
        return "auto"
    if text == "required":
        return "required"
    if text == "off":
        return "off"
    raise ConfigError(f"{source}={raw!r}: use auto, required or off")


def _auth(raw: str, source: str) -> AuthMethod:
    text = raw.strip().lower()
    if text == "login":
        return "login"
    if text == "xoauth2":
        return "xoauth2"
    if text == "m365":
        return "m365"
    if text == "google":
        return "google"
    raise ConfigError(f"{source}={raw!r}: use login, xoauth2, m365 or google")


def _file(opts: Mapping[str, Any], key: str, what: str, source: str) -> Path | None:
    if not opts.get(key):
        return None
    path = Path(str(opts[key]))
    if not path.is_file():
        raise ConfigError(f"{what} {path} ({source}) does not exist")
    return path


def _oauth(auth: AuthMethod, opts: Mapping[str, Any], source: str) -> OAuthSettings | None:
    """The token provider of ``auth = m365`` or ``google``; its library is an extra."""
    if auth not in ("m365", "google"):
        return None
    library = "msal" if auth == "m365" else "google-auth"
    if importlib.util.find_spec("msal" if auth == "m365" else "google") is None:
        raise ConfigError(
            f"OTPBRIDGE_IMAP_AUTH={auth} needs {library}: pip install 'otpbridge[{auth}]'"
        )
    if auth == "google":
        account = _file(opts, "google_service_account_file", "service account file", source)
        if account is None:
            raise ConfigError(
                f"{source}: OTPBRIDGE_IMAP_AUTH=google needs OTPBRIDGE_GOOGLE_SERVICE_ACCOUNT_FILE "
                "(the JSON key of a service account with domain-wide delegation)"
            )
        return OAuthSettings("google", service_account_file=account)
    tenant = str(opts.get("m365_tenant_id", "")).strip()
    client = str(opts.get("m365_client_id", "")).strip()
    if not tenant or not client:
        raise ConfigError(
            f"{source}: OTPBRIDGE_IMAP_AUTH=m365 needs OTPBRIDGE_M365_TENANT_ID and "
            "OTPBRIDGE_M365_CLIENT_ID (the app registration)"
        )
    secret = str(opts.get("m365_client_secret", ""))
    secret_file = _file(opts, "m365_client_secret_file", "client secret file", source)
    if secret_file is not None:
        try:
            secret = secret_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"client secret file {secret_file}: {exc.strerror}") from None
    cert = _file(opts, "m365_cert_file", "certificate file", source)
    federated = _file(opts, "m365_federated_token_file", "federated token file", source)
    if not secret and cert is None and federated is None:
        raise ConfigError(
            f"{source}: OTPBRIDGE_IMAP_AUTH=m365 needs a credential: "
            "OTPBRIDGE_M365_CLIENT_SECRET(_FILE), OTPBRIDGE_M365_CERT_FILE or "
            "OTPBRIDGE_M365_FEDERATED_TOKEN_FILE"
        )
    authority = str(opts.get("m365_authority") or "https://login.microsoftonline.com").strip()
    if not authority.startswith("https://"):
        raise ConfigError(f"OTPBRIDGE_M365_AUTHORITY={authority!r} must be an https:// URL")
    return OAuthSettings(
        "m365",
        tenant_id=tenant,
        client_id=client,
        client_secret=Secret(secret) if secret else None,
        cert_file=None if secret else cert,
        cert_thumbprint=str(opts.get("m365_cert_thumbprint", "")).replace(":", "").strip(),
        federated_token_file=None if secret or cert else federated,
        authority=authority.rstrip("/"),
    )


def _mailbox(
    url: str, source: str, table: Mapping[str, Any], base: Mapping[str, Any]
) -> MailboxSettings:
    """One mailbox from its URL; ``table`` (TOML) overrides ``base`` (environment)."""
    opts = {**base, **{k: v for k, v in table.items() if k != "url"}}
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:  # "[::1/INBOX": an unclosed or invalid IPv6 literal
        raise ConfigError(
            f"{source} is not a valid URL: {exc} (an IPv6 host goes in brackets: imaps://u@[::1]/)"
        ) from None
    if parts.scheme not in ("imap", "imaps"):
        raise ConfigError(
            f"{source} must start with imaps:// (TLS) or imap:// (STARTTLS or loopback plain), "
            f"e.g. imaps://user%40corp.example@imap.corp.example/INBOX"
        )
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"{source} has an invalid port") from None
    host = parts.hostname
    if not host:
        raise ConfigError(f"{source} names no host")
    if not parts.username:
        raise ConfigError(f"{source} names no user (imaps://USER@host/; percent-encode @ as %40)")
    username = unquote(parts.username)
    password: Secret | None = Secret(unquote(parts.password)) if parts.password else None
    password_file: Path | None = None
    if opts.get("password"):
        password = Secret(str(opts["password"]))
    if opts.get("password_file"):
        password_file = Path(str(opts["password_file"]))
        if not password_file.is_file():
            raise ConfigError(f"password file {password_file} ({source}) does not exist")
    auth = _auth(str(opts.get("auth") or "login"), f"{source} auth")
    oauth = _oauth(auth, opts, source)
    if password is None and password_file is None and oauth is None:
        raise ConfigError(
            f"{source}: no password; put it in the URL (percent-encoded), "
            "OTPBRIDGE_IMAP_PASSWORD or OTPBRIDGE_IMAP_PASSWORD_FILE"
        )
    path_folder = unquote(parts.path.lstrip("/"))
    if opts.get("folders"):
        folders = _folders(opts["folders"], f"{source} folders")
    elif path_folder:
        folders = (path_folder,)
    else:
        folders = ("INBOX",)
    ca_file: Path | None = None
    if opts.get("ca_file"):
        ca_file = Path(str(opts["ca_file"]))
        if not ca_file.is_file():
            raise ConfigError(f"CA file {ca_file} ({source}) does not exist")
    after = opts.get("after_route")
    after_route = AfterRoute.parse(str(after), f"{source} after_route") if after else AfterRoute()
    if after_route.folder is not None and after_route.folder in folders:
        raise ConfigError(f"{source}: move:{after_route.folder} targets a watched folder")
    name = str(opts.get("name") or f"{username}@{host}")
    trusted = table.get("trusted_authserv_ids")
    return MailboxSettings(
        name=name,
        host=host,
        port=port or (993 if parts.scheme == "imaps" else 143),
        security="tls" if parts.scheme == "imaps" else "starttls",
        username=username,
        password=password,
        password_file=password_file,
        auth=auth,
        starttls=_starttls(str(opts.get("starttls") or "auto"), f"{source} starttls"),
        folders=folders,
        after_route=after_route,
        ca_file=ca_file,
        oauth=oauth,
        trusted_authserv_ids=(
            trusted_ids(trusted, f"{source} trusted_authserv_ids") if trusted is not None else None
        ),
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"--config {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"--config {path}: invalid TOML: {exc}") from None


_ENV_MAILBOX_KEYS: Final = {
    "OTPBRIDGE_IMAP_PASSWORD": "password",
    "OTPBRIDGE_IMAP_PASSWORD_FILE": "password_file",
    "OTPBRIDGE_FOLDERS": "folders",
    "OTPBRIDGE_AFTER_ROUTE": "after_route",
    "OTPBRIDGE_TLS_CA_FILE": "ca_file",
    "OTPBRIDGE_IMAP_STARTTLS": "starttls",
    "OTPBRIDGE_IMAP_AUTH": "auth",
    # AKS workload identity injects the AZURE_* names; the OTPBRIDGE_* ones (later) win.
    "AZURE_TENANT_ID": "m365_tenant_id",
    "AZURE_CLIENT_ID": "m365_client_id",
    "AZURE_FEDERATED_TOKEN_FILE": "m365_federated_token_file",
    "AZURE_AUTHORITY_HOST": "m365_authority",
    "OTPBRIDGE_M365_TENANT_ID": "m365_tenant_id",
    "OTPBRIDGE_M365_CLIENT_ID": "m365_client_id",
    "OTPBRIDGE_M365_CLIENT_SECRET": "m365_client_secret",
    "OTPBRIDGE_M365_CLIENT_SECRET_FILE": "m365_client_secret_file",
    "OTPBRIDGE_M365_CERT_FILE": "m365_cert_file",
    "OTPBRIDGE_M365_CERT_THUMBPRINT": "m365_cert_thumbprint",
    "OTPBRIDGE_M365_FEDERATED_TOKEN_FILE": "m365_federated_token_file",
    "OTPBRIDGE_M365_AUTHORITY": "m365_authority",
    "OTPBRIDGE_GOOGLE_SERVICE_ACCOUNT_FILE": "google_service_account_file",
}

#: Global numeric knobs: environment variable → (settings field, TOML key, minimum).
_ENV_NUMBERS: Final = {
    "OTPBRIDGE_IMAP_CONNECT_TIMEOUT": ("connect_timeout_s", "connect_timeout", 1.0),
    "OTPBRIDGE_IMAP_READ_TIMEOUT": ("read_timeout_s", "read_timeout", 1.0),
    "OTPBRIDGE_IDLE_RENEW": ("idle_renew_s", "idle_renew", 1.0),
    "OTPBRIDGE_HEARTBEAT_INTERVAL": ("heartbeat_s", "heartbeat_interval", 0.5),
    "OTPBRIDGE_FAST_CHECK_MS": ("fast_check_ms", "fast_check_ms", 0.0),
    "OTPBRIDGE_LEASE_TTL": ("lease_ttl_s", "lease_ttl", 1.0),
    "OTPBRIDGE_RECONNECT_MAX": ("reconnect_max_s", "reconnect_max", 0.1),
    "OTPBRIDGE_AUTH_RETRY": ("auth_retry_s", "auth_retry", 1.0),
    "OTPBRIDGE_AUTH_RETRY_BASE": ("auth_retry_base_s", "auth_retry_base", 0.1),
    "OTPBRIDGE_MAX_MESSAGE_BYTES": ("max_message_bytes", "max_message_bytes", 1024.0),
    "OTPBRIDGE_INBOX_MAX_MAILS": ("inbox_max_mails", "inbox_max_mails", 1.0),
    "OTPBRIDGE_INBOX_MAX_BYTES": ("inbox_max_bytes", "inbox_max_bytes", 1024.0),
    "OTPBRIDGE_REDIS_MEMORY_WATERMARK": (
        "redis_memory_watermark",
        "redis_memory_watermark",
        0.05,
    ),
}
_INT_FIELDS: Final = frozenset(
    {"fast_check_ms", "max_message_bytes", "inbox_max_mails", "inbox_max_bytes"}
)


def _imap_url_from_env(env: Mapping[str, str]) -> tuple[str, str]:
    """``OTPBRIDGE_IMAP_URL``, else the contents of the file ``OTPBRIDGE_IMAP_URL_FILE`` names
    (Kubernetes secrets: the URL may hold the password); with the variable it came from."""
    url = env.get("OTPBRIDGE_IMAP_URL", "").strip()
    url_file = env.get("OTPBRIDGE_IMAP_URL_FILE", "").strip()
    if url or not url_file:
        return url, "OTPBRIDGE_IMAP_URL"
    try:
        text = Path(url_file).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"OTPBRIDGE_IMAP_URL_FILE={url_file!r}: {exc.strerror}") from None
    if not text:
        raise ConfigError(f"OTPBRIDGE_IMAP_URL_FILE={url_file!r} is empty")
    return text, "OTPBRIDGE_IMAP_URL_FILE"


def load_settings(
    env: Mapping[str, str] | None = None,
    config: Path | None = None,
    since: str | None = None,
) -> BridgeSettings:
    """Build the settings or raise :class:`ConfigError` naming the variable and the fix."""
    env = os.environ if env is None else env
    toml = _read_toml(config) if config is not None else {}
    src = f"--config {config}" if config is not None else "environment"

    def pick(env_name: str, toml_key: str) -> str:
        value = toml.get(toml_key)
        return str(value) if value is not None else env.get(env_name, "").strip()

    try:
        if toml.get("redis_url") is not None:
            redis_url = check_redis_url(str(toml["redis_url"]).strip(), f"{src} redis_url")
        else:
            redis_url = read_redis_url(env)
    except WorkerConfigError as exc:
        raise ConfigError(str(exc)) from None

    address = pick("OTPBRIDGE_ADDRESS", "address")
    if not address:
        raise ConfigError(
            "OTPBRIDGE_ADDRESS is not set: the address template, "
            "e.g. agents+{id}@corp.example or {id}@agents.corp.example"
        )
    address = _address_template(address, "OTPBRIDGE_ADDRESS")

    base = {key: env[name].strip() for name, key in _ENV_MAILBOX_KEYS.items() if env.get(name)}
    tables = toml.get("mailbox", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError(f"{src}: 'mailbox' must be an array of tables ([[mailbox]])")
    mailboxes: list[MailboxSettings] = []
    if tables:
        for i, table in enumerate(tables):
            if not table.get("url"):
                raise ConfigError(f"{src}: [[mailbox]] #{i + 1} has no url")
            mailboxes.append(_mailbox(str(table["url"]), f"[[mailbox]] #{i + 1} url", table, base))
    else:
        url, url_source = _imap_url_from_env(env)
        if not url:
            raise ConfigError(
                "OTPBRIDGE_IMAP_URL is not set (e.g. imaps://agents%40corp.example@imap.corp"
                ".example/INBOX; or OTPBRIDGE_IMAP_URL_FILE) and no --config file lists a "
                "[[mailbox]]"
            )
        mailboxes.append(_mailbox(url, url_source, {}, base))
    names = [w for m in mailboxes for w in m.watch_names()]
    if len(set(names)) != len(names):
        raise ConfigError(f"{src}: a mailbox folder is listed twice; give mailboxes distinct names")

    numbers: dict[str, Any] = {}
    for env_name, (attr, toml_key, minimum) in _ENV_NUMBERS.items():
        raw = pick(env_name, toml_key)
        if raw:
            value = _number(raw, env_name if toml_key not in toml else toml_key, minimum=minimum)
            numbers[attr] = int(value) if attr in _INT_FIELDS else value

    metrics_raw = pick("OTPBRIDGE_METRICS_PORT", "metrics_port")
    metrics_port = int(_number(metrics_raw, "OTPBRIDGE_METRICS_PORT")) if metrics_raw else None
    if metrics_port is not None and metrics_port > 65535:
        raise ConfigError(f"OTPBRIDGE_METRICS_PORT={metrics_port} is not a port")

    level = (pick("OTPBRIDGE_LOG_LEVEL", "log_level") or "INFO").upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(f"OTPBRIDGE_LOG_LEVEL={level!r}: use DEBUG, INFO, WARNING or ERROR")
    trace = (pick("OTPBRIDGE_IMAP_TRACE", "imap_trace") or "0").strip().lower()
    if trace not in ("0", "1", "false", "true", "no", "yes", "off", "on"):
        raise ConfigError(f"OTPBRIDGE_IMAP_TRACE={trace!r}: use 1 or 0")

    settings = BridgeSettings(
        redis_url=Secret(redis_url),
        address=address,
        mailboxes=tuple(mailboxes),
        prefix=pick("OTPBRIDGE_PREFIX", "prefix") or "otpb",
        log_level=level,
        imap_trace=trace in ("1", "true", "yes", "on"),
        metrics_port=metrics_port or None,
        since_s=parse_duration(since, "--since") if since else None,
        trusted_authserv_ids=trusted_ids(
            toml["trusted_authserv_ids"]
            if isinstance(toml.get("trusted_authserv_ids"), list)
            else pick("OTPBRIDGE_TRUSTED_AUTHSERV_IDS", "trusted_authserv_ids"),
            "OTPBRIDGE_TRUSTED_AUTHSERV_IDS",
        ),
        fast_check_explicit="fast_check_ms" in numbers,
        **numbers,
    )
    if settings.lease_ttl_s > 25:
        raise ConfigError("OTPBRIDGE_LEASE_TTL must be <= 25 s: a standby takes over within 30 s")
    if settings.redis_memory_watermark > 1:
        raise ConfigError(
            "OTPBRIDGE_REDIS_MEMORY_WATERMARK is a share of maxmemory between 0.05 and 1 "
            "(e.g. 0.9)"
        )
    if settings.max_message_bytes > settings.inbox_max_bytes:
        raise ConfigError(
            "OTPBRIDGE_MAX_MESSAGE_BYTES must not exceed OTPBRIDGE_INBOX_MAX_BYTES: "
            "one mail has to fit in an inbox's quota"
        )
    return settings
