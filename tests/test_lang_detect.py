"""The language guess that ``Extraction.language`` reports: script first, then the words."""

from __future__ import annotations

import pytest

from otpbridge.extract.lang.detect import detect_language

_SCHOOL = "Trường THPT Nguyễn Du"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A Vietnamese school's name in the header and footer of an English or French mail.
        (
            f"{_SCHOOL}\nHello Anna, you sent a request using safe mode in website {_SCHOOL}. "
            f"Below is the key for your account. This is an automatic message from {_SCHOOL}.",
            "en",
        ),
        (
            f"{_SCHOOL}\nBonjour Claire, vous avez demandé le mode sans échec sur le site "
            f"{_SCHOOL}. Pour valider le changement, saisissez le code dans votre compte.",
            "fr",
        ),
        # Portuguese and Romanian write "â ê ô ă", which are Vietnamese letters too.
        (
            "Olá, você pediu para redefinir sua senha. Clique no botão abaixo para "
            "escolher uma nova senha. Você também pode ignorar esta mensagem.",
            "pt",
        ),
        (
            "Bună ziua, am primit o cerere pentru resetarea parolei contului dumneavoastră. "
            "Dacă nu ați solicitat acest lucru, vă rugăm să ignorați acest mesaj și să "
            "păstrați parola în siguranță.",
            "ro",
        ),
        (
            "Xin chào, mã xác nhận của bạn là 482913. Vui lòng không chia sẻ mã này với "
            "người khác. Mã sẽ hết hạn sau 10 phút.",
            "vi",
        ),
        # Spanish writes "de" and "en" as often as Dutch does: shared words count by share.
        (
            "Hola, hemos recibido una solicitud de cambio de contraseña en tu cuenta. "
            "Si no fuiste tú, ignora este mensaje.",
            "es",
        ),
        (
            "Rebeu aquest missatge perquè heu demanat restablir la contrasenya del vostre "
            "compte. Si no ho heu demanat, ignoreu-lo.",
            "ca",
        ),
        ("Здравейте, кодът за вход в профила ви е 482913. Въведете го в приложението.", "bg"),
        ("Здраво, ваш код за пријаву је 482913. Унесите га у апликацију.", "sr"),
        ("Здравствуйте, ваш код для входа: 482913. Никому не сообщайте этот код.", "ru"),
        ("آپ کا تصدیقی کوڈ 482913 ہے۔ یہ کوڈ کسی کو نہ بتائیں۔", "ur"),
        ("کد تأیید شما 482913 است. این کد را به کسی ندهید.", "fa"),
        # Too few words to vote: the letters alone still say Vietnamese.
        ("Mã xác thực để đăng nhập: 482913", "vi"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected
