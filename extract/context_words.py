"""Words around a number that are not about codes at all: what a shop or a booking says
after a price or a count ("2 items", "Flight AZ 1182"), and the verbs one uses with a
one-time code (entering it, signing in), which a booking's reference never gets.
"""

from __future__ import annotations

from otpbridge.extract.keywords import compile_table

__all__ = ["SHOPPING_CUES", "SIGN_IN_VERBS"]

# Words after a code that make it a shopping or travel code ("… at checkout for 10% off",
# "Confirmation code: K7QX2M ⏎ Flight PA 482 departs 07:15").
_SHOPPING: dict[str, str] = {
    "en": "checkout|% off|off your|first order|next order|next purchase|shop now|discount|coupon|"
    "promo|voucher|redeem|gift card|sale ends|offer ends|offer valid|flight|boarding|departs|"
    "departure|itinerary|passenger|check-in date|nights",
    "de": "kasse|rabatt|gutschein|einlösbar|einlösen|bestellwert|einkauf|sparst|sparen|% auf",
    "fr": "réduction|remise|panier|achat|économisez|% sur",
    "es": "descuento|cupón|compra|carrito|ahorra|% en",
    "pt": "desconto|cupom|compra|carrinho|economize|% em",
    "it": "sconto|carrello|acquisto|risparmia|% su",
    "nl": "korting|winkelwagen|aankoop|bespaar|% op",
    "pl": "rabat|zniżk|koszyk|zakup",
    "ru": "скидк|корзин|покупк",
    "tr": "indirim|sepet|alışveriş",
    "ja": "割引|クーポン|購入|お買い物",
    "zh": "优惠|折扣|下单|购物|購物",
    "ko": "할인|쿠폰|구매",
    # Discount and basket words only: a purchase ("köp", "thanh toán") is also what a
    # payment's one-time code confirms.
    "vi": "giảm giá|khuyến mãi|ưu đãi|được giảm",
    "sv": "rabatt|i kassan",
    "da": "rabat|næste ordre",
    "no": "rabatt|i kassen|avslag",
    "fi": "alennus|ostoskori",
    "cs": "sleva|slevu|košík",
    "hu": "kedvezmény|pénztár",
    "ro": "reducere|coș|finalizarea comenzii",
    "el": "έκπτωση|καλάθι",
    "id": "diskon",
    "th": "ส่วนลด",
    "ar": "خصم",
    "he": "הנחה|בקופה",
}

# Entering a code or signing in with it: what one does with a one-time code, not with a
# booking's confirmation code.
_SIGN_IN: dict[str, str] = {
    "en": "enter it|enter the|enter this|enter your|sign in|sign-in|log in|login|verify",
    "de": "gib ihn|geben sie ihn|eingeben|anmelden|einloggen",
    "fr": "saisissez|entrez|vous connecter|te connecter",
    "es": "introduce|introduzca|ingresa|ingrese|iniciar sesión",
    "pt": "digite|insira|fazer login|iniciar sessão",
    "it": "inserisci|inserire|accedere|effettuare l'accesso",
    "nl": "vul deze|voer deze|inloggen|aanmelden",
    "pl": "wprowadź|wpisz|zaloguj",
}


SHOPPING_CUES = compile_table(_SHOPPING)
SIGN_IN_VERBS = compile_table(_SIGN_IN)
