"""Issue 10's failure classes, one short mail each: a code the mail hands over yields only to a
claim on that very token; mixed-case, prefixed and passphrase codes; shared content."""

from __future__ import annotations

import pytest

from otpbridge.extract import extract_message
from otpbridge.extract.codes.precedence import claims_token, specific_code_phrase


def _mail(subject: str, text: str) -> bytes:
    head = f"From: a@b.example\r\nTo: c@d.example\r\nSubject: {subject}\r\n"
    head += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    return head.encode() + text.encode()


@pytest.mark.parametrize(
    ("subject", "text", "code"),
    [
        # a brand holding a claim word, before a specific code phrase
        ("Your GarageHub verification code", "Your Garage verification code is 482913", "482913"),
        ("Sign in", "Your OrderDesk login code is 615283.", "615283"),
        # a claim word elsewhere in the sentence, or in a later one
        ("Ihr Code", "Ihr Bestätigungscode für Ihre Bestellung lautet 847120.", "847120"),
        ("Code", "Your verification code is 339104. Use it to finish your purchase.", "339104"),
        (
            "Code",
            "Here is your verification code: 279017. Use this code for your transaction.",
            "279017",
        ),
        # a typed letter prefix, an origin prefix
        ("Code", "Your sign-in code: enter it including the letters: NW-44970", "NW44970"),
        ("Code", "G-482913 is your Gaiagram verification code.", "482913"),
        # mixed case up to 12, passphrases
        ("Login", "RVWQragqSq48 is your login code.", "RVWQragqSq48"),
        (
            "Login",
            "Your sign-in code is:\n\nmaple-river-stone-cloud\n\nIt expires soon.",
            "maple-river-stone-cloud",
        ),
    ],
)
def test_handed_over_code_is_taken(subject: str, text: str, code: str) -> None:
    result = extract_message(_mail(subject, text))
    assert (result.kind, result.code) == ("otp", code), [c.reason for c in result.candidates]


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for verifying your email. Your order number is 5829103.",
        "Ihre Bestellnummer lautet 40291833.",
        "Your booking code 482913 is confirmed. Show it at the desk.",
        "De nieuwe code van de fietsenstalling is 7309.",
        "Tom sent you a gift card.\n\nGift code: 8JX2-KP4Q-77MZ\n\nPIN: 4820",
        "Use the promo phrase summer-sun-beach-fun at checkout for 20% off.",
        "Hi, the code 493021 from your screenshot no longer works. Request a new one.",
        "Thanks for buying a gift card!\n\nGift card security code: 4821",
        "Payment of $20.00 approved. Transaction security code 4821.",
        "Your account is ready.\n\nYour verification code\n\nMcKinsey\n\nThanks",
        "Ticket verification code: 4821-7730\n\nShow it at gate B.",
    ],
)
def test_claimed_or_old_numbers_are_not_codes(text: str) -> None:
    result = extract_message(_mail("Update", text))
    assert result.code is None, [c.reason for c in result.candidates]


@pytest.mark.parametrize(
    "text",
    [
        "Your new code is 482913 and your old code has expired.",
        "Your verification code is 482913 and the previous one no longer works.",
        "Your verification code is 482913 because the last code expired.",
        "Ihr neuer Code lautet 482913, der alte ist abgelaufen.",
    ],
)
def test_an_old_code_said_to_be_expired_takes_no_new_one(text: str) -> None:
    result = extract_message(_mail("Your code", text))
    assert result.code == "482913", [c.reason for c in result.candidates]


def test_code_in_sign_in_url_gives_code_and_link() -> None:
    url = "https://id.example/verify?otp=RVWQragqSq48"
    result = extract_message(_mail("Login", f"RVWQragqSq48 is your login code.\n\nLog in: {url}\n"))
    assert (result.kind, result.code, result.link) == ("otp", "RVWQragqSq48", url)


@pytest.mark.parametrize(
    ("subject", "line"),
    [
        ("Anna shared a document with you", "Open document"),
        ("Anna Schmidt hat ein Dokument mit Ihnen geteilt", "Öffnen"),
    ],
)
def test_shared_content_is_no_confirm_link(subject: str, line: str) -> None:
    url = "https://docs.example/d/1xQ9vKp3LmZr8TbW2nYc/edit?invite=7Hk2Pq"
    result = extract_message(_mail(subject, f"{subject}.\n\n{line}: {url}\n"))
    assert result.kind == "none", result.links
    assert result.link is None


def test_claims_token_reads_the_gap() -> None:
    text = "order number: 4821 / Bestellnummer lautet 4821 / Bestellung lautet 4821"
    assert claims_token(text, "order", 5, text.index("4821"))
    second = text.index("4821", 20)
    assert claims_token(text, "Bestellnummer", second - len(" lautet "), second)
    third = text.rindex("4821")
    assert not claims_token(text, "Bestellung", third - len(" lautet "), third)


def test_specific_code_phrases() -> None:
    assert specific_code_phrase("verification code")
    assert specific_code_phrase("Anmeldecode")
    assert not specific_code_phrase("code:")
    assert not specific_code_phrase("your code")


def test_shared_content_keeps_a_link_that_asks_to_verify() -> None:
    url = "https://app.example/verify-email?token=9f3c2a7b1e6d4c08a5b2e9f7d3c1a6b4"
    text = f"Lena shared a document with you.\n\nVerify your email to open it: {url}\n"
    result = extract_message(_mail("Lena shared a document with you", text))
    assert (result.kind, result.link) == ("confirm_link", url)
