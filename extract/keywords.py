"""Keyword tables for code scoring, in every language the extractor reads.

All languages are matched at once (a German mail may quote an English code line), so the
tables are merged into two compiled patterns: words that announce a one-time code, and words
that announce some other number (order, tracking, promo…). Latin-script entries match at word
starts only, so ``code`` does not fire inside ``barcode`` or ``unicode``; compounds that
contain a code word (``Bestätigungscode``, ``kodunuz``) are listed whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

__all__ = [
    "CODE_KEYWORDS",
    "CODE_NOUNS",
    "NEGATIVE_KEYWORDS",
    "STRONG_CODE_KEYWORDS",
    "compile_table",
    "keyword_spans",
]

# Words that alone make a number a code ("verification code", "OTP", "验证码").
_STRONG: dict[str, str] = {
    "en": "verification code|verify code|security code|login code|log-in code|log in code|"
    "sign-in code|sign in code|signin code|one-time|one time|single-use|passcode|pass code|"
    "otp|2fa|two-factor|two-step|mfa|authentication code|auth code|access code|"
    "confirmation code|activation code|recovery code|temporary code|"
    "one-time password|verification pin|security pin|tan|your code|the code|this code|"
    "following code|code below|code is|code:|verification token|login token|sign-in token|"
    "one-time token|security key|unlock code|reset code|sign-in otp|login otp|your pin is|"
    "your pin:|your pin code|your pin-code|login pin|log-in pin|sign-in pin|one-time pin|"
    "new code|fresh code|passphrase|pass phrase|this phrase|security phrase|login phrase|"
    "sign-in phrase",
    "de": "neuer code|neuen code|code lautet|"
    "bestätigungscode|sicherheitscode|anmeldecode|verifizierungscode|aktivierungscode|"
    "zugangscode|einmalcode|einmalpasswort|einmalkennwort|einmal-passwort|einmal-code|"
    "prüfcode|authentifizierungscode|wiederherstellungscode|mtan|passcode|dein code|ihr code|"
    "folgenden code|den code|der code|diesen code|diesem code|deine pin lautet|ihre pin lautet|"
    "deine pin:|ihre pin:",
    "fr": "nouveau code|"
    "code de vérification|code de sécurité|code de confirmation|code de connexion|"
    "code d'accès|code d’accès|code d'activation|code d’activation|code à usage unique|"
    "mot de passe à usage unique|votre code|le code|ce code|code suivant|"
    "code ci-dessous|votre code pin|ton code pin|votre pin",
    "es": "código de verificación|código de seguridad|código de acceso|código de confirmación|"
    "código de inicio de sesión|código de activación|contraseña de un solo uso|"
    "clave de acceso|clave de confirmación|clave de verificación|clave dinámica|"
    "clave de un solo uso|clave de operaciones|clave de operación|clave otp|clave sms|un solo uso|"
    "tu código|su código|el código|código:|código es|nuevo código|código nuevo|"
    "este código|siguiente código|tu pin es|su pin es|tu pin:|su pin:|tu código pin|"
    "token de acceso|tu token es|su token es",
    "pt": "novo código|"
    "código de verificação|código de segurança|código de acesso|código de confirmação|"
    "código de ativação|código de login|senha de uso único|uso único|"
    "seu código|o código|código:|este código|seguinte código|código abaixo|seu pin|"
    "o seu pin|seu código pin|token de acesso|token de verificação|seu token é|seu token:",
    "it": "nuovo codice|"
    "codice di verifica|codice di sicurezza|codice di accesso|codice di conferma|"
    "codice di attivazione|codice monouso|password monouso|il tuo codice|il codice|"
    "il seguente codice|questo codice|il tuo pin|il tuo codice pin",
    "nl": "nieuwe code|"
    "verificatiecode|beveiligingscode|inlogcode|bevestigingscode|toegangscode|"
    "eenmalige code|eenmalig wachtwoord|je code|uw code|de code|volgende code|deze code|"
    "je pincode|uw pincode",
    "pl": "nowy kod|"
    "kod weryfikacyjny|kod bezpieczeństwa|kod dostępu|kod logowania|kod potwierdzający|"
    "kod jednorazowy|hasło jednorazowe|kod aktywacyjny|kod autoryzacyjny|kod autoryzacji|kod sms|"
    "twój kod|kod:|poniższy kod|ten kod|"
    "następujący kod|twój pin|twój kod pin",
    "ru": "код подтверждения|код проверки|код доступа|код для входа|код безопасности|"
    "одноразовый код|одноразовый пароль|проверочный код|ваш код|код:|этот код|следующий код|"
    "ваш pin-код|ваш пин-код",
    "uk": "код підтвердження|код перевірки|код доступу|код для входу|одноразовий код|"
    "одноразовий пароль|ваш код|цей код|код:",
    "tr": "doğrulama kodu|doğrulama kodunu|doğrulama kodunuz|güvenlik kodu|giriş kodu|"
    "3d secure şifre|3d şifre|onay şifre|doğrulama şifre|tek kullanımlık şifre|sms şifre|"
    "onay kodu|tek kullanımlık|kodunuz|kodunu|aşağıdaki kod|bu kod|pin kodunuz",
    "ar": "رمز التحقق|رمز التأكيد|رمز الأمان|رمز الدخول|كلمة المرور لمرة واحدة|لمرة واحدة|"
    "رمز التفعيل|الرمز|رمز",
    "he": "קוד אימות|קוד האימות|קוד חד פעמי|סיסמה חד פעמית|קוד כניסה|קוד הכניסה|קוד אבטחה|"
    "קוד האבטחה|קוד גישה|קוד הגישה|הקוד",
    "fa": "کد تأیید|کد تایید|کد امنیتی|کد ورود|رمز یکبار مصرف|رمز پویا|کد یکبار مصرف|این کد|کد",
    "ja": "認証コード|確認コード|ワンタイムパスワード|ワンタイムパスコード|認証番号|確認番号|"
    "セキュリティコード|パスコード|ログインコード|承認コード|承認番号|このコード|コード",
    "zh": "验证码|驗證碼|登录pin码|登入pin码|的pin码|pin码为|pin码是|校验码|確認碼|确认码|动态码|"
    "动态密码|认证码|認證碼|安全码|激活码|"
    "一次性密码|一次性密碼|登录码|登入码|短信口令|动态口令|验证代码|授权码|授權碼|代码",
    "ko": "인증번호|인증 번호|인증 코드|인증코드|확인 코드|확인코드|보안 코드|보안코드|"
    "일회용 비밀번호|로그인 코드|승인번호|승인 번호",
    "vi": "mã xác thực|mã xác minh|mã xác nhận|mã otp|mã đăng nhập|mã bảo mật|mã kích hoạt",
    "bn": "যাচাইকরণ কোড|পাসকোড|ওটিপি|কোড",
    "hi": "सत्यापन कोड|पासकोड|ओटीपी|कोड",
    "cs": "ověřovací kód|bezpečnostní kód|přihlašovací kód|potvrzovací kód|aktivační kód|"
    "jednorázový kód|jednorázové heslo|váš kód|tento kód|kód:",
    "sk": "overovací kód|bezpečnostný kód|prihlasovací kód|potvrdzovací kód|jednorazový kód|"
    "jednorazové heslo|váš kód",
    "sv": "verifieringskod|säkerhetskod|inloggningskod|bekräftelsekod|aktiveringskod|"
    "engångskod|engångslösenord|din kod|koden",
    "da": "bekræftelseskode|verifikationskode|sikkerhedskode|loginkode|login-kode|"
    "engangskode|din kode|koden",
    "no": "bekreftelseskode|verifiseringskode|sikkerhetskode|påloggingskode|engangskode|"
    "din kode|koden",
    "fi": "vahvistuskoodi|varmennuskoodi|turvakoodi|kirjautumiskoodi|kertakäyttöinen|"
    "kertakäyttökoodi|koodisi",
    "hu": "ellenőrző kód|ellenőrzőkód|biztonsági kód|belépési kód|megerősítő kód|"
    "egyszer használatos|a kódod|az ön kódja|kód:",
    "ro": "cod de verificare|codul de verificare|cod de securitate|cod de autentificare|"
    "cod de confirmare|codul de confirmare|cod unic|codul tău|codul dvs|codul:",
    "id": "kode verifikasi|kode otp|kode keamanan|kode masuk|kode konfirmasi|kode aktivasi|"
    "kode sekali pakai|kode anda|kode:",
    "el": "κωδικός επαλήθευσης|κωδικός ασφαλείας|κωδικός σύνδεσης|κωδικός επιβεβαίωσης|"
    "κωδικός μίας χρήσης|ο κωδικός σας",
    "th": "รหัสยืนยัน|รหัส otp|รหัสผ่านครั้งเดียว|รหัสเข้าสู่ระบบ|รหัสotp",
    "hr": "kod za potvrdu|verifikacijski kod|kod za prijavu|jednokratni kod|sigurnosni kod|"
    "vaš kod|verifikacioni kod|kod za verifikaciju",
    "sr": "верификациони код|код за потврду|код за пријаву|једнократни код|ваш код",
    "bg": "код за потвърждение|код за достъп|код за вход|еднократен код|вашият код",
    "sl": "koda za prijavo|enkratna koda|potrditvena koda|varnostna koda|verifikacijska koda|"
    "vaša koda",
    "lt": "patvirtinimo kodas|patvirtinimo kodą|vienkartinis kodas|prisijungimo kodas|"
    "saugos kodas|jūsų kodas",
    "lv": "verifikācijas kods|apstiprinājuma kods|vienreizējais kods|pieteikšanās kods|"
    "drošības kods|jūsu kods",
    "et": "kinnituskood|turvakood|sisselogimiskood|ühekordne kood|kontrollkood|teie kood|sinu kood",
    "ca": "codi de verificació|codi de seguretat|codi d'accés|codi d’accés|codi de confirmació|"
    "el teu codi|el vostre codi",
    "ms": "kod pengesahan|kod keselamatan|kod sekali guna|kod log masuk|kod anda",
    "sw": "nambari ya uthibitisho|nambari yako ya uthibitisho|msimbo wa uthibitisho|"
    "msimbo wako wa uthibitisho|msimbo wako|"
    "nambari yako ya siri",
    "is": "staðfestingarkóð|öryggiskóð|innskráningarkóð|kóðinn þinn",
    "ur": "تصدیقی کوڈ|توثیقی کوڈ|او ٹی پی|کوڈ",
    "ta": "சரிபார்ப்புக் குறியீடு|சரிபார்ப்பு குறியீடு|ஒருமுறை கடவுச்சொல்|குறியீடு",
}

# Weaker cues: a code word without qualification, or the verbs that introduce one.
_WEAK: dict[str, str] = {
    "en": "code|pin|token|password|enter|verify|verification|log in|login|sign in|sign-in",
    "de": "code|kennwort|passwort|eingeben|anmelden|anmeldung|bestätigen|verifizieren",
    "fr": "code|saisissez|entrez|vérification|vérifier|connexion|confirmer",
    "es": "código|clave|pin|introduce|ingresa|verificación|verificar|iniciar sesión",
    "pt": "código|senha|digite|insira|verificação|verificar|entrar",
    "it": "codice|inserisci|verifica|accesso|conferma",
    "nl": "code|voer|verifiëren|inloggen|bevestig",
    "pl": "kod|wprowadź|wpisz|weryfikacja|logowania",
    "ru": "код|пароль|введите|подтверд|вход",
    "uk": "код|пароль|введіть|підтверд",
    "tr": "kod|şifre|girin|doğrulama|giriş",
    "ar": "أدخل|التحقق|تسجيل الدخول",
    "he": "קוד|אימות|הזן",
    "fa": "رمز|وارد کنید|تأیید",
    "ja": "認証|確認|入力|ログイン|サインイン",
    "zh": "验证|驗證|输入|輸入|登录|登入|密码|口令",
    "ko": "인증|입력|로그인|코드",
    "vi": "mã|xác thực|xác minh|nhập",
    "bn": "যাচাই|দিন",
    "hi": "सत्यापन|दर्ज",
    "cs": "kód|zadejte|ověření|přihlášení",
    "sk": "kód|zadajte|overenie",
    "sv": "kod|ange|logga in|verifiera|bekräfta",
    "da": "kode|indtast|log ind|bekræft",
    "no": "kode|skriv inn|logg inn|bekreft",
    "fi": "koodi|syötä|kirjaudu|vahvista",
    "hu": "kód|add meg|belépés|megerősít",
    "ro": "cod|introdu|conectare|confirma",
    "id": "kode|masukkan|verifikasi",
    "el": "κωδικ|εισάγετε|σύνδεση|επιβεβαίω",
    "th": "รหัส|ยืนยัน",
}

# Words that say the number next to them is NOT a login code. A temporary password is a
# standing credential the user keeps until changing it, not a one-time code.
_NEGATIVE: dict[str, str] = {
    "en": "door code|front door|the door|office door|gate code|entry code|keypad|garage|bike shed|"
    "order|invoice|receipt|tracking|track|shipment|parcel|package|ticket|reference|ref|"
    "booking|reservation|confirmation number|account number|account no|customer|member|"
    "card|ending in|ends in|ending|promo|promotion|coupon|discount|gift|voucher|referral|"
    "invite code|zip|postal|postcode|post code|phone|call|tel|fax|mobile|whatsapp|sms to|"
    "flight|seat|gate|room|suite|apt|unit|floor|street|st.|ave|avenue|road|rd.|box|"
    "id|no.|nr.|nr|number|#|sku|item|qty|quantity|model|serial|version|build|ip|"
    "amount|total|subtotal|price|balance|payment of|paid|transaction|transfer|offer|save|"
    "off|redeem|claim|sale|purchase code|product code|error|status|license|licence|key|"
    "cart|store credit|sort code|routing number|iban|swift|bic|bsb|meeting id|"
    "webinar id|wi-fi|wifi|network|visa|mastercard|amex|maestro|payment method"
    "|temporary password|initial password|check-in|trip|ride|class code|course code|join code"
    "|pickup|pick-up|collection code|delivery code|driver|courier|locker|policy|job|pipeline"
    "|commit|pull request|merge request|candidate|decline|declined|backup|tax|area code"
    "|source code|exit code|return code|reason code|response code|hs code|tariff|country code"
    "|incident|event id|event code|previous code|old code|earlier code|student id|student number"
    "|matriculation|puk|puk code|code review|pr ",
    "de": "tür|türcode|torcode|haustür|"
    "vorherige code|vorheriger code|alte code|alter code|bisherige code|matrikelnummer|"
    "bestellung|bestellnummer|auftrag|rechnung|rechnungsnummer|sendungsnummer|"
    "sendung|paket|kundennummer|kunden-nr|mitglied|gutschein|gutscheincode|rabatt|"
    "rabattcode|aktionscode|postleitzahl|plz|telefon|tel.|fax|betrag|summe|preis|"
    "buchung|buchungsnummer|ticket|straße|strasse|hausnummer|referenz|vorgangsnummer"
    "|vorläufiges passwort|vorläufige passwort|temporäres passwort|temporäre passwort|"
    "interims-kennwort|initialpasswort|startpasswort|initialkennwort|startkennwort|abholcode"
    "|abholnummer|abholung|zustellcode|fahrer|kurier|packstation|schließfach|police"
    "|versicherungsnummer|zählernummer|zählpunkt|vertragsnummer|vertragskonto|einladung|vorfall"
    "|ereignis",
    "fr": "digicode|"
    "ancien code|code précédent|numéro étudiant|"
    "commande|facture|suivi|colis|référence|réservation|billet|client|réduction|"
    "promo|code promo|bon|cadeau|parrainage|code postal|téléphone|montant|total|prix|rue"
    "|mot de passe temporaire|mot de passe provisoire|mot de passe initial|code de retrait"
    "|livreur|coursier|code de livraison|consigne|casier|police|contrat|code produit"
    "|code article|référence produit"
    "|invitation|incident|événement",
    "es": "puerta|"
    "código anterior|matrícula|"
    "pedido|factura|seguimiento|envío|paquete|referencia|reserva|boleto|cliente|"
    "descuento|cupón|promoción|código promocional|regalo|código postal|teléfono|importe|"
    "total|precio|calle"
    "|contraseña temporal|contraseña provisional|contraseña inicial|código de entrega"
    "|código de recogida|recogida|repartidor|mensajero|casillero|póliza|código de producto"
    "|código del producto|código de artículo"
    "|código de barras|invitación|referido|incidencia|incidente|evento",
    "pt": "da porta|portão|"
    "código anterior|matrícula|"
    "pedido|fatura|rastreamento|rastreio|encomenda|referência|reserva|cliente|"
    "desconto|cupom|cupão|promoção|presente|cep|código postal|telefone|valor|total|preço|rua"
    "|senha temporária|senha provisória|senha inicial|ingresso|bilhete|código de levantamento"
    "|código de retirada|código de entrega|entregador|estafeta|cacifo"
    "|armário|apólice|código do produto|código de produto|código do artigo|código de barras"
    "|convite|indicação|ocorrência|evento|alerta",
    "it": "porta di casa|portone|cancello|citofono|"
    "codice precedente|vecchio codice|matricola|"
    "ordine|fattura|spedizione|tracciamento|pacco|riferimento|prenotazione|cliente|"
    "sconto|coupon|promozionale|regalo|cap|telefono|importo|totale|prezzo|via"
    "|password temporanea|password provvisoria|password iniziale|biglietto|codice di ritiro"
    "|corriere|codice di consegna|polizza|codice prodotto|codice del prodotto"
    "|codice articolo|invito|evento|segnalazione",
    "nl": "deur|deurcode|poort|fietsenstalling|"
    "vorige code|oude code|studentnummer|"
    "bestelling|factuur|zending|pakket|referentie|reservering|klant|korting|"
    "kortingscode|cadeau|postcode|telefoon|bedrag|totaal|prijs|straat"
    "|tijdelijk wachtwoord|tijdelijke wachtwoord|startwachtwoord|ticket|boeking|ophaalcode"
    "|afhaalcode|bezorgcode|bezorger|pakketautomaat|kluis|polis|productcode|artikelnummer"
    "|artikelcode|uitnodiging"
    "|incident|gebeurtenis",
    "pl": "drzwi|domofon|brama|"
    "poprzedni kod|numer albumu|"
    "zamówienie|zamówienia|faktura|przesyłka|paczka|numer|rezerwacja|klient|rabat|"
    "kupon|promocyjny|kod pocztowy|telefon|kwota|suma|cena|ulica"
    "|hasło tymczasowe|tymczasowe hasło|bilet|kod odbioru|odbioru|kurier|paczkomat|polisa"
    "|kod produktu|kod towaru|zaproszeni|zdarzeni|incydent",
    "ru": "предыдущий код|старый код|"
    "заказ|счёт|счет|накладная|посылка|отслеживан|номер|бронирован|клиент|скидк|"
    "промокод|купон|подарочн|индекс|телефон|сумма|итого|цена|улица"
    "|временный пароль|билет|код получения|код выдачи|курьер|постамат|пункт выдачи|полис"
    "|код товара|код продукта"
    "|приглашени|событи|инцидент",
    "uk": "замовлення|рахунок|посилка|номер|знижк|промокод|купон|телефон|сума|ціна|вулиця"
    "|тимчасовий пароль|квит|код отримання|кур'єр|поштомат|поліс|код товара|код продукта"
    "|запрошення|поді|інцидент",
    "tr": "sipariş|fatura|kargo|takip|rezervasyon|müşteri|indirim|kupon|promosyon|hediye|"
    "posta kodu|telefon|tutar|toplam|fiyat|sokak|cadde"
    "|geçici şifre|geçici parola|bilet|teslimat kodu|teslim alma|kurye|poliçe|ürün kodu|davet",
    "ar": "طلب|الطلب|فاتورة|شحنة|تتبع|مرجع|حجز|خصم|قسيمة|ترويجي|هدية|هاتف|مبلغ|المبلغ|"
    "الإجمالي|سعر|الرمز البريدي|تذكرة|التفويض|رمز الاستلام|المندوب|وثيقة|"
    # Arabic names what a code is for after the word: "رمز المنتج" (the product's code).
    "رمز المنتج|رمز الدفع|رمز الشبكة|رمز الحجز|رمز الطلب|رمز الشحنة|رمز العميل|رمز الفرع|"
    "رمز الموظف|رمز الخصم|رمز القسيمة",
    "he": "הזמנה|חשבונית|משלוח|מעקב|אסמכתא|הנחה|קופון|טלפון|סכום|מחיר|כרטיס|מספר|פוליסה|לקוח"
    "|קוד איסוף|שליח",
    "fa": "سفارش|فاکتور|مرسوله|پیگیری|رهگیری|تخفیف|کوپن|تلفن|مبلغ|قیمت|کد پستی|بلیت|"
    "کد ملی|کد اشتراک|کد محصول|کد کالا",
    "ja": "銘柄コード|証券コード|"
    "注文|請求|配送|追跡|お問い合わせ番号|予約|会員番号|割引|クーポン|プロモーション|"
    "ギフト|郵便番号|〒|電話|金額|合計|価格|円"
    "|仮パスワード|一時パスワード|チケット|受取|受け取り|配達員|宅配ボックス|ロッカー|商品コード|商品番号|会員コード|会員id|店舗コード|招待コード|紹介コード|受付番号|イベント",
    "zh": "订单|訂單|单号|單號|快递|快遞|运单|物流|发票|發票|预订|会员|優惠|优惠|折扣|"
    "礼品|禮品|兑换|邮编|郵遞區號|电话|電話|客服|热线|金额|金額|总计|价格|元"
    "|临时密码|臨時密碼|初始密码|门票|門票|票号|票號|取件码|取件碼|取货码|提货码|快递员|快遞員|快递柜|自提柜|驿站|商品编码|商品编号|商品代码|股票|推荐码|邀请码|优惠码"
    "|事件",
    "ko": "주문|송장|배송|운송장|예약|회원|할인|쿠폰|프로모션|선물|우편번호|전화|금액|합계|가격|원"
    "|임시 비밀번호|티켓|예매|보관함|택배함|배송기사|수령|상품 코드|상품번호|초대 코드|초대코드"
    "|추천인",
    "vi": "đơn hàng|mã đơn|hóa đơn|vận đơn|giao dịch|mã giao dịch|mã gd|gd|khuyến mãi|"
    "giảm giá|phiếu|số điện thoại|điện thoại|số tiền|tổng"
    "|mật khẩu tạm thời|mã vé|số vé|mã nhận hàng|shipper|mã sản phẩm",
    "bn": "অর্ডার|ফোন",
    "hi": "ऑर्डर|फ़ोन|फोन|टिकट",
    # id cs el: the event ticket's code is checked at the door, it signs nobody in.
    "id": "tiket|pesanan|kode pengambilan|kurir|kode produk",
    "cs": "vstupenk|objednávk|kód pro vyzvednutí|zásilk|částka|faktur",
    "el": "εισιτήρι|παραγγελί|κωδικός παραλαβής|δέμα|ποσό",
    # sv da no fi hu ro: a parcel's pickup code, an order's or invoice's number.
    "sv": "uthämtningskod|paket|ordernummer|beställning|faktura|belopp",
    "da": "afhentningskode|pakke|ordrenummer|bestilling|faktura|beløb",
    "no": "hentekode|pakke|ordrenummer|bestilling|faktura|beløp",
    "fi": "noutokoodi|paketti|tilausnumero|tilaus|lasku|summa",
    "hu": "átvételi kód|csomag|rendelés|számla|összeg|kártyaszám",
    "ro": "cod de ridicare|colet|comandă|factură|suma",
}

# The bare nouns among the weak cues: with a verb of signing in or verifying next to them
# ("the Steam Guard code you need to log in") they say as much as a strong keyword.
_NOUNS: dict[str, str] = {
    "en": "code|pin|token|key",
    "de": "code|pin|kennwort",
    "fr": "code",
    "es": "código|clave|pin",
    "pt": "código|senha|pin",
    "it": "codice|pin",
    "nl": "code|pincode",
    "pl": "kod|pin",
    "ru": "код|пароль",
    "uk": "код|пароль",
    "tr": "kod|şifre",
    "vi": "mã",
    "cs": "kód",
    "sk": "kód",
    "sv": "kod|koden",
    "da": "kode|koden",
    "no": "kode|koden",
    "fi": "koodi",
    "hu": "kód",
    "ro": "cod|codul",
    "el": "κωδικ",
    "id": "kode",
}


def _trie(words: list[str]) -> str:
    """One alternation per shared prefix: the regex engine branches once per character
    instead of trying hundreds of words at every position."""
    root: dict[str, dict[str, Any]] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict[str, Any]]) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and len(alts[0]) == 1 else "(?:" + "|".join(alts) + ")"
        return body + "?" if "" in node else body

    return emit(root)


def compile_table(table: dict[str, str]) -> re.Pattern[str]:
    """One pattern for a table of ``|``-separated phrases per language."""
    words = {w.lower() for spec in table.values() for w in spec.split("|") if w}
    # Alphabets that write words apart (Latin, Greek, Cyrillic) match at word starts;
    # Hebrew/Arabic attach prefixes and CJK has no spaces, so those match anywhere.
    bounded = sorted(w for w in words if w[0].isalnum() and ord(w[0]) < 0x0590)
    free = sorted(words.difference(bounded))
    alternatives = [rf"(?<![^\W_])(?:{_trie(bounded)})"] if bounded else []
    if free:
        alternatives.append(_trie(free))
    return re.compile("|".join(alternatives), re.IGNORECASE)


def keyword_spans(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Matches of a keyword pattern; short Latin words must also end at a word boundary
    ("pin" but not "pink"); longer ones may be inflected ("verifying", "kodunuz")."""
    for m in pattern.finditer(text):
        word = m.group(0)
        nxt = text[m.end() : m.end() + 1]
        if (
            len(word) <= 4
            and word.isascii()
            and word[-1].isalpha()
            and nxt.isascii()
            and nxt.isalpha()
        ):
            continue
        yield m


STRONG_CODE_KEYWORDS = compile_table(_STRONG)
CODE_KEYWORDS = compile_table({k: _STRONG[k] + "|" + _WEAK.get(k, "") for k in _STRONG})
NEGATIVE_KEYWORDS = compile_table(_NEGATIVE)
CODE_NOUNS = compile_table(_NOUNS)
