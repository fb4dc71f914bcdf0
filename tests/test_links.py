"""find_links on hand-built Documents: exclusions, classification, unwrapping, ranking."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest

from otpbridge.extract.links.choose import PRIMARY_MIN_SCORE, find_links
from otpbridge.extract.links.unwrap import unwrap_url
from otpbridge.extract.links.url_signatures import analyse_url
from otpbridge.extract.model import LinkCandidate
from otpbridge.extract.parse.document import Anchor, Document

TOKEN = "Hk8Qz2Lm9Xw4Rt7Vb3Nc"


def _a(
    href: str,
    text: str = "",
    context: str = "",
    *,
    source: str = "html",
    hidden: bool = False,
    is_image: bool = False,
    title: str = "",
) -> Anchor:
    return Anchor(href, text, context or text, 0, source, hidden, is_image, title)


def _doc(
    *anchors: Anchor,
    subject: str = "",
    plain_text: str = "",
    list_unsubscribe: tuple[str, ...] = (),
) -> Document:
    numbered = tuple(
        Anchor(a.href, a.text, a.context, i, a.source, a.hidden, a.is_image, a.title)
        for i, a in enumerate(anchors)
    )
    return Document(
        subject=subject,
        plain_text=plain_text,
        anchors=numbered,
        list_unsubscribe=list_unsubscribe,
    )


def _primary(doc: Document) -> LinkCandidate | None:
    return next((c for c in find_links(doc) if c.kind and c.score >= PRIMARY_MIN_SCORE), None)


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (f"https://p.firebaseapp.com/__/auth/action?mode=signIn&oobCode={TOKEN}", "magic_link"),
        (
            f"https://p.firebaseapp.com/__/auth/action?mode=verifyEmail&oobCode={TOKEN}",
            "confirm_link",
        ),
        (
            f"https://p.firebaseapp.com/__/auth/action?mode=resetPassword&oobCode={TOKEN}",
            "reset_link",
        ),
        (f"https://x.supabase.co/auth/v1/verify?token={TOKEN}&type=magiclink", "magic_link"),
        (f"https://x.supabase.co/auth/v1/verify?token={TOKEN}&type=signup", "confirm_link"),
        (f"https://x.supabase.co/auth/v1/verify?token={TOKEN}&type=invite", "confirm_link"),
        (f"https://x.supabase.co/auth/v1/verify?token={TOKEN}&type=email_change", "confirm_link"),
        (f"https://x.supabase.co/auth/v1/verify?token={TOKEN}&type=recovery", "reset_link"),
        (f"https://a.example/api/auth/callback/email?callbackUrl=%2F&token={TOKEN}", "magic_link"),
        (f"https://a.example/api/auth/magic-link/verify?token={TOKEN}", "magic_link"),
        (f"https://a.example/users/confirmation?confirmation_token={TOKEN}", "confirm_link"),
        (f"https://a.example/users/password/edit?reset_password_token={TOKEN}", "reset_link"),
        (f"https://a.example/accounts/confirm-email/{TOKEN}/", "confirm_link"),
        (
            "https://a.example/email/verify/7/0a1b2c3d4e5f6a7b8c9d?expires=1&signature=ab12cd",
            "confirm_link",
        ),
        (f"https://a.example/reset/MTIz/c4x9k2-{'ab' * 16}/", "reset_link"),
        (f"https://a.example/self-service/recovery?flow=1&token={TOKEN}", "reset_link"),
        (f"https://a.example/_/#/auth/confirm-password-reset/{TOKEN}", "reset_link"),
        (f"https://a.example/#/verify-recover-delete?userId=1&token={TOKEN}", "confirm_link"),
        (f"https://a.example/auth/magic-url?userId=1&secret={TOKEN}", "magic_link"),
        (f"https://a.example/invitations/accept?invitation_token={TOKEN}", "confirm_link"),
    ],
)
def test_url_signatures_and_path_words(url: str, kind: str) -> None:
    facts = analyse_url(url)
    assert facts is not None
    assert facts.secret
    assert facts.kind == kind
    best = _primary(_doc(_a(url, "Continue")))
    assert best is not None
    assert best.kind == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Sign in to Acme", "magic_link"),
        ("Jetzt anmelden", "magic_link"),
        ("Se connecter", "magic_link"),
        ("ログイン", "magic_link"),
        ("登录", "magic_link"),
        ("Войти", "magic_link"),
        ("Verify email address", "confirm_link"),
        ("E-Mail-Adresse bestätigen", "confirm_link"),
        ("Confirmer mon adresse", "confirm_link"),
        ("Confirmar correo", "confirm_link"),
        ("Potwierdź adres", "confirm_link"),
        ("Подтвердить почту", "confirm_link"),
        ("E-postanı doğrula", "confirm_link"),
        ("تأكيد البريد الإلكتروني", "confirm_link"),
        ("אשר את הכתובת", "confirm_link"),
        ("メールアドレスを確認する", "confirm_link"),
        ("验证邮箱", "confirm_link"),
        ("이메일 확인", "confirm_link"),
        ("Xác nhận email", "confirm_link"),
        ("Reset password", "reset_link"),
        ("Passwort zurücksetzen", "reset_link"),
        ("Réinitialiser le mot de passe", "reset_link"),
        ("Restablecer contraseña", "reset_link"),
        ("Redefinir senha", "reset_link"),
        ("Сбросить пароль", "reset_link"),
        ("비밀번호 재설정", "reset_link"),
        ("重置密码", "reset_link"),
        ("Change my password", "reset_link"),
    ],
)
def test_anchor_text_classifies_opaque_url(text: str, kind: str) -> None:
    url = f"https://app.example/e/{TOKEN}"
    best = _primary(_doc(_a(url, text)))
    assert best is not None
    assert (best.url, best.kind, best.text) == (url, kind, text)


@pytest.mark.parametrize(
    "anchor",
    [
        _a(f"https://app.example/e/{TOKEN}", "Unsubscribe"),
        _a(f"https://app.example/e/{TOKEN}", "Abmelden"),
        _a(f"https://app.example/e/{TOKEN}", "Se désabonner"),
        _a(f"https://app.example/e/{TOKEN}", "退订"),
        _a(f"https://app.example/e/{TOKEN}", "", "Don't want these mails? Unsubscribe"),
        _a(f"https://app.example/unsubscribe?u={TOKEN}", "Confirm"),
        _a(f"https://app.example/e/{TOKEN}", "Verify", hidden=True),
        _a(f"https://app.example/e/{TOKEN}", "", is_image=True),
        _a(f"https://app.example/static/{TOKEN}.png", "Verify"),
        _a("mailto:support@app.example?subject=verify", "Verify"),
        _a("tel:+4930123456", "Verify"),
        _a("https://app.example/", "Sign in"),
        _a("https://twitter.com/appexample", "Follow us"),
        _a("https://apps.apple.com/app/id123456789", "Download on the App Store"),
        _a("https://app.example/help/getting-started", "Help"),
        _a("https://app.example/legal/privacy", "Privacy"),
    ],
)
def test_excluded_links(anchor: Anchor) -> None:
    assert find_links(_doc(anchor)) == ()


def test_list_unsubscribe_header_url_is_excluded() -> None:
    url = f"https://lists.example/s/{TOKEN}"
    doc = _doc(_a(url, "Confirm subscription"), list_unsubscribe=(url,))
    assert find_links(doc) == ()


def test_image_button_with_alt_text_counts() -> None:
    url = f"https://app.example/activate?key={TOKEN}"
    doc = _doc(_a(url, "", is_image=True, title="Activate account"))
    best = _primary(doc)
    assert best is not None
    assert best.kind == "confirm_link"


@pytest.mark.parametrize(
    ("anchor", "subject"),
    [
        (_a("https://app.example/ui/login/", "Login"), "Your password has been changed"),
        (_a(f"https://app.example/revoke/one-time-code?id={TOKEN}", "Revoke"), "Confirm"),
        (_a(f"https://app.example/e/{TOKEN}", "Not you? Report it"), "Sign in to Acme"),
        (_a(f"https://news.example/view/{TOKEN}", "View in browser"), "Confirm your seat"),
        (
            _a(f"https://shop.example/orders/1?token={TOKEN}", "View your order"),
            "Order confirmation",
        ),
        (_a(f"https://app.example/password/reset?t={TOKEN}", "Reset"), "Your password was changed"),
        (_a(f"https://app.example/e/{TOKEN}", "Read more"), "Verify your email"),
    ],
)
def test_no_primary_link(anchor: Anchor, subject: str) -> None:
    assert _primary(_doc(anchor, subject=subject)) is None


def test_generic_label_reads_its_sentence() -> None:
    url = f"https://app.example/x/{TOKEN}"
    doc = _doc(_a(url, "click here", "To confirm your e-mail address, click here."))
    best = _primary(doc)
    assert best is not None
    assert best.kind == "confirm_link"


def test_bare_text_url_reads_its_line() -> None:
    url = f"https://app.example/x/{TOKEN}"
    doc = _doc(_a(url, "", "Choose a new password here: " + url, source="text"))
    best = _primary(doc)
    assert best is not None
    assert best.kind == "reset_link"


def test_same_url_twice_is_one_candidate_with_the_best_text() -> None:
    url = f"https://app.example/verify?token={TOKEN}"
    doc = _doc(_a(url, url, source="text"), _a(url, "Verify email"))
    links = find_links(doc)
    assert [(c.url, c.text) for c in links] == [(url, "Verify email")]


def test_primary_comes_first_and_scores_are_bounded() -> None:
    cta = f"https://app.example/verify?token={TOKEN}"
    doc = _doc(
        _a("https://app.example/login", "Log in"),
        _a(f"https://app.example/revoke?token={TOKEN}", "Revoke"),
        _a(cta, "Verify email"),
        subject="Verify your email",
    )
    links = find_links(doc)
    assert links[0].url == cta
    assert all(0.0 <= c.score <= 1.0 for c in links)
    assert links[0].score > max(c.score for c in links[1:])


def test_html_unescaping_and_trailing_punctuation() -> None:
    url = f"https://app.example/verify?token={TOKEN}&uid=7"
    doc = _doc(_a(f"https://app.example/verify?token={TOKEN}&amp;uid=7).", "Verify"))
    best = _primary(doc)
    assert best is not None
    assert best.url == url


def test_opaque_wrapper_loses_to_the_url_in_the_text_part() -> None:
    real = f"https://app.example/account/verify-email?token={TOKEN}"
    wrapper = f"https://u1.ct.sendgrid.net/ls/click?upn={TOKEN}{TOKEN}"
    doc = _doc(
        _a(wrapper, "Verify email address"),
        _a(real, "", "Open this link to confirm: " + real, source="text"),
        plain_text="Open this link to confirm: " + real,
    )
    best = _primary(doc)
    assert best is not None
    assert best.url == real


def test_opaque_wrapper_alone_is_kept() -> None:
    wrapper = f"https://u1.ct.sendgrid.net/ls/click?upn={TOKEN}{TOKEN}"
    best = _primary(_doc(_a(wrapper, "Verify email address")))
    assert best is not None
    assert best.url == wrapper


def test_wrapper_whose_text_is_the_target_url() -> None:
    real = f"https://app.example/verify?token={TOKEN}"
    wrapper = f"https://click.mailer.example/c/{TOKEN}"
    best = _primary(_doc(_a(wrapper, real)))
    assert best is not None
    assert best.url == real


TARGET = f"https://app.example/password/reset?token={TOKEN}&user=42"


@pytest.mark.parametrize(
    "wrapped",
    [
        "https://eur02.safelinks.protection.outlook.com/?url="
        + quote(TARGET, safe="")
        + "&data=05%7C02&sdata=abc&reserved=0",
        "https://urldefense.proofpoint.com/v2/url?u="
        + quote(TARGET, safe="").replace("%", "-").replace("/", "_")
        + "&d=DwMFaQ&c=x&r=y&m=z&s=w&e=",
        "https://urldefense.com/v3/__" + TARGET + "__;!!abc!def$",
        "https://mailer.example/redirect?url=" + quote(TARGET, safe=""),
        "https://x.resend-clicks-a.com/CL0/" + quote(TARGET, safe="") + "/1/0100abc/xyz=",
        # ESP click URLs carrying the target encoded: Mailjet (base64url path segment),
        # Customer.io (base64 JSON "href"), Mandrill (base64 JSON nesting a JSON "url"),
        # a scheme-less percent-encoded target as a tracker's path segment.
        "https://ab12c.mjt.lu/lnk/AUkAAF2x/2/Xw8rT3nQ/"
        + base64.urlsafe_b64encode(TARGET.encode()).decode().rstrip("="),
        "https://e.customeriomail.com/e/c/"
        + base64.urlsafe_b64encode(json.dumps({"href": TARGET, "link_id": 4}).encode()).decode()
        + "/9c03f8",
        "https://mandrillapp.com/track/click/30123456/app.example?p="
        + base64.b64encode(
            json.dumps({"s": "4a1b", "v": 1, "p": json.dumps({"u": 1, "url": TARGET})}).encode()
        ).decode(),
        "https://click.pstmrk.it/3s/" + quote(TARGET[8:], safe="") + "/AbCdEf/GhIj",
    ],
)
def test_wrappers_decode_offline(wrapped: str) -> None:
    assert unwrap_url(wrapped) == TARGET
    best = _primary(_doc(_a(wrapped, "Reset password")))
    assert best is not None
    assert (best.url, best.kind) == (TARGET, "reset_link")


def test_proofpoint_v3_restores_replaced_characters() -> None:
    # v3 swaps some characters for "*" and lists them base64url-encoded after "__;".
    wrapped = "https://urldefense.com/v3/__https://app.example/verify?token=abc*uid=7__;Jg!!x$"
    assert unwrap_url(wrapped) == "https://app.example/verify?token=abc&uid=7"


def test_login_callback_keeps_its_callback_url() -> None:
    url = f"https://a.example/api/auth/callback/email?callbackUrl=https%3A%2F%2Fa.example%2F&token={TOKEN}"
    assert unwrap_url(url) == url


def test_huge_catalogue_is_cut_in_document_order() -> None:
    cta = f"https://app.example/verify?token={TOKEN}"
    products = [
        _a(f"https://shop.example/p/{i}?ref={TOKEN}{i}", f"Product {i}") for i in range(3000)
    ]
    doc = _doc(_a(cta, "Verify email"), *products, plain_text="x" * 1_000_000)
    links = find_links(doc)
    assert len(links) <= 300
    assert links[0].url == cta
