"""DocuSeal (AGPL-3.0; fetched, never committed): its ERB mailer views (signer e-mail code,
password reset, user invitation, submission completed and declined notices) with the strings of
``config/locales/i18n.yml`` and the subjects of ``app/mailers``; the reset subject is Devise's
English default (DocuSeal does not translate it). The outer layout is a simple one written
here."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path

from kit import Layout, esc, fill, lang_of, load_yaml, text_of
from model import Mail, Source
from values import Values

_Y = "config/locales/i18n.yml"
_V = "app/views/"
LOCALES = ("en", "es", "it", "fr", "pt", "de", "nl", "pl", "uk", "cs", "he", "ar", "ko", "ja")
# view -> (kind, class, subject key (or "=fixed"), subject arguments)
_MAILS = {
    "submitter_mailer/otp_verification_email": ("otp", "otp_generic", "email_verification"),
    "devise/mailer/reset_password_instructions": (
        "reset_link",
        "reset_password",
        "=Reset password instructions",
    ),
    "user_mailer/invitation_email": (
        "confirm_link",
        "invite_accept",
        "you_are_invited_to_product_name",
    ),
    "submitter_mailer/completed_email": (
        "none",
        "notification",
        "template_name_has_been_completed_by_submitters",
    ),
    "submitter_mailer/declined_email": ("none", "notification", "name_declined_by_submitter"),
}
SOURCE = Source(
    project="docuseal",
    repo="docusealco/docuseal",
    commit="a2d8b855491793870b7b4acf176d2d95ae95ff83",
    licence="AGPL-3.0-only",
    files=(_Y, *(f"{_V}{m}.html.erb" for m in _MAILS)),
)
_DOCS = ("NDA 2026 - Contractor", "Lease agreement Flat 4B", "Consent form", "Offer letter")
_REASONS = ("The start date is wrong, please fix section 2.", "Wrong company address.")
_T = re.compile(r"(?:I18n\.)?t\(:?'?(\w+)'?(?:, (.*))?\)\Z", re.S)
_LINK = re.compile(r"link_to ((?:I18n\.)?t\([^)]*\)|[^,]+), (.+)\Z", re.S)


def _erb(src: str, ev: object) -> str:
    src = re.sub(r"<% if [^%]*%>.*?<% else %>(.*?)<% end %>", r"\1", src, flags=re.S)
    src = re.sub(r"<%(?!=).*?%>\n?", "", src, flags=re.S)
    return re.sub(r"<%=\s*(.*?)\s*%>", lambda m: ev(m.group(1)), src, flags=re.S)  # type: ignore[operator]


def _render(root: Path, locale: str, view: str, v: Values) -> Mail | None:
    kind, cls, subj = _MAILS[view]
    tree = load_yaml(root / _Y)
    tr: Mapping[str, object] = tree[locale]
    base = f"https://sign.{v.domain}"
    code = v.digits(6)
    doc = v.rng.choice(_DOCS)
    link = {
        "devise/mailer/reset_password_instructions": f"{base}/users/password/edit?"
        f"reset_password_token={v.token(20)}",
        "user_mailer/invitation_email": f"{base}/invitation?reset_password_token={v.token(20)}",
    }.get(view)
    signer = v.other_name()
    exprs = {
        "@resource.first_name": esc(v.first),
        "@user.first_name": esc(v.first),
        "@submitter.submission.name || @submitter.submission.template&.name": esc(doc),
        "@otp_code": code,
        "Docuseal.product_name": "DocuSeal",
        "@current_account.name": esc(f"{v.brand} Legal"),
        "@user.account.name": esc(f"{v.brand} Legal"),
        "edit_password_url(@resource, reset_password_token: @token)": esc(link or ""),
        "invitation_url(reset_password_token: @token)": esc(link or ""),
        "submission_url(@submitter.submission)": f"{base}/submissions/{v.digits(5)}",
        "@submitter.name || @submitter.email || @submitter.phone": esc(signer),
    }

    def t(key: str, args: Mapping[str, str]) -> str:
        text = tr[key]
        if not isinstance(text, str):
            raise KeyError(key)
        return fill(text, args, "percent")

    def ev(expr: str) -> str:
        expr = " ".join(expr.split())
        if expr in exprs:
            return exprs[expr]
        tern = re.fullmatch(r"(@\w+\.first_name)\.present\? \? (.+?) : (t\('\w+'\))", expr)
        if tern:
            return ev(tern.group(2))
        if expr.startswith("simple_format("):
            return f"<p>{esc(v.rng.choice(_REASONS))}</p>"
        m = _LINK.fullmatch(expr)
        if m:
            return f'<a href="{ev(m.group(2))}">{ev(m.group(1))}</a>'
        m = _T.fullmatch(expr)
        if m:
            args = {}
            for part in re.split(r", (?=\w+: )", m.group(2) or ""):
                if part:
                    name, _, value = part.partition(": ")
                    args[name] = esc(signer) if ".map" in value else ev(value)
            return t(m.group(1), args)
        raise KeyError(expr)

    body = _erb((root / f"{_V}{view}.html.erb").read_text(encoding="utf-8"), ev)
    sub_args = {
        "name": doc,
        "template_name": doc,
        "submitters": signer,
        "submitter": signer,
        "product_name": "DocuSeal",
    }
    subject = subj[1:] if subj.startswith("=") else t(subj, sub_args)
    # ReplaceEmailVariables fills the template variables a subject string may carry
    for var, val in (("{template.name}", doc), ("{submission.submitters}", signer)):
        subject = subject.replace(var, val)
    html = Layout("DocuSeal", "#291334").raw(body).html()
    return Mail(
        template=view,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"DocuSeal <info@{v.domain}>",
        html=html,
        text=text_of(html),
        code=code if kind == "otp" else None,
        code_display=code if kind == "otp" else None,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for view in _MAILS:
        for locale in LOCALES:
            yield f"{view}-{locale}", locale, partial(_render, root, locale, view)
