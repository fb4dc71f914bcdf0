"""What a URL alone says about its purpose: auth-stack signatures, path words, secrets.

Known signatures (strong evidence, checked first):

==============  =====================================================================
Firebase        ``mode=signIn`` → magic, ``verifyEmail|verifyAndChangeEmail|recoverEmail``
                → confirm, ``resetPassword`` → reset (with ``oobCode=``)
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

from extract.model import LinkKind

__all__ = ["UrlFacts", "analyse_url"]


@dataclass(frozen=True, slots=True)
class UrlFacts:
    kind: LinkKind | None  # purpose read from the URL (signature or path words)
    signature: bool  # a known auth-stack pattern matched
    secret: bool  # carries a token/code/key-like value
    utility: bool  # social, app store, help, privacy, terms, community, ...
    unsubscribe: bool
    decline: bool  # revoke / report / "this wasn't me"
    home: bool  # a bare site root
    asset: bool  # image, stylesheet, tracking pixel


_SIGNATURE_SOURCES: tuple[tuple[str, LinkKind | None], ...] = (
    (r"[?&#]mode=signin\b.*oobcode=|oobcode=.*[?&]mode=signin\b", "magic_link"),
    (r"[?&#]mode=resetpassword\b|oobcode=.*mode=resetpassword\b", "reset_link"),
    (r"[?&#]mode=(?:verifyemail|verifyandchangeemail|recoveremail)\b", "confirm_link"),
    (r"/auth/v1/verify\?.*\btype=magiclink\b", "magic_link"),
    (r"/auth/v1/verify\?.*\btype=recovery\b", "reset_link"),
    (r"/auth/v1/verify\?.*\btype=(?:signup|invite|email_change|email)\b", "confirm_link"),
    (r"/api/auth/callback/[^/?#]+\?(?:.*&)?token=", "magic_link"),
    (r"/magic-link/verify\?(?:.*&)?token=", "magic_link"),
    (r"[?&](?:confirmation|unlock|invitation)_token=", "confirm_link"),
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

_RESET_STRONG = frozenset(
    {
        "reset",
        "resetpassword",
        "password",
        "passwd",
        "pwd",
        "forgot",
        "forgotten",
        "newpassword",
        "setpassword",
        "changepassword",
        "resetcredentials",
    }
)
_RESET_WEAK = frozenset({"recover", "recovery", "restore"})
_CONFIRM = frozenset(
    {
        "verify",
        "verification",
        "verified",
        "confirm",
        "confirmation",
        "confirmed",
        "activate",
        "activation",
        "validate",
        "validation",
        "optin",
        "unlock",
        "invite",
        "invitation",
        "accept",
        "register",
        "registration",
        "signup",
        "onboarding",
        "setup",
        "emailchange",
        "changeemail",
        "init",
        "initialize",
        "subscribe",
        "enroll",
        "enrol",
        "enrollment",
    }
)
_MAGIC = frozenset(
    {
        "magic",
        "magiclink",
        "login",
        "signin",
        "logon",
        "callback",
        "passwordless",
        "sso",
        "otp",
        "authenticate",
        "loginlink",
        "emaillogin",
    }
)
_UNSUB = frozenset(
    {
        "unsubscribe",
        "unsub",
        "optout",
        "preferences",
        "emailpreferences",
        "unsubscribed",
        "managepreferences",
        "notificationsettings",
        "emailsettings",
        "subscriptioncenter",
    }
)
_UTILITY_WORDS = frozenset(
    {
        "help",
        "support",
        "faq",
        "faqs",
        "privacy",
        "privacypolicy",
        "policy",
        "policies",
        "terms",
        "termsofservice",
        "tos",
        "legal",
        "imprint",
        "impressum",
        "datenschutz",
        "contact",
        "contactus",
        "about",
        "blog",
        "docs",
        "documentation",
        "status",
        "careers",
        "jobs",
        "press",
        "community",
        "forum",
        "forums",
        "discord",
        "cookies",
        "cookie",
        "rules",
        "download",
        "downloads",
        "pricing",
    }
)
_DECLINE = frozenset(
    {"revoke", "report", "deny", "decline", "reject", "notme", "block", "cancel", "undo", "revert"}
)
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
    r"track/open|wf/open|o\.gif)\b",
    re.IGNORECASE,
)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPLIT = re.compile(r"[/\-_.#?&=!:~+,;@%]+")
_TOKEN_PARAM = re.compile(
    r"(?:^|_)(?:token|code|key|secret|signature|sig|hash|oobcode|otp|nonce|ticket|jwt|"
    r"t|k|s|h|magic|apikey|verifier|challenge)$|token|secret|signature",
    re.IGNORECASE,
)
_RANDOMISH = re.compile(r"^[A-Za-z0-9_\-.~=+%:]{16,}$")
# "summer-sale-2025": words and numbers joined by hyphens name a page, they hide nothing.
_SLUG = re.compile(r"^(?:[a-z]+|[0-9]+)(?:[-_.](?:[a-z]+|[0-9]+))+$")
_ALNUM = re.compile(r"^[A-Za-z0-9]+$")
_WORD_THEN_NUMBER = re.compile(r"^(?:[A-Za-z]+[0-9]{1,4}|[0-9]+)$")
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
    }
)
_CAMPAIGN_PARAM = re.compile(
    r"^(?:utm_\w+|ref|referrer|referral|promo|promo_code|coupon|discount|campaign|cid|mc_[ce]id|"
    r"fbclid|gclid|_hsenc|_hsmi|mkt_tok|affiliate|aff|source|medium|"
    r"session|sessionid|session_id|jsessionid|phpsessid)$",
    re.IGNORECASE,
)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def analyse_url(url: str) -> UrlFacts | None:
    """Facts about an http(s) URL, or None when it is not one (mailto:, tel:, javascript:)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    # Single-page apps route in the fragment: "/#/auth/confirm-verification/<jwt>".
    frag_path, _, frag_query = parts.fragment.partition("?")
    params = parse_qsl(parts.query, keep_blank_values=True)
    params += parse_qsl(frag_query, keep_blank_values=True)
    words = _words(parts.path + "/" + frag_path) | {w for key, _ in params for w in _words(key)}
    sig_kind, signature = _signature(url)
    # A signature without a purpose (Keycloak's action token serves every action) leaves the
    # purpose to the words around the link: its path words ("login-actions") say nothing.
    kind = sig_kind if signature else _kind_from_words(words, params)
    bare = parts.path in ("", "/") and not parts.query and frag_path.strip("/!") == ""
    social = bool(_SOCIAL_HOSTS.search(host)) or bool(re.match(r"^/@[\w.]+/?$", parts.path))
    secret = (
        signature
        or _has_secret(parts.path + "/" + frag_path, params)
        or (kind is not None and _purposeful_tail(parts.path + "/" + frag_path))
    )
    # Help desks live on "help."/"support." hosts: a link there carrying a secret is the
    # desk's own account link, not a help article.
    utility_host = bool(_UTILITY_HOST.match(host))
    return UrlFacts(
        kind=kind,
        signature=signature,
        secret=secret,
        utility=social or bool(words & _UTILITY_WORDS) or (utility_host and not secret),
        unsubscribe=bool(words & _UNSUB)
        or any(k.lower() in ("manage", "unsubscribe", "optout") for k, _ in params),
        decline=bool(words & _DECLINE),
        home=bare,
        asset=bool(_ASSET_PATH.search(parts.path)),
    )


def _signature(url: str) -> tuple[LinkKind | None, bool]:
    for pattern, kind in _SIGNATURES:
        if pattern.search(url):
            return kind, True
    return None, False


def _words(text: str) -> set[str]:
    text = _CAMEL.sub("-", unquote(text))
    pieces = [p.lower() for p in _SPLIT.split(text) if p]
    words = set(pieces)
    words.update(p[:-1] for p in pieces if len(p) > 4 and p.endswith("s"))  # "invites"
    # Glue neighbours so "reset-password" also reads as "resetpassword", "magic-url" as magic.
    words.update(a + b for a, b in itertools.pairwise(pieces))
    return words


def _kind_from_words(words: set[str], params: list[tuple[str, str]]) -> LinkKind | None:
    values = {v.lower() for k, v in params if k.lower() in _PURPOSE_KEYS}
    # "task=registration.activate": a routed action names the purpose in its words too.
    words = words | values | {w for v in values for w in _words(v)}
    confirm = bool(words & _CONFIRM) or any(w.startswith(("verif", "confirm")) for w in words)
    if words & _RESET_STRONG or (words & _RESET_WEAK and not confirm):
        return "reset_link"
    if any(w.startswith("magic") for w in words) or "magiclink" in values:
        return "magic_link"
    if confirm:
        return "confirm_link"
    if words & _MAGIC:
        return "magic_link"
    return None


def _has_secret(path: str, params: list[tuple[str, str]]) -> bool:
    for key, value in params:
        if _CAMPAIGN_PARAM.match(key):
            continue  # referral, promo and analytics ids identify a campaign, not a session
        if _TOKEN_PARAM.search(key) and len(value) >= 4 and "@" not in value:
            return True
        if any(_randomish(piece) for piece in value.split("/")):
            return True
    return any(_randomish(segment) for segment in path.split("/"))


def _purposeful_tail(path: str) -> bool:
    """The last segment after an auth path ("/verify-email/4qfqsgfgqxynaqfo"): generators
    drawing from a-z0-9 often give a 12-16 character token only one digit."""
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    if not (12 <= len(tail) <= 64 and _ALNUM.match(tail)):
        return False
    # "registration2026" is a word with a number; a token carries its digits anywhere.
    return any(c.isdigit() for c in tail) and not _WORD_THEN_NUMBER.match(tail)


def _randomish(value: str) -> bool:
    if 12 <= len(value) < 16 and _ALNUM.match(value):
        # Shorter secrets count only when they mix cases and digits, as generated tokens do.
        has_digit = any(c.isdigit() for c in value)
        return has_digit and not value.isdigit() and not value.isupper() and not value.islower()
    if _UUID.match(value):
        return True
    if not _RANDOMISH.match(value) or "@" in value or _SLUG.match(value):
        return False
    digits = sum(c.isdigit() for c in value)
    letters = sum(c.isalpha() for c in value)
    if digits >= 2 and letters >= 2:
        return True
    # Base62 tokens may hold few digits; their case flips far more often than a word's.
    flips = sum(a.isupper() != b.isupper() for a, b in itertools.pairwise(value) if a.isalpha())
    return letters >= 16 and flips * 4 >= len(value)
