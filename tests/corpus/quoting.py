"""Hard negatives made from positives: a reply or a forward that quotes an old mail's code.

The wrapper lines are the usual mail-client ones (written here, per language); the quoted
part is the project's rendered mail. Such a mail hands nothing over, so its truth is
``none``. About one positive in six gets one such sibling.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace

from kit import text_of
from model import Mail
from values import Values

__all__ = ["quote_variants"]

# language: (reply prefix, forward prefix, reply line, "on DATE NAME wrote:", forward note)
_WRAP = {
    "en": (
        "Re: ",
        "Fwd: ",
        "Thanks, sorted now - ignore my last message.",
        "On {d}, {n} wrote:",
        "FYI, see below.",
    ),
    "de": ("AW: ", "WG: ", "Danke, hat sich erledigt.", "Am {d} schrieb {n}:", "Zur Info."),
    "fr": ("RE: ", "TR: ", "Merci, c'est réglé.", "Le {d}, {n} a écrit :", "Pour info."),
    "es": ("RE: ", "RV: ", "Gracias, ya está resuelto.", "El {d}, {n} escribió:", "Para tu info."),
    "it": ("R: ", "I: ", "Grazie, risolto.", "Il giorno {d} {n} ha scritto:", "Per info."),
    "pt": ("RE: ", "ENC: ", "Obrigado, já resolvi.", "Em {d}, {n} escreveu:", "Para informação."),
    "nl": ("Re: ", "Doorst: ", "Bedankt, het is gelukt.", "Op {d} schreef {n}:", "Ter info."),
}
_FWD_HEAD = "---------- Forwarded message ---------"


def quote_variants(mail: Mail, v: Values, rng: random.Random) -> Iterator[tuple[str, Mail]]:
    yield "", mail
    if mail.kind == "none" or mail.language not in _WRAP or rng.random() > 0.17:
        return
    re_p, fw_p, line, on, note = _WRAP[mail.language]
    old = mail.text if mail.text else text_of(mail.html or "")
    when = v.when("%a, %d %b %Y at %H:%M")
    if rng.random() < 0.5:
        quoted = "\n".join("> " + x if x else ">" for x in old.splitlines())
        body = f"{line}\n\n{on.format(d=when, n=mail.sender)}\n{quoted}\n"
        subject, tag = re_p + mail.subject, "reply"
    else:
        body = (
            f"{note}\n\n{_FWD_HEAD}\nFrom: {mail.sender}\nDate: {when}\n"
            f"Subject: {mail.subject}\nTo: {v.email}\n\n{old}"
        )
        subject, tag = fw_p + mail.subject, "forward"
    yield (
        f"__{tag}",
        replace(
            mail,
            template=f"{mail.template}+{tag}",
            kind="none",
            cls=f"quoted_{tag}",
            subject=subject,
            sender=f"{v.name} <{v.email}>",
            text=body,
            html=None,
            code=None,
            code_display=None,
            link=None,
            notes=f"{tag} quoting an old {mail.kind} mail",
            headers={"In-Reply-To": f"<old-{rng.randrange(10**9)}@{v.host}>"},
        ),
    )
