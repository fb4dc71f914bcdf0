"""Whether a URL carries a secret: a token-named parameter, or a random-looking value or path
segment (JWT, UUID, base62/hex token, a short link's code), as opposed to slugs, words with a
number, and campaign or analytics ids."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from urllib.parse import unquote

__all__ = ["has_secret", "purposeful_tail", "random_letters", "short_link_code"]

_TOKEN_PARAM = re.compile(
    r"(?:^|_)(?:token|code|key|secret|signature|sig|hash|oobcode|otp|nonce|ticket|jwt|"
    r"t|k|s|h|magic|apikey|verifier|challenge|"
    # the same names in the languages of localised routes ("?anahtar=", "?clave=", "?jeton=")
    r"anahtar|schluessel|schlussel|clave|chave|cle|chiave|klucz|sleutel|jeton|codigo|codice|"
    r"kod|kodu)$|token|secret|signature",
    re.IGNORECASE,
)
_RANDOMISH = re.compile(r"^[A-Za-z0-9_\-.~=+%:]{16,}$")
# "?inviteId=189500023382574691": an invitation's id is its bearer credential; long enough,
# digits alone are as unguessable as a token (short ones are counters, as in "?invite=42").
# "?ticket=ops-5560", "?key=WEB-482": a queue's or project's name and a number is a record's
# reference (a helpdesk ticket, an issue), not a token, whatever the parameter is named.
_RECORD_KEY = re.compile(r"^[A-Za-z]{2,16}-\d{1,8}$")
_INVITE_PARAM = re.compile(r"invit", re.IGNORECASE)
_SHORTEST_INVITE_ID = 12
# "?_a=recovery&validate=41876876": a parameter named for the action it performs holds the
# token that performs it, a short hex one too (its digits tell it from "?confirm=yes").
_ACTION_PARAM = re.compile(
    r"^(?:validate|validation|verify|verification|confirm|confirmation|activate|activation|"
    r"reset|recover|recovery|unlock)$",
    re.IGNORECASE,
)
_SHORTEST_ACTION_VALUE = 6
# "/sympa/ticket/00678505351395", "/key/1949789276": digits alone after a credential's name
# are its value, long enough not to be a counter.
_CREDENTIAL_SEGMENT = re.compile(
    r"^(?:ticket|token|auth|key|otp|code|verify|verification|reset|confirm|activate|login)$",
    re.IGNORECASE,
)
_SHORTEST_CREDENTIAL_DIGITS = 9
# …a ticket's longer: "/tickets/441178" is a support ticket.
_SHORTEST_TICKET_DIGITS = 12
# "summer-sale-2025", "pinecone_logistics89": words and numbers joined by hyphens name a
# page or an account, they hide nothing.
_SLUG = re.compile(r"^(?:[a-z]+|[0-9]+)(?:[-_.](?:[a-z]+|[0-9]+))+[0-9]{0,4}$")
_ALNUM = re.compile(r"^[A-Za-z0-9]+$")
_CASED_WORDS = re.compile(r"^[a-z]*(?:[A-Z][a-z]+)+$")
_CASED_RUN = re.compile(r"[A-Z]?[a-z]+")
_WORD_THEN_NUMBER = re.compile(r"^(?:[A-Za-z]+[0-9]{1,4}|[0-9]+)$")
_CAMPAIGN_PARAM = re.compile(
    r"^(?:utm_\w+|ref|referrer|referral|promo|promo_code|coupon|discount|campaign|cid|mc_[ce]id|"
    r"fbclid|gclid|_hsenc|_hsmi|mkt_tok|affiliate|aff|source|medium|"
    r"session|sessionid|session_id|jsessionid|phpsessid)$",
    re.IGNORECASE,
)
# An MD5 or longer digest in hex: a generated secret whatever the parameter is named.
_DIGEST = re.compile(r"^(?=[a-f]*[0-9])(?=[0-9]*[a-f])(?:[0-9a-f]{32,}|[0-9A-F]{32,})$")
# Hex with at least two digits and two letters anywhere: no word or number looks like it.
_HEX_TOKEN = re.compile(r"^(?=(?:[a-f]*[0-9]){2})(?=(?:[0-9]*[a-f]){2})[0-9a-f]+$")
# 6-11 letters and digits of one case that switch between letters and digits at least
# twice ("vyh9pg", "gut58vmz"); "step22" and "order1234" switch once.
_SHORT_TOKEN = re.compile(
    r"^(?=[a-z0-9]{6,11}$|[A-Z0-9]{6,11}$)"
    r"(?:[a-zA-Z]*[0-9]+[a-zA-Z]+[0-9]|[0-9]*[a-zA-Z]+[0-9]+[a-zA-Z])"
)
# 8-11 letters and digits of both cases with a digit between letters ("Qm83kLz0aT",
# "AbC9dEf0Gh"): what a generator drawing from [A-Za-z0-9] gives; "Chapter12" and "SignIn"
# have no digit inside, "iPhone15Pro" is cased words (see ``_camel_word``).
_MIXED_TOKEN = re.compile(
    r"^(?=[A-Za-z0-9]{8,11}$)(?=.*[a-z])(?=.*[A-Z])[A-Za-z0-9]*[A-Za-z][0-9]+[A-Za-z]"
)
# 8-64 letters of both cases: some generators draw from [A-Za-z] alone, and a short draw from
# [A-Za-z0-9] has no digit about one time in twenty.
_MIXED_LETTERS = re.compile(r"^(?=.*[a-z])(?=.*[A-Z])[A-Za-z]{8,64}$")
_VOWELS = frozenset("aeiouy")
# Of a random run of small letters, about two bigrams in three join two consonants; of
# words run together ("understandingthebasics", "myfirstblogpost") about one in three.
_CONSONANT_PAIRS = 0.45
_LETTERS = re.compile(r"^[a-z]+$")
_SHORTEST_ON_ROUTE = 8
#: Small letters under a one-letter parameter name shorter than this read as a word.
_WORD_MAX = 16
_SHORTEST_CAPITALS = 6
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


_SUB_DELIMS = re.compile(r"[()!*~']")
_BARE_QUERY_PIECES = re.compile(r"[./]")


_VALUE_PIECES = re.compile(r"[/@$!*'(),]")


def has_secret(path: str, params: list[tuple[str, str]]) -> bool:
    """A token-named parameter, or a random-looking query value or path segment."""
    for key, value in params:
        if not value:
            # "signup.php?activate.139.cc367deb…", "fpw.php?cQdrqH0UoYhZ": a query of one
            # bare word carries its token without a name.
            if any(_randomish(piece) for piece in _BARE_QUERY_PIECES.split(key)):
                return True
            continue
        if _CAMPAIGN_PARAM.match(key) and not _DIGEST.match(value):
            # Referral, promo and analytics ids identify a campaign, not a session; a digest
            # under such a name ("password_change.php?ref=<32 hex>") is a secret all the same.
            continue
        # "?s=regdate&w=desc": a one-letter name holds a sort key or a word as often as a
        # token; a word of small letters under it is no secret.
        word = len(key) == 1 and _LETTERS.match(value) is not None and len(value) < _WORD_MAX
        word = word or _RECORD_KEY.match(value) is not None
        if _TOKEN_PARAM.search(key) and len(value) >= 4 and "@" not in value and not word:
            return True
        if _INVITE_PARAM.search(key) and len(value) >= _SHORTEST_INVITE_ID and value.isalnum():
            return True
        if (
            _ACTION_PARAM.match(key)
            and len(value) >= _SHORTEST_ACTION_VALUE
            and value.isalnum()
            and any(c.isdigit() for c in value)
        ):
            return True
        # "?c=pctl319xYVBD4j0gg…@OYfgULT$k5K7…": base64 with "@" and "$" for "+" and "/"
        # (MeshCentral) is read in the pieces between them.
        if any(_randomish(piece) for piece in _VALUE_PIECES.split(value)):
            return True
    # "8!d2wx5WgE…" (an id and a token joined by "!", as October/Winter CMS mail them);
    # "/invite:YeaHKQ…" (a named path parameter, "name:value", as Grav and Kirby route).
    segments = path.split("/")
    if any(
        _CREDENTIAL_SEGMENT.match(name)
        and value.isdigit()
        and len(value)
        >= (_SHORTEST_TICKET_DIGITS if name.lower() == "ticket" else _SHORTEST_CREDENTIAL_DIGITS)
        for name, value in itertools.pairwise(segments)
    ):
        return True
    # "/link.php/89m)p!jug3x!Co0x8T8(*caYaox!~ET_": an alphabet with URL sub-delimiters
    # (Webasyst's app tokens) is read without them.
    return any(
        _randomish(piece)
        for segment in segments
        for piece in (*segment.split("!"), *segment.split(":")[1:], _SUB_DELIMS.sub("", segment))
    )


def purposeful_tail(
    path: str, params: list[tuple[str, str]], route_word: Callable[[str], bool]
) -> bool:
    """The last segment after an auth path ("/verify-email/4qfqsgfgqxynaqfo"), or a query
    value of such a route ("/confirm?c=ats9pciz&u=ana"): generators drawing from a-z0-9
    often give a 12-16 character token only one digit, and a short code of one case is a
    token there too, as is an 8-11 character one of both cases with a digit inside
    ("/talk/confirm/AbC9dEf0Gh"). Only asked of URLs whose route names a kind, so a shop's
    "/p/AB12CD34EF" is not asked."""
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    # ``route_word``: the last segment is the route's own word ("/admin/passwords").
    return (_purposeful(tail) and not route_word(tail)) or any(
        _purposeful(value) for key, value in params if not _CAMPAIGN_PARAM.match(key)
    )


def _purposeful(tail: str) -> bool:
    if _HEX_TOKEN.match(tail.lower()) and len(tail) >= 8 and (tail.islower() or tail.isupper()):
        return True  # a truncated hash ("/activate/5a1b9c3d7e", "/emailconfirm/7/2239F9E583")
    if _SHORT_TOKEN.match(tail):
        return True  # "/aktywuj/vyh9pg": a short code, its digits between its letters
    if _MIXED_TOKEN.match(tail) and not _camel_word(tail):
        return True  # "/anmeldung/bestaetigen/Qm83kLz0aT": drawn from [A-Za-z0-9]
    if _MIXED_LETTERS.match(tail) and not _camel_word(tail):
        return True  # "/delete-account/flkyeYTMsG": drawn from [A-Za-z], no digit by chance
    if _capitals_token(tail):
        return True  # "/password-reset/KRFTQFJM", "/invite/3XBNTUMD": base32 capitals
    if random_letters(tail, _SHORTEST_ON_ROUTE):
        # "/verify-email/qwhpzkxmtrbnvlfa", "?qa=reset&c=mzctcfrp": small letters drawn at
        # random; the route names the purpose, so a shorter run is the token too.
        return True
    if not (12 <= len(tail) <= 64 and _ALNUM.match(tail)):
        return False
    # "registration2026" is a word with a number; a token carries its digits anywhere.
    return any(c.isdigit() for c in tail) and not _WORD_THEN_NUMBER.match(tail)


def _capitals_token(tail: str) -> bool:
    """8-16 capitals and digits drawn at random: digits among the letters ("3XBNTUMD"), or
    letters alone whose neighbours are mostly consonants ("KRFTQFJM"); "WELCOME1" and
    "CONFIRMED" are words."""
    if not (8 <= len(tail) <= 16 and tail.isupper() and _ALNUM.match(tail)):
        return False
    if any(c.isdigit() for c in tail):
        return not _WORD_THEN_NUMBER.match(tail)
    return random_letters(tail.lower(), _SHORTEST_CAPITALS)


def random_letters(token: str, shortest: int = 16) -> bool:
    """``shortest``-64 small letters drawn at random, not words run together: most
    neighbouring letters are two consonants ("qwhpzkxmtrbnvlfa"), as words never have them."""
    if not (shortest <= len(token) <= 64 and _LETTERS.match(token)):
        return False
    pairs = sum(a not in _VOWELS and b not in _VOWELS for a, b in itertools.pairwise(token))
    return pairs >= _CONSONANT_PAIRS * (len(token) - 1)


def _camel_word(token: str) -> bool:
    """Letters that read as cased words ("iPhone15Pro", "SignIn2Go"): each capital starts a
    lower-case run, 2.5 letters or more per capital; "AbC9dEf0Gh" flips case every letter."""
    letters = "".join(c for c in token if c.isalpha())
    capitals = sum(c.isupper() for c in letters)
    if not (_CASED_WORDS.match(letters) and capitals * 5 <= len(letters) * 2):
        return False
    # "nttFaymbAt", "bVclAufeVd": runs without a vowel are no words ("ntt"; "b", "Vcl",
    # "Vd"); one capitalised run may be an acronym ("VpnSetupGuide").
    runs = _CASED_RUN.findall(letters)
    voiceless = _voiceless(letters)
    first = runs[0] if runs else ""
    return len(voiceless) < 2 and not (first.islower() and len(first) > 1 and first in voiceless)


def short_link_code(path: str) -> bool:
    """A short link's code as the last segment ("/m/XNpITRz", "/l/4kQz9B", "/j/gut58vmz"):
    6-11 letters and digits of both cases, in a pattern no word has ("iPhone", "SignIn",
    "Chapter12"), or of one case switching between letters and digits twice."""
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    if _SHORT_TOKEN.match(tail):
        return True
    if not (6 <= len(tail) < 12 and _ALNUM.match(tail)) or tail.isupper() or tail.islower():
        return False
    if tail.isdigit():
        return False
    word = tail.rstrip("0123456789")
    capitals = sum(c.isupper() for c in word)
    return not (_CASED_WORDS.match(word) and capitals * 3 <= len(word))


def _randomish(value: str) -> bool:
    if 12 <= len(value) < 16 and _HEX_TOKEN.match(value):
        return True  # lower-case hex from a hash or random bytes ("/m/8e2f41ab77c3")
    if 12 <= len(value) < 16 and _ALNUM.match(value):
        # Shorter secrets count only when they mix cases and digits, as generated tokens do.
        has_digit = any(c.isdigit() for c in value)
        return has_digit and not value.isdigit() and not value.isupper() and not value.islower()
    if _UUID.match(value):
        return True
    if random_letters(value):
        return True  # "/c/elnphbigmlsbcbsaekri": base-36 draws without a digit, by chance
    # "agent%2Bk1y7%40corp.example": an address, percent-encoded, is no token either.
    if not _RANDOMISH.match(value) or "@" in unquote(value) or _SLUG.match(value):
        return False
    digits = sum(c.isdigit() for c in value)
    letters = sum(c.isalpha() for c in value)
    if digits >= 2 and letters >= 2:
        return True
    # Base62 tokens may hold few digits; their case flips far more often than a word's, or
    # their cased runs read as no word ("lyfLDkVGchjj4EHFSQ": "Dk", "Gchjj").
    flips = sum(a.isupper() != b.isupper() for a, b in itertools.pairwise(value) if a.isalpha())
    return letters >= 16 and (flips * 4 >= len(value) or len(_voiceless(value)) >= 2)


def _voiceless(letters: str) -> list[str]:
    """The cased runs of ``letters`` that have no vowel ("Dk", "Gchjj"): no word's."""
    return [run for run in _CASED_RUN.findall(letters) if not _VOWELS & set(run.lower())]
