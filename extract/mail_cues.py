"""Whole-mail cues: what kind of mail this is (a card receipt, a reservation, a meeting
invitation), in every language the extractor reads.

A code word inside such a mail may name something else than a sign-in code: the card slip's
authorisation code, the booking's PIN, the meeting's passcode.
"""

from __future__ import annotations

import re

from otpbridge.extract.keywords import compile_table

__all__ = [
    "CARD_AUTHORIZATION",
    "EVENT_CUES",
    "GIFT_CARD_CUES",
    "MEETING_CUES",
    "RECEIPT_CUES",
    "RESERVATION_CUES",
    "card_authorization",
    "reports_card_payment",
]

# A card slip's authorisation code ("Auth code: 081234") approves a payment, a convenience
# store slip's 確認番号 confirms one; on a receipt such a phrase names no sign-in code.
_CARD_AUTH: dict[str, str] = {
    "en": "auth code|authorization code|authorisation code|approval code",
    "de": "autorisierungscode|genehmigungscode",
    "fr": "code d'autorisation|code d’autorisation",
    "es": "código de autorización",
    "pt": "código de autorização|código de aprovação",
    "it": "codice di autorizzazione",
    "nl": "autorisatiecode",
    "pl": "kod autoryzacji",
    "ru": "код авторизации",
    "ja": "承認コード|承認番号|確認番号",
    "zh": "授权码|授權碼",
    "ko": "승인번호|승인 번호",
    "cs": "autorizační kód",
    "sk": "autorizačný kód",
    "hr": "autorizacijski kod|autorizacijski broj",
    "sv": "auktorisationskod",
    "da": "godkendelseskode",
    "no": "autorisasjonskode",
    "fi": "hyväksymiskoodi|auktorisointikoodi",
    "hu": "engedélyszám|engedélyezési kód",
    "ro": "cod autorizare|cod de autorizare",
    "el": "κωδικός έγκρισης",
    "uk": "код авторизації",
    "tr": "provizyon kodu|provizyon no",
    "vi": "mã chuẩn chi",
    "id": "kode otorisasi",
    "th": "รหัสอนุมัติ",
    "he": "מספר אישור",
    "ca": "codi d'autorització|codi d’autorització",
    "lt": "autorizacijos kodas",
}

# A card payment being reported.
_RECEIPT: dict[str, str] = {
    "en": "receipt|amount paid|payment method|paid with|card ending|charged to|purchase of|"
    "purchase was made|purchase at|transaction alert|was charged|you spent|your card was used",
    "de": "quittung|zahlungsbeleg|kassenbon|zahlungsmethode|bezahlt mit",
    "fr": "reçu|ticket de caisse|moyen de paiement|payé avec",
    "es": "recibo|comprobante de pago|método de pago|pagado con",
    "pt": "recibo|comprovante|forma de pagamento|pago com",
    "it": "ricevuta|scontrino|metodo di pagamento|pagato con",
    "nl": "kassabon|betaalbewijs|betaalmethode|betaald met",
    "ja": "領収|ご利用明細|ご利用金額|ご利用先|カードご利用|お支払い方法|お支払い金額|お支払期限|"
    "お支払い期限|払込番号|払込票",
    "zh": "收据|收據|付款方式|支付方式|支付成功|支付金额|交易流水号|尾号|消费|商户",
    "ko": "영수증|결제 수단|결제금액|결제 금액|결제 완료|가맹점|카드 사용",
    "pl": "potwierdzenie płatności|paragon|zapłacono kartą|transakcja kartą|dostępne środki",
    "tr": "ödeme dekontu|ödeme makbuzu|ödenen tutar",
    "ru": "чек|квитанция|оплачено картой",
    "uk": "квитанція|чек|оплачено карткою",
    "cs": "potvrzení o platbě|účtenka|stvrzenka",
    "sk": "potvrdenie o platbe|pokladničný doklad",
    "hr": "potvrda o plaćanju|račun br|fiskalni račun",
    "sv": "kvitto",
    "da": "kvittering",
    "no": "kvittering",
    "fi": "kuitti|maksutosite",
    "hu": "bizonylat|nyugta",
    "ro": "chitanță|bon fiscal",
    "el": "απόδειξη",
    "vi": "biên lai",
    "id": "struk|bukti pembayaran",
    "th": "ใบเสร็จ",
    "he": "קבלה",
    "ca": "rebut|tiquet",
    "lt": "kvitas|čekis",
    "ar": "إيصال|فاتورة شراء",
}

# A reservation: a bare "PIN" or "code" next to its confirmation number manages the booking.
_RESERVATION: dict[str, str] = {
    "en": "booking|reservation|confirmation number|check-in|check-out|your stay|itinerary|"
    "appointment|guest wi-fi|guest wifi|wi-fi network|wifi network",
    "de": "buchung|reservierung|buchungsnummer|reservierungsnummer|aufenthalt|terminbestätigung|"
    "ihr termin|dein termin|gäste-wlan|gäste-wifi",
    "fr": "réservation|numéro de confirmation|votre séjour|votre rendez-vous|wi-fi invité|"
    "réseau wi-fi",
    "es": "reserva|número de confirmación|tu estancia|su estancia|tu cita|su cita|"
    "wifi de invitados|red wifi",
    "pt": "reserva|número de confirmação|sua estadia|a sua estadia|agendamento|sua consulta",
    "it": "prenotazione|numero di conferma|il tuo soggiorno|appuntamento",
    "nl": "boeking|reservering|bevestigingsnummer|je verblijf|afspraak",
    "pl": "rezerwacj|numer potwierdzenia|pobyt|wizyt",
    "ru": "бронировани|номер подтверждения",
    "uk": "бронювання|номер підтвердження",
    "tr": "rezervasyon|onay numarası|konaklama",
    "ar": "الحجز|رقم التأكيد",
    "he": "הזמנה|מספר אישור",
    "fa": "رزرو",
    "ja": "予約|宿泊",
    "zh": "预订|預訂|预定|入住",
    "ko": "예약|숙박",
    "vi": "đặt phòng|đặt chỗ",
    "sv": "bokning|bokningsnummer",
    "da": "booking|bookingnummer|reservation",
    "no": "reservasjon|bookingnummer",
    "fi": "varaus|varausnumero|varauksesi",
    "cs": "rezervace|rezervaci|číslo rezervace",
    "hu": "foglalás|foglalási szám",
    "ro": "rezervare|rezervarea|număr rezervare",
    "el": "κράτηση|κράτησης|αριθμός κράτησης",
    "id": "pemesanan|reservasi",
    "th": "การจอง|หมายเลขการจอง",
}

# A gift card or voucher being handed over: its PIN spends the balance, it signs nobody in.
_GIFT_CARD: dict[str, str] = {
    "en": "gift card|giftcard|gift certificate|e-gift|egift",
    "de": "geschenkkarte|gutscheinkarte|geschenkgutschein",
    "fr": "carte cadeau|carte-cadeau|chèque cadeau",
    "es": "tarjeta regalo|tarjeta de regalo|cheque regalo",
    "pt": "cartão presente|cartão-presente|vale-presente|cartão oferta",
    "it": "carta regalo|buono regalo|gift card",
    "nl": "cadeaukaart|cadeaubon|giftcard",
    "pl": "karta podarunkowa|karty podarunkowej|bon podarunkowy",
    "ru": "подарочная карта|подарочной карты|подарочный сертификат",
    "tr": "hediye kartı|hediye çeki",
    "ja": "ギフトカード|ギフト券",
    "zh": "礼品卡|禮品卡|购物卡",
    "ko": "기프트카드|기프트 카드|상품권",
    "sv": "presentkort",
    "da": "gavekort",
    "no": "gavekort",
    "fi": "lahjakortti|lahjakortin",
    "cs": "dárková karta|dárkovou kartu|dárkový poukaz",
    "hu": "ajándékkártya|ajándékkártyát|ajándékutalvány",
    "ro": "card cadou|card-cadou",
    "el": "δωροκάρτα|κάρτα δώρου",
    "uk": "подарункова карта|подарунковий сертифікат",
    "ar": "بطاقة هدية|بطاقة الهدايا",
    "he": "כרטיס מתנה|גיפט קארד",
    "vi": "thẻ quà tặng",
    "id": "kartu hadiah|voucher hadiah",
    "th": "บัตรของขวัญ",
}

# An event's subject ("You're registered: Q2 roadmap webinar"): its passcode opens the
# event. Read in the subject only, where a footer's "join our next webinar" cannot reach.
_EVENT: dict[str, str] = {
    "en": "webinar|webcast|livestream|live stream|online event|virtual event|meeting invitation|"
    "registration confirmed|you're registered|you are registered",
    "de": "webinar|webcast|online-veranstaltung|besprechungseinladung",
    "fr": "webinaire|webinar|événement en ligne",
    "es": "seminario web|webinar|evento en línea|evento online",
    "pt": "webinar|webinário|evento online",
    "it": "webinar|evento online",
    "nl": "webinar|online evenement",
    "pl": "webinar|webinarium",
    "ru": "вебинар",
    "uk": "вебінар",
    "tr": "web semineri|webinar",
    "ja": "ウェビナー|オンラインセミナー",
    "zh": "网络研讨会|線上研討會|直播",
    "ko": "웨비나",
}

# A conference-call invitation: its passcode opens a meeting, not an account.
_MEETING: dict[str, str] = {
    "en": "meeting id|webinar id|conference id|join zoom meeting|join the meeting|join meeting|"
    "dial-in|dial in|or dial|join by phone|one tap mobile|followed by #|followed by the # key|"
    "followed by the pound key|host key|participant pin|participant code|conference pin",
    "de": "meeting-id|besprechungs-id|konferenz-id|einwahl",
    "fr": "id de réunion|id de la réunion|rejoindre la réunion",
    "es": "id de reunión|unirse a la reunión",
    "pt": "id da reunião|entrar na reunião",
    "it": "id riunione|partecipa alla riunione",
    "nl": "vergadering-id|deelnemen aan vergadering",
    "ja": "ミーティングid|ミーティングに参加",
    "zh": "会议号|会议 id|会议id|加入会议|會議號",
    "ko": "회의 id|회의 참가",
    "pl": "identyfikator spotkania|id spotkania|dołącz do spotkania",
    "ru": "идентификатор конференции|идентификатор встречи|подключиться к конференции",
    "uk": "ідентифікатор конференції|ідентифікатор зустрічі|приєднатися до конференції",
    "cs": "id schůzky|připojte se ke schůzce",
    "sk": "id schôdze|pripojte sa k schôdzi",
    "tr": "toplantı kimliği|toplantıya katıl",
    "sv": "mötes-id|anslut till mötet",
    "da": "møde-id|deltag i mødet",
    "no": "møte-id|bli med i møtet",
    "fi": "kokouksen tunnus|liity kokoukseen",
    "hu": "értekezlet-azonosító|meeting azonosító|csatlakozás az értekezlethez",
    "ro": "id întâlnire|id-ul întâlnirii|alăturați-vă întâlnirii",
    "el": "αναγνωριστικό σύσκεψης|συμμετοχή στη σύσκεψη",
    "ar": "معرف الاجتماع|انضم إلى اجتماع|الانضمام إلى الاجتماع",
    "he": "מזהה פגישה|מזהה הפגישה|הצטרפות לפגישת|להצטרף לפגישה",
    "fa": "شناسه جلسه|پیوستن به جلسه",
    "vi": "id cuộc họp|tham gia cuộc họp",
    "id": "id rapat|bergabung ke rapat|gabung rapat",
    "th": "รหัสการประชุม|เข้าร่วมการประชุม",
}


MEETING_CUES = compile_table(_MEETING)
EVENT_CUES = compile_table(_EVENT)
RESERVATION_CUES = compile_table(_RESERVATION)
RECEIPT_CUES = compile_table(_RECEIPT)
CARD_AUTHORIZATION = compile_table(_CARD_AUTH)
GIFT_CARD_CUES = compile_table(_GIFT_CARD)


def card_authorization(text: str, keyword_end: int) -> bool:
    """The code word ending at ``keyword_end`` is, or ends, a card slip's phrase
    ("Authorization code:" is found as its tail "code:")."""
    label = text[max(0, keyword_end - 40) : keyword_end].rstrip(" \t:：")
    return any(m.end() == len(label) for m in CARD_AUTHORIZATION.finditer(label))


# "Kartica: **** 1032", "card xxxx-4821": a masked card number, as a slip prints it.
_MASKED_CARD = re.compile(r"(?:\*{4}|[xX]{4}|•{4})[ -]?\d{4}(?!\d)")


def reports_card_payment(subject: str, text: str) -> bool:
    """The mail reports a card payment: a receipt's words, or a masked card number."""
    return bool(
        RECEIPT_CUES.search(subject) or RECEIPT_CUES.search(text) or _MASKED_CARD.search(text)
    )
