"""find_expiry: stated validity periods in many languages, and durations that are not one."""

from __future__ import annotations

import pytest

from otpbridge.extract.expiry import find_expiry


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("This code is valid for 10 minutes.", 600),
        ("The link expires in 1 hour.", 3600),
        ("Please confirm within 24 hours.", 86400),
        ("This link will expire in 1 hour and 30 minutes.", 5400),
        ("This link is valid for an hour.", 3600),
        ("The link is valid for half an hour.", 1800),
        ("The code will expire in twenty-four hours", 86400),
        ("Link valid 24h", 86400),
        ("Der Code ist 15 Minuten gültig.", 900),
        ("Link gültig für eine Stunde.", 3600),
        ("Ce lien expire dans 10 minutes.", 600),
        ("Este código caduca en 30 minutos.", 1800),
        ("O código expira em 5 minutos.", 300),
        ("Il codice scade tra 10 minuti.", 600),
        ("De code is 10 minuten geldig.", 600),
        ("Kod jest ważny przez 15 minut.", 900),
        ("Link wygaśnie po 1 godzinie.", 3600),
        ("Код действителен в течение 15 минут.", 900),
        ("Код действителен в течение часа.", 3600),
        ("Код дійсний протягом 10 хвилин.", 600),
        ("Kod 10 dakika boyunca geçerlidir.", 600),
        ("الرمز صالح لمدة 10 دقائق", 600),
        ("هذا الرمز صالح لمدة ساعة واحدة", 3600),
        ("الرابط صالح لمدة ساعتين.", 7200),
        ("הקוד בתוקף ל-10 דקות", 600),
        ("این کد به مدت ۵ دقیقه معتبر است", 300),
        ("验证码15分钟内有效，请勿泄露。", 900),
        ("此链接将在 24 小时后失效", 86400),
        ("認証コードは10分以内に入力してください。", 600),
        ("このコードは15分後に失効します。", 900),
        ("このリンクの有効期限は24時間です。", 86400),
        ("유효시간 5분", 300),
        ("이 코드는 10분 동안 유효합니다.", 600),
        ("Mã có hiệu lực trong 5 phút.", 300),
        ("यह कोड 10 मिनट के लिए मान्य है।", 600),
        ("কোডটি 10 মিনিটের জন্য বৈধ।", 600),
        ("Autentícate en los próximos cinco minutos.", 300),
    ],
)
def test_stated_validity(text: str, seconds: int) -> None:
    assert find_expiry(text) == seconds


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Your order ships in 2 days. Call us 24 hours a day.",
        "Signed in 5 minutes ago from Berlin.",
        "Meeting at 10:15, valid ticket for 2025年6月1日.",
        "Token eyJhbGciOiJIUzI1NiJ9.ALnIJ6H9eTs8C expires soon",
        "Valid until 12.06.2025",
    ],
)
def test_no_validity_stated(text: str) -> None:
    assert find_expiry(text) is None


def test_code_expiry_wins_over_later_support_promise() -> None:
    text = "This code expires in 10 minutes. Our support team answers within 24 hours."
    assert find_expiry(text) == 600


def test_validity_word_beats_within_word() -> None:
    text = "Reply within 2 days if you have questions. The link is valid for 30 minutes."
    assert find_expiry(text, "en") == 1800


def test_absurd_durations_are_ignored() -> None:
    assert find_expiry("Your backup codes are valid for 365 days.") is None


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("Kodi është i vlefshëm për 10 minuta.", 600),
        ("Kod 10 dəqiqə ərzində etibarlıdır.", 600),
        ("კოდი მოქმედებს 10 წუთის განმავლობაში.", 600),
        ("Կոդը վավեր է 10 րոպե։", 600),
        ("Код дзейнічае 10 хвілін.", 600),
        ("Mae'r cod yn ddilys am 10 munud.", 600),
        ("कोड १० मिनेटसम्म मान्य छ।", 600),
        ("លេខកូដនេះមានសុពលភាពក្នុងរយៈពេល 10 នាទី។", 600),
        ("Esteka 24 ordutan baliozkoa da.", 86400),
        ("Сілтеме 24 сағат ішінде жарамды.", 86400),
        ("Холбоос 24 цагийн турш хүчинтэй.", 86400),
        ("Die skakel is 24 uur geldig.", 86400),
        ("ლინკი მოქმედებს 24 საათის განმავლობაში.", 86400),
    ],
)
def test_duration_units_of_the_newer_language_files(text: str, seconds: int) -> None:
    assert find_expiry(text) == seconds
