"""What a URL alone says about its purpose: auth-stack signatures, path words, secrets.

Known signatures (strong evidence, checked first):

==============  =====================================================================
Firebase        ``mode=signIn`` → magic, ``verifyEmail|verifyAndChangeEmail``
                → confirm, ``resetPassword`` → reset (with ``oobCode=``), ``recoverEmail``
                → a refusal (it undoes an e-mail change)
Supabase        ``/auth/v1/verify?…type=magiclink`` → magic, ``signup|invite|email_change|
                email`` → confirm, ``recovery`` → reset
NextAuth        ``/api/auth/callback/<provider>?…token=`` → magic
Better Auth     ``/magic-link/verify?token=`` → magic
Devise          ``confirmation_token=`` / ``unlock_token=`` / ``invitation_token=`` → confirm,
                ``reset_password_token=`` → reset
allauth         ``/accounts/confirm-email/<key>`` → confirm, ``/password/reset/key/`` → reset
Laravel         ``/email/verify/<id>/<hash>?…signature=`` → confirm
Keycloak        ``/login-actions/action-token?key=`` (purpose from the words around it)
Django          ``/reset/<uidb64>/<token>/`` → reset
Ory Kratos      ``/self-service/verification`` → confirm, ``/self-service/recovery`` → reset
Auth0 / Stytch  ``ticket=`` on ``/email-verification`` / ``/reset-verify``;
                ``stytch_token_type=magic_links|reset_password``
==============  =====================================================================

Everything else is read from the words of the path, fragment and query keys (camelCase and
``-_./#`` split) and from whether the URL carries something secret (a token-named parameter,
or a long random-looking value or path segment).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from otpbridge.extract.lang import words
from otpbridge.extract.links.route_words import (
    CONFIRM,
    CONFIRM_TAILS,
    DECLINE,
    INSTALLED,
    INVITE,
    INVITE_TAILS,
    MAGIC,
    PASSWORD_HEADS,
    RECOVERY_TAILS,
    RESET_STRONG,
    RESET_WEAK,
    UNSUB,
    UTILITY_WORDS,
)
from otpbridge.extract.links.url_secrets import has_secret, purposeful_tail, short_link_code
from otpbridge.extract.model import LinkKind
from otpbridge.extract.parse.feeds import feed_query

__all__ = ["UrlFacts", "analyse_url"]


#: Firebase's recoverEmail link undoes an e-mail change that already happened: an agent that
#: follows it reverts its own account change, so it is a refusal, never a confirmation.
_UNDO_SIGNATURE = re.compile(r"[?&#]mode=recoverEmail\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class UrlFacts:
    kind: LinkKind | None  # purpose read from the URL (signature or path words)
    signature: bool  # a known auth-stack pattern matched
    secret: bool  # carries a token/code/key-like value
    short_code: bool  # …only as a short link's brief code, which shared posts carry too
    utility: bool  # social, app store, help, privacy, terms, community, ...
    social: bool  # …utility only for its host: a network's own mail links live there too
    unsubscribe: bool
    decline: bool  # revoke / report / "this wasn't me"
    home: bool  # a bare site root
    asset: bool  # image, stylesheet, tracking pixel
    # ``kind`` is confirm_link only for an invitation route word ("/invite/<id>"): polls,
    # documents and events are shared that way too, so the words must say it is the
    # account's invitation (extract.links.gates).
    invite_route: bool = False
    # The route confirms a mailbox ("/participation/email/confirm/<token>", "/verify-email"):
    # the URL says what is confirmed, so shop or event words around it do not make it a
    # purchase's link.
    mailbox_route: bool = False
    # Utility only by its host's first label ("forum.", "help."): a forum's or a help desk's
    # own mail links there (extract.links.choose lifts it for the sender's own host).
    utility_host: bool = False


_SIGNATURE_SOURCES: tuple[tuple[str, LinkKind | None], ...] = (
    (r"[?&#]mode=signin\b.*oobcode=|oobcode=.*[?&]mode=signin\b", "magic_link"),
    (r"[?&#]mode=resetpassword\b|oobcode=.*mode=resetpassword\b", "reset_link"),
    (r"[?&#]mode=(?:verifyemail|verifyandchangeemail)\b", "confirm_link"),
    (r"/auth/v1/verify\?.*\btype=magiclink\b", "magic_link"),
    (r"/auth/v1/verify\?.*\btype=recovery\b", "reset_link"),
    (r"/auth/v1/verify\?.*\btype=(?:signup|invite|email_change|email)\b", "confirm_link"),
    (r"/api/auth/callback/[^/?#]+\?(?:.*&)?token=", "magic_link"),
    (r"/magic-link/verify\?(?:.*&)?token=", "magic_link"),
    (r"[?&](?:confirmation|unlock)_token=", "confirm_link"),
    # Devise's invitable accepts on ".../invitation/accept"; an "invitation_token" elsewhere
    # is an app's own ("/prendre_rdv?…&invitation_token=": an invitation to book a slot).
    (r"/(?:invitations?|accept)\b[^?#]*\?(?:.*&)?invitation_token=", "confirm_link"),
    (r"[?&]reset_password_token=", "reset_link"),
    (r"/accounts/confirm-email/[^/?#]+", "confirm_link"),
    (r"/password/reset/key/[^/?#]+", "reset_link"),
    (r"/email/verify/[^/?#]+/[0-9a-f]{16,}\?.*signature=", "confirm_link"),
    (r"/login-actions/action-token\?(?:.*&)?key=", None),
    (r"/login-actions/reset-credentials\?", "reset_link"),
    (r"/reset/[a-z0-9_-]{1,40}/[0-9a-z]{1,13}-[0-9a-f]{20,}/?$", "reset_link"),
    (r"/self-service/verification\?", "confirm_link"),
    (r"/self-service/recovery\?", "reset_link"),
    (r"/self-service/login\?", "magic_link"),
    (r"/(?:u/)?email-verification\?(?:.*&)?ticket=", "confirm_link"),
    (r"/(?:u/)?reset-verify\?(?:.*&)?ticket=", "reset_link"),
    (r"[?&]stytch_token_type=magic_links\b", "magic_link"),
    (r"[?&]stytch_token_type=reset_password\b", "reset_link"),
    (r"wp-login\.php\?(?:.*&)?action=rp\b.*key=", "reset_link"),
)
_SIGNATURES = tuple((re.compile(p, re.IGNORECASE), k) for p, k in _SIGNATURE_SOURCES)

_SOCIAL_HOSTS = re.compile(
    r"(?:^|\.)(?:facebook\.com|fb\.com|fb\.me|twitter\.com|x\.com|instagram\.com|"
    r"linkedin\.com|youtube\.com|youtu\.be|tiktok\.com|pinterest\.com|reddit\.com|"
    r"discord\.com|discord\.gg|discordapp\.com|t\.me|telegram\.me|medium\.com|vk\.com|"
    r"weibo\.com|wa\.me|whatsapp\.com|threads\.net|bsky\.app|snapchat\.com|twitch\.tv|"
    r"line\.me|github\.com|gitlab\.com|mastodon\.social|xing\.com|tumblr\.com|"
    r"apps\.apple\.com|itunes\.apple\.com|play\.google\.com|appgallery\.huawei\.com|"
    r"apps\.microsoft\.com|galaxy\.store)$",
    re.IGNORECASE,
)
_UTILITY_HOST = re.compile(
    r"^(?:help|support|docs|status|community|blog|forum|forums|discord|careers|press)\.",
    re.IGNORECASE,
)
_ASSET_PATH = re.compile(
    r"\.(?:png|gif|jpe?g|webp|svg|ico|bmp|css|js|woff2?)$|/(?:pixel|beacon|open\.gif|"
    # a whole path segment: "/pixel-foundry/portal/…" is a shop's name
    r"track/open|wf/open|o\.gif)(?=[/.]|$)",
    re.IGNORECASE,
)
_CONFIRM_ANY = CONFIRM | INVITE | frozenset(words("url", "confirm"))
_RESET_ANY = RESET_STRONG | frozenset(words("url", "reset"))
_MAGIC_ANY = MAGIC | frozenset(words("url", "magic"))
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPLIT = re.compile(r"[/\-_.#?&=!:~+,;@%]+")
# Query keys whose value routes the request ("?entryPoint=changePassword", "?r=user/verify").
_PURPOSE_KEYS = frozenset(
    {
        "type",
        "action",
        "mode",
        "flow",
        "task",
        "op",
        "do",
        "entrypoint",
        "route",
        "r",
        "cmd",
        "step",
        "p",
    }
)
# A script file or the bare root: the request is routed by its query ("index.php?qa=…").
_FRONT_CONTROLLER = re.compile(r"(?:^/?$|\.(?:php\d?|aspx?|cgi|pl|jsp)$)", re.IGNORECASE)
_CREDENTIAL_KEYS = frozenset({"pwd", "passwd", "password", "pass", "passcode"})
_APP_SCHEME = re.compile(r"[a-z][a-z0-9+.-]{1,40}")
_NOT_APP_SCHEMES = frozenset(
    {
        "mailto", "tel", "sms", "smsto", "mms", "callto", "facetime", "facetime-audio", "skype",
        "sip", "sips", "webcal", "ftp", "ftps", "sftp", "file", "data", "javascript", "cid",
        "mid", "geo", "maps", "comgooglemaps", "market", "itms", "itms-apps", "itms-services",
        "whatsapp", "tg", "fb", "fb-messenger", "twitter", "instagram", "linkedin", "slack",
        "zoommtg", "zoomus", "msteams", "spotify", "vnd.youtube", "youtube", "ws", "wss",
        "about", "blob", "chrome", "edge", "intent", "bitcoin", "ethereum", "magnet", "irc",
        "ircs", "news", "nntp", "ldap", "ssh", "telnet", "vnc", "rdp", "git", "svn",
    }
)  # fmt: skip


def analyse_url(url: str) -> UrlFacts | None:
    """Facts about an http(s) or app deep-link URL, or None (mailto:, tel:, javascript:)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.hostname or not _opens(parts.scheme.lower()):
        return None
    host = parts.hostname.lower()
    # An app link's "host" is its first route word: "myapp://verify-email?token=".
    path = parts.path if parts.scheme.lower() in ("http", "https") else "/" + host + parts.path
    # Single-page apps route in the fragment: "/#/auth/confirm-verification/<jwt>".
    # Some routers put the parameters after an "&" with no "?" ("#register/&token=eyJ…").
    sep = "?" if "?" in parts.fragment else "&"
    frag_path, _, frag_query = parts.fragment.partition(sep)
    params = _query(parts.query) + _query(frag_query)
    # "?pwd=Qm5sYk1x" hands over a credential (a meeting's passcode); a password page is
    # named by its route ("/reset-password?token="), never by such a key.
    keys = [key for key, value in params if not (value and key.lower() in _CREDENTIAL_KEYS)]
    route_words = _words(path + "/" + frag_path)
    words = route_words | {w for key in keys for w in _words(key)}
    sig_kind, signature = _signature(url)
    # A signature without a purpose (Keycloak's action token serves every action) leaves the
    # purpose to the words around the link: its path words ("login-actions") say nothing.
    routing = _front_controller_route(parts.path, params)
    kind = sig_kind if signature else _kind_from_words(words, routing)
    invite_route = kind == "confirm_link" and not signature
    invite_route = invite_route and _kind_from_words(words, routing, INVITE) is None
    if invite_route and route_words & _EVENT_ROUTE:
        # "/calendar/invite/<id>?reply=accepted": an event's RSVP, no account's invitation.
        kind, invite_route = None, False
    bare = parts.path in ("", "/") and not parts.query and frag_path.strip("/!") == ""
    social = bool(_SOCIAL_HOSTS.search(host)) or bool(re.match(r"^/@[\w.]+/?$", parts.path))
    # "/2026/11/homelab-nas/#a03e92ab…": a bare fragment on a page that names no purpose is
    # an in-page anchor (a comment's id), never sent to the server, so it hides no secret.
    in_page = "/" not in frag_path and "=" not in frag_path and kind is None
    secret_path = path if in_page else path + "/" + frag_path
    secret = (
        signature
        or has_secret(secret_path, params)
        or (kind is not None and purposeful_tail(secret_path, params, _names_kind))
    )
    short_code = not secret and short_link_code(secret_path)
    # Help desks live on "help."/"support." hosts: a link there carrying a secret is the
    # desk's own account link, not a help article.
    utility_host = bool(_UTILITY_HOST.match(host))
    return UrlFacts(
        kind=kind,
        signature=signature,
        secret=secret or short_code,
        short_code=short_code,
        utility=social or bool(route_words & UTILITY_WORDS) or (utility_host and not secret),
        social=social and not route_words & UTILITY_WORDS and not utility_host,
        unsubscribe=bool((words | _routed(routing)) & UNSUB)
        or any(k.lower() in ("manage", "unsubscribe", "optout") for k, _ in params),
        decline=bool(route_words & DECLINE)
        or _declining_key(keys)
        or bool(_UNDO_SIGNATURE.search(url)),
        home=bare,
        asset=bool(_ASSET_PATH.search(parts.path)) or feed_query(url) is not None,
        invite_route=invite_route,
        mailbox_route=kind == "confirm_link" and not invite_route and bool(words & _MAILBOX),
        utility_host=utility_host and not (secret or social or route_words & UTILITY_WORDS),
    )


_MAILBOX = frozenset(("email", "mail", "emails", "emailaddress", "mailbox"))
_ROUTE_VALUE = re.compile(r"[A-Za-z][A-Za-z_-]{1,40}")
_EVENT_ROUTE = frozenset(("calendar", "event", "meeting", "appointment", "rsvp"))


def _query(query: str) -> list[tuple[str, str]]:
    """Query parameters; ";" separates them too ("?action=activate;u=7;code=…", the W3C
    alternative to "&" that forum software still uses)."""
    return parse_qsl(query.replace(";", "&"), keep_blank_values=True)


def _opens(scheme: str) -> bool:
    """A web URL, or an app's own deep link ("myapp://auth/verify?token="), which a
    passwordless mobile flow mails instead of a web page; never a mail, call, calendar,
    store or messenger scheme."""
    if scheme in ("http", "https"):
        return True
    return bool(_APP_SCHEME.fullmatch(scheme)) and scheme not in _NOT_APP_SCHEMES


def _signature(url: str) -> tuple[LinkKind | None, bool]:
    for pattern, kind in _SIGNATURES:
        if pattern.search(url):
            return kind, True
    return None, False


def _declining_key(keys: list[str]) -> bool:
    """A query key that is a refusal ("?revoke=…", "&notme=1"); a key that names what it
    acts on is a setting of the page ("?cancel_login=1" opens it without a sign-in)."""
    return any(key.lower().replace("-", "").replace("_", "") in DECLINE for key in keys)


def _words(text: str) -> set[str]:
    text = _CAMEL.sub("-", unquote(text))
    pieces = [p.lower() for p in _SPLIT.split(text) if p]
    words = set(pieces)
    words.update(p[:-1] for p in pieces if len(p) > 4 and p.endswith("s"))  # "invites"
    # Glue neighbours so "reset-password" also reads as "resetpassword", "magic-url" as magic.
    words.update(a + b for a, b in itertools.pairwise(pieces))
    # "/entry/registerinvitation/<code>": a route word glued onto an invitation is one.
    # …not one glued onto what it installs ("/agentinvite?c=…": install a remote agent).
    words.update(
        t
        for p in pieces
        for t in INVITE_TAILS
        if p.endswith(t) and p != t and p[: -len(t)] not in INSTALLED
    )
    return words


def _front_controller_route(path: str, params: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``params``, and the first one's value as a route when a script or the site root takes
    the request ("/index.php?qa=confirm&c=…", "/?page=reset"): what a path says elsewhere, the
    first parameter says there, whatever its key is called (the first two, when both are
    words: a controller and its action)."""
    if not params or not _FRONT_CONTROLLER.search(path):
        return params
    if any(key.lower() in _PURPOSE_KEYS for key, _ in params):
        return params  # "?module=Login&action=acceptInvitation": the action routes
    # "?c=access&a=reset_password": a controller, then its action, both plain words.
    routes = [("route", v) for _, v in params[:2] if _ROUTE_VALUE.fullmatch(v)] or [
        ("route", params[0][1])
    ]
    return [*routes, *params]


def _routed(params: list[tuple[str, str]]) -> set[str]:
    """Values of the query keys that route a request ("?p=unsubscribe", "?action=verify")."""
    return {v.lower() for k, v in params if k.lower() in _PURPOSE_KEYS}


def _names_kind(segment: str) -> bool:
    """The path segment is a route word naming a purpose by itself ("passwords")."""
    return _kind_from_words(_words(segment), []) is not None


def _kind_from_words(
    words: set[str], params: list[tuple[str, str]], ignore: frozenset[str] = frozenset()
) -> LinkKind | None:
    """The purpose the URL's route words name (``ignore``: words left out)."""
    values = _routed(params)
    # "task=registration.activate": a routed action names the purpose in its words too.
    words = (words | values | {w for v in values for w in _words(v)}) - ignore
    confirm = bool(words & _CONFIRM_ANY) or any(
        w.startswith(("verif", "confirm")) or w.endswith(CONFIRM_TAILS) for w in words
    )
    # "/resetlogin?c=…", "resetpwd": a route word that starts with reset resets.
    reset = bool(words & _RESET_ANY) or any(w.startswith("reset") for w in words)
    # "/pswrecovery", "pwdreset": a recovery glued to a password's abbreviation resets.
    reset = reset or any(w.startswith(PASSWORD_HEADS) and w.endswith(RECOVERY_TAILS) for w in words)
    if reset or (words & RESET_WEAK and not confirm):
        return "reset_link"
    if any(w.startswith("magic") for w in words) or "magiclink" in values:
        return "magic_link"
    if confirm:
        return "confirm_link"
    if words & _MAGIC_ANY:
        return "magic_link"
    return None
