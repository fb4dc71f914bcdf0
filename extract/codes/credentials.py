"""Account credentials a mail lists: a password on the line under the address it signs in
with ("E-mail address: ana@x.example⏎Password: bUbzVvSA5") is a welcome mail's login
details, handed over to keep, not a one-time code."""

from __future__ import annotations

import re

from otpbridge.extract.codes.keywords import PASSWORD_NOUNS
from otpbridge.extract.codes.precedence import specific_code_phrase

__all__ = ["listed_credential"]

# "Password: ", "Kennwort : ", "* **Password:** " — a field label alone before the token.
_FIELD = re.compile(r"[ \t*_>-]*([^\n:：]{2,40}?)[ \t*_]*[:：][ \t*_\"'“«]*")
# A field whose value is an e-mail address: the login the password goes with. The scorer
# reads text whose addresses and URLs are blanked to spaces, so a long blank is one.
_ADDRESS_FIELD = re.compile(
    r"^[^\n:：]{2,40}[:：](?:[ \t*_]*\S+@[\w-]+(?:\.[\w-]+)+[ \t*_]*|[ \t]{6,})$",
    re.MULTILINE,
)
_LINES_ABOVE = 3


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
