"""Passwords a mail gives: a password on the line under the address it signs in with
("E-mail address: ana@x.example⏎Password: bUbzVvSA5"), or alone under a line that names a
password ("We have generated a password for you:⏎wN1lacme") — a welcome mail's login
details, handed over to keep, not a one-time code."""

from __future__ import annotations

import re

from otpbridge.extract.codes.keywords import CODE_NOUNS, PASSWORD_NOUNS
from otpbridge.extract.codes.precedence import specific_code_phrase

__all__ = ["listed_credential", "password_given"]

# "Password: ", "Kennwort : ", "* **Password:** " — a field label alone before the token.
_FIELD = re.compile(r"[ \t*_>-]*([^\n:：]{2,40}?)[ \t*_]*[:：][ \t*_\"'“«]*")
# A field whose value is an e-mail address: the login the password goes with. The scorer
# reads text whose addresses and URLs are blanked to spaces, so a long blank is one.
_ADDRESS_FIELD = re.compile(
    r"^[^\n:：]{2,40}[:：](?:[ \t*_]*\S+@[\w-]+(?:\.[\w-]+)+[ \t*_]*|[ \t]{6,})$",
    re.MULTILINE,
)
_LINES_ABOVE = 3
# What may stand between a clause's colon and the token: blanks, line breaks, emphasis.
_BEFORE_TOKEN = frozenset(" \t\n*_\"'“«")
_SENTENCE_STOPS = (". ", "! ", "? ", "。")


def listed_credential(text: str, start: int, end: int) -> bool:
    """The token at ``start:end`` is the value of a password field (not a one-time one)
    listed within a few lines under a field holding an e-mail address."""
    line_start = text.rfind("\n", 0, start) + 1
    field = _FIELD.fullmatch(text, line_start, start)
    if field is None:
        return False
    label = field.group(1)
    if PASSWORD_NOUNS.search(label) is None or specific_code_phrase(label):
        return False
    line_end = text.find("\n", end)
    if text[end : len(text) if line_end < 0 else line_end].strip(" \t*_\"'”»"):
        return False
    above = line_start
    for _ in range(_LINES_ABOVE):
        if above == 0:
            break
        above = text.rfind("\n", 0, above - 1) + 1
    return _ADDRESS_FIELD.search(text, above, max(above, line_start - 1)) is not None


def password_given(text: str, start: int) -> bool:
    """The clause right before the token ends in a colon and names a password, neither a
    one-time one nor a code ("Wir haben ein Passwort für Dich generiert:⏎8lQuGuBJ",
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
        and not specific_code_phrase(clause)
    )
