"""Passwords a mail gives: the token right after a clause that names a password and ends in
a colon — a login-details field ("E-mail address: ana@x.example⏎Password: bUbzVvSA5") or a
sentence ("We have generated a password for you:⏎wN1lacme") — is a welcome mail's password,
handed over to keep, not a one-time code; so is the token an account word names right before
it ("your PyPI account 'checos58'"): the account's name."""

from __future__ import annotations

import re

from otpbridge.extract.codes.context_words import SIGN_IN_VERBS
from otpbridge.extract.codes.keywords import CODE_NOUNS, PASSWORD_NOUNS
from otpbridge.extract.codes.precedence import specific_code_phrase
from otpbridge.extract.lang.patterns import alternation

__all__ = ["account_named", "password_given"]

# What may stand between a clause's colon and the token: blanks, line breaks, emphasis.
_BEFORE_TOKEN = frozenset(" \t\n*_\"'“«")
_SENTENCE_STOPS = (". ", "! ", "? ", "。")


def password_given(text: str, start: int) -> bool:
    """The clause right before the token ends in a colon and names a password, neither a
    one-time one nor a code ("Password:", "Wir haben ein Passwort für Dich generiert:⏎X",
    "Gerámos uma nova password para si: wN1lacme"; not "Your one-time password:", "password
    reset code:")."""
    colon = start
    while colon > 0 and text[colon - 1] in _BEFORE_TOKEN:
        colon -= 1
    if colon == 0 or text[colon - 1] not in ":：":
        return False
    # A sentence ends at a stop and a blank ("dvs.:" is an abbreviation), or a line break.
    ends = [text.rfind(stop, 0, colon - 1) for stop in _SENTENCE_STOPS]
    clause = text[max(text.rfind("\n", 0, colon - 1), *ends) + 1 : colon - 1]
    # "senha", "пароль" name codes too; only a code noun that is no password noun counts.
    code_noun = any(
        PASSWORD_NOUNS.match(clause, m.start()) is None for m in CODE_NOUNS.finditer(clause)
    )
    return (
        PASSWORD_NOUNS.search(clause) is not None
        and not code_noun
        # "Your password to log in:" names a sign-in, not a one-time password.
        and not specific_code_phrase(SIGN_IN_VERBS.sub(" ", clause))
    )


# The account word, then only blanks, emphasis or an opening quote up to the token (a quote
# may start the next line: the name wrapped); no colon (an "Account:" field may label
# anything), no word between.
_ACCOUNT_NAMED = re.compile(
    rf"(?<!\w){alternation('code', 'account_names')}"
    r"(?:[ \t*_]*|[ \t]*\n?[ \t]*[\"'‘“„«][ \t*_]*)\Z",
    re.IGNORECASE,
)
#: How far back an account word may start.
_ACCOUNT_REACH = 40


def account_named(text: str, start: int) -> str:
    """The account word right before the token, when the token is the account's name
    ("New recovery codes for your PyPI account 'checos58'", "Konto „anna.k“"), or ``""``."""
    m = _ACCOUNT_NAMED.search(text[max(0, start - _ACCOUNT_REACH) : start])
    return m.group(0).strip(" \t\n*_\"'‘“„«") if m else ""
