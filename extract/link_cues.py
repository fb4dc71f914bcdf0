"""Words that say what a link is for, in the languages otpbridge reads.

Each table maps a purpose to stems. Latin and Cyrillic stems match at a word start (so
"verif" finds "verify", "verifizieren", "vérifier" is listed separately); stems in other
scripts match anywhere, because Chinese/Japanese have no spaces and Arabic/Hebrew glue
articles and prepositions to the word. The tables are matched all at once rather than
per language: mail mixes languages (English buttons in a German template) and the language
guess of a short mail is unreliable.
"""

from __future__ import annotations

import functools
import re
from typing import Literal

from extract.normalize import normalize_text

__all__ = ["Purpose", "bare_label", "purposes_in"]

Purpose = Literal[
    "magic",
    "confirm",
    "reset",
    "password",
    "unsubscribe",
    "decline",
    "utility",
    "alert",
    "generic",
    "commerce",
    "invite",
    "join",
    "done",
    "changed",
    "browse",
    "account",
    "pointer",
    "feature",
]

# fmt: off
_CUES: dict[Purpose, tuple[str, ...]] = {
    "magic": (
        # en de fr es pt it nl pl ru uk tr
        "sign in", "sign-in", "signin", "log in", "log-in", "login", "magic link", "magic-link",
        "anmelden", "anmeldung", "einloggen", "connexion", "connectez", "se connecter",
        "iniciar sesión", "inicia sesión", "iniciar sessão", "acceder", "ingresar", "entrar",
        "fazer login", "accedi", "effettua l'accesso", "inloggen", "aanmelden", "zaloguj",
        "logowani", "войти", "вход", "увійти", "вхід", "giriş", "oturum aç", "authenticat",
        "authentifizier", "authentifier", "autentica",
        "sign me in", "log me in", "me connecter", "vous connecter", "connectez-vous",
        "access your account", "access link", "acessar", "link de acesso", "enlace de acceso",
        "lien d'accès", "accéder à", "anmeldelink", "zugangslink", "toegangslink",
        # sv da no fi cs sk hu id ro el th
        "logga in", "logg inn", "log ind", "kirjaudu", "přihlásit", "přihlášení", "prihlásiť",
        "bejelentkez", "belépés", "masuk", "autentifică", "conectează", "σύνδεση", "συνδεθείτε",
        "เข้าสู่ระบบ",
        # ar he fa ja zh ko vi hi bn
        "تسجيل الدخول", "الدخول", "היכנס", "כניסה", "התחבר", "ورود", "ログイン", "サインイン",
        "登录", "登入", "登陆", "登錄", "로그인", "đăng nhập", "लॉगिन", "साइन इन", "লগইন",
        # German splits "anmelden": "Melde dich mit diesem Link an"
        "melde dich mit", "melden sie sich mit", "meldest du dich",
        "دخول",
        "anzumelden", "einzuloggen",
        "inicias sesión", "inicie sesión", "iniciá sesión", "faça login", "faz login",
        "oturumu aç", "logge inn", "innlogging",
    ),
    "confirm": (
        "verif", "confirm", "activat", "activate", "validat", "unlock", "opt-in", "opt in",
        "unblock", "desbloque", "débloque", "sblocca", "odblokuj", "deblokkeer", "разблокир",
        "complete registration", "complete your registration", "finish sign up", "finish sign-up",
        "finish signup", "finish signing up", "finish setting",
        "accept invit", "accept the invit", "join the team", "email change", "e-mail change",
        "change of email", "change email", "change your email", "new email address",
        "new e-mail address", "e-mail-adresse ändern", "neue e-mail-adresse",
        "changement d'adresse e-mail", "cambio de correo", "alteração de e-mail", "initiali",
        "bestätig", "aktivier",
        "delete my account", "delete account", "confirm deletion", "finish creating",
        "set up account", "set up your account", "setup account", "set up my account",
        "claim your account", "claim account", "claim my account",
        "complete sign up", "complete sign-up", "complete signup", "complete signing up",
        "subscribe me", "yes, subscribe",
        "bekräfta", "bekræft", "bekreft", "vahvista", "potvrď", "potvrdit",
        "potvrzen", "verifikasi", "memverifikasi", "konfirmasi", "megerősít", "erősítsd",
        "επιβεβαίω", "ยืนยัน", "aktivera", "aktivér", "aktiver", "aktivoi", "aktivovat",
        "aktifkan", "activează",
        "freischalt",
        "freizuschalten", "entsperr", "einladung annehmen", "vérifi", "confirmer", "confirmez",
        "activer", "valider", "accepter l'invitation", "confirmar", "verificar", "activar",
        "validar", "aceptar la invitación", "finalizar", "ativar", "aceitar o convite",
        "conferma", "attiva", "convalida", "accetta l'invito", "bevestig", "verifieer",
        "activeer", "uitnodiging accepteren", "accepteer de uitnodiging", "potwierdź",
        "potwierdz", "zweryfikuj", "weryfik", "aktywuj", "akceptuj zaproszenie",
        "zaakceptuj zaproszenie", "подтверд", "подтвержд", "активир", "верифиц",
        "принять приглашение",
        "підтверд", "підтвердж",
        "активув", "doğrula", "onayla", "etkinleştir",
        # accepting an invitation; verify/activate stems of cs el hu th
        "aceitar convite", "прийняти запрошення", "daveti kabul", "قبول دعوت", "پذیرفتن دعوت",
        "接受邀请", "接受邀請", "초대 수락", "초대를 수락", "chấp nhận lời mời", "terima undangan",
        "รับคำเชิญ", "přijmout pozvánku", "acceptera inbjudan", "acceptér invitation",
        "accepter invitation", "hyväksy kutsu", "godta invitasjon", "aksepter invitasjon",
        "acceptă invitația", "meghívás elfogadása", "fogadd el a meghívást", "αποδοχή πρόσκλησης",
        "ověř", "ενεργοποί", "επαλήθευ", "aktivál", "เปิดใช้งาน", "aktivasi", "aktivac", "aktivuj",
        # completing a registration
        "registrierung abschließen", "anmeldung abschließen", "finaliser l'inscription",
        "terminer l'inscription", "compléter l'inscription", "completar registro",
        "completar el registro", "concluir cadastro", "completar cadastro",
        "completa la registrazione", "completa l'iscrizione", "registratie voltooien",
        "registratie afronden", "dokończ rejestrację", "zakończ rejestrację",
        "завершить регистрацию", "завершите регистрацию", "kaydı tamamla",
        "kaydınızı tamamla", "aktifleştir", "登録を完了", "本登録", "完成注册", "完成註冊",
        "가입 완료", "가입을 완료", "إكمال التسجيل", "إتمام التسجيل", "dokončit registraci",
        "slutför registrering", "fuldfør registrering", "fullfør registrering",
        "viimeistele rekisteröity", "regisztráció befejezése", "finalizează înregistrarea",
        "ολοκλήρωση εγγραφής", "selesaikan pendaftaran", "hoàn tất đăng ký",
        "השלמת ההרשמה", "تکمیل ثبت", "завершити реєстрацію",
        # unlocking a locked account
        "kilidini aç", "kilidi aç", "ロックを解除", "ロック解除", "解锁", "解鎖", "잠금 해제",
        "odemkn", "lås upp", "lås op", "lås opp", "ontgrendel", "avaa lukitus", "feloldás",
        "deblochea", "ξεκλείδω", "mở khóa", "buka kunci", "ปลดล็อก", "إلغاء القفل", "فتح القفل",
        "ביטול נעילה", "שחרור נעילה", "باز کردن قفل", "розблок",
        # approving a new device or sign-in (never a bare "approve": expense and leave requests)
        "approve this device", "authorize this device", "authorise this device",
        "approve sign-in", "approve login", "autoriser cet appareil", "autoriser l'appareil",
        "autorizar dispositivo", "autorizar este dispositivo", "aprovar dispositivo",
        "aprobar dispositivo", "autorizza dispositivo", "approva dispositivo",
        "gerät zulassen", "gerät genehmigen", "このデバイスを承認", "デバイスを承認", "授权此设备",
        "批准此设备", "기기 승인", "подтвердить устройство", "zatwierdź urządzenie",
        # newsletter opt-in labels
        "suscribirme", "quiero suscribirme", "confermo", "iscrivimi", "schrijf me in",
        "inscrever-me", "vill prenumerera", "تأكيد", "تحقق", "التحقق", "تفعيل",
        "قبول الدعوة", "אשר", "אישור", "אימות", "אמת", "הפעל", "تأیید", "تایید", "فعال", "確認",
        "認証", "有効化", "验证", "确认", "激活", "驗證", "启用", "确定", "初始化", "확인",
        "인증", "활성화", "xác nhận", "xác minh", "xác thực", "kích hoạt", "सत्यापित", "पुष्टि",
        "যাচাই", "নিশ্চিত",
    ),
    "reset": (
        "reset", "recover", "forgot", "new password", "set password", "set a password",
        "nulstil", "återställ", "tilbakestill", "nollaa", "palauta", "obnovit", "obnoven",
        "resetovat", "atur ulang", "új jelszó", "visszaállít", "επαναφορά", "รีเซ็ต",
        "ตั้งรหัสผ่านใหม่", "nové heslo", "nyt password", "nytt lösenord", "nytt passord",
        "kata sandi baru", "resetează", "passwort festlegen", "lege jetzt dein passwort",
        "set your password", "choose a password", "change password", "change my password",
        "zurücksetz", "wiederherstell", "zurückzusetzen", "wiederherzustellen",
        "neues passwort", "passwort ändern", "ändere passwort",
        "passwort vergessen", "réinitialis", "récupér", "nouveau mot de passe", "restablec",
        "recuperar", "nueva contraseña", "redefinir", "nova senha", "reimposta", "ripristina",
        "recupera", "herstel", "opnieuw instellen", "zresetuj", "resetuj", "odzyskaj", "сброс",
        "сбросить", "восстанов", "скинути", "скидання", "відновит", "sıfırla", "إعادة تعيين",
        "استعادة", "איפוס", "אפס", "שחזור", "بازنشانی", "リセット", "再設定", "重置", "重设",
        "重設", "재설정", "đặt lại", "रीसेट", "রিসেট",
    ),
    "password": (
        "password", "passwort", "kennwort", "mot de passe", "contraseña", "senha", "wachtwoord",
        "lösenord", "adgangskode", "passord", "salasana", "heslo", "kata sandi", "jelszó",
        "κωδικός", "รหัสผ่าน", "parola",
        "hasło", "hasla", "hasła", "парол", "şifre", "parola", "كلمة المرور", "סיסמה", "סיסמא",
        "رمز عبور", "パスワード", "密码", "密碼", "비밀번호", "mật khẩu", "पासवर्ड", "পাসওয়ার্ড",
        "كلمة مرور", "parol", "κωδικό πρόσβασης", "κωδικού πρόσβασης", "νέου κωδικού",
        "kodeord", "رمز جدید",
        "νέο κωδικό",
    ),
    "unsubscribe": (
        "unsubscribe", "unsub", "opt out", "opt-out", "manage preferences", "email preferences",
        "notification settings", "manage subscription", "update your preferences",
        "update preferences", "abmelden", "abbestellen", "newsletter abbestellen",
        "einstellungen verwalten", "désabonn", "désinscri", "se désinscrire", "darse de baja",
        "darte de baja", "cancelar suscripción", "cancelar la suscripción", "cancelar assinatura",
        "cancelar inscrição", "descadastr", "annulla iscrizione", "disiscriv",
        "cancella iscrizione", "uitschrijven", "afmelden", "wypisz", "rezygnuj", "отписаться",
        "отписк", "відписатися", "abonelikten çık", "abonelikten ayrıl", "إلغاء الاشتراك",
        "ביטול רישום", "ביטול מנוי", "הסרה מרשימת", "لغو اشتراک", "登録を取り消す", "配信停止",
        "購読解除", "退订", "取消订阅", "取消訂閱", "수신 거부", "수신거부", "구독 취소",
        "hủy đăng ký", "सदस्यता रद्द",
    ),
    "decline": (
        "revoke", "not you", "not me", "wasn't me", "was not me", "didn't request", "report",
        "deny", "decline", "reject", "block", "cancel", "undo", "stornieren", "absagen",
        "annuler", "cancelar", "annulla", "annuleren", "anuluj", "отменить", "скасувати",
        "iptal", "取消", "キャンセル", "hủy", "widerruf", "ablehnen",
        "nicht ich", "révoquer", "refuser", "signaler", "revocar", "rechazar", "denunciar",
        "revogar", "recusar", "revoca", "rifiuta", "segnala", "intrekken", "weiger", "odwołaj",
        # "this wasn't me" in the other languages
        "das war ich nicht", "ce n'était pas moi", "no fui yo", "não fui eu", "non sono stato io",
        "non sono stata io", "dit was ik niet", "to nie ja", "это был не я", "це був не я",
        "це не я", "bu ben değilim", "لم أقم بذلك", "لست أنا", "זה לא הייתי אני", "לא אני",
        "این من نبودم", "心当たりがない", "不是我", "내가 아닙니다", "본인이 아닙니다",
        "không phải tôi", "bukan saya", "ไม่ใช่ฉัน", "nebyl jsem to já", "nebyla jsem to já",
        "det var inte jag", "det var ikke mig", "det var ikke meg", "en se ollut minä",
        "en ollut minä", "nem én voltam", "nu am fost eu", "δεν ήμουν εγώ",
        "odrzuć", "отозвать", "отклонить", "это не я", "відкликати", "reddet", "إلغاء", "רפורט",
        "דחה", "取り消", "拒否", "撤销", "拒绝", "취소", "거부", "thu hồi", "từ chối",
        "view in browser", "view online", "view in your browser", "web version",
        "im browser anzeigen", "online ansehen", "webversion", "voir en ligne",
        "version en ligne", "ver en el navegador", "ver no navegador", "visualizza nel browser",
        "bekijk online", "ブラウザで", "在浏览器中查看", "浏览器中查看", "브라우저에서",
    ),
    "utility": (
        "help", "support", "faq", "privacy", "terms", "legal", "imprint", "impressum",
        "datenschutz", "nutzungsbedingungen", "agb", "contact", "kontakt", "about us",
        "confidentialité", "conditions", "aide", "ayuda", "privacidad", "términos", "ajuda",
        "termos", "aiuto", "termini", "voorwaarden", "pomoc", "regulamin", "помощь",
        "конфиденциальн", "условия", "yardım", "gizlilik", "مساعدة", "الخصوصية", "עזרה", "פרטיות",
        "راهنما", "حریم خصوصی", "ヘルプ", "プライバシー", "利用規約", "帮助", "隐私", "条款",
        "도움말", "개인정보", "약관", "trợ giúp", "quyền riêng tư", "app store", "google play",
        "download the app",
    ),
    # Notices about something already done: their links are never the requested artifact.
    "alert": (
        "security alert", "alert:", "new sign-in", "new sign in", "new login", "new device",
        "password changed", "password has been changed", "password was changed",
        "password will expire", "password expires", "password is about to expire",
        "passwort läuft", "mot de passe expire", "contraseña caduca", "senha expira",
        "password updated", "password has been updated", "email changed", "email was changed",
        "successfully updated", "successfully changed", "sicherheitswarnung", "neue anmeldung",
        "neues gerät", "passwort geändert", "passwort wurde geändert", "nouvelle connexion",
        "mot de passe a été modifié", "mot de passe modifié", "alerta de seguridad",
        "nuevo inicio de sesión", "contraseña ha sido cambiada", "contraseña cambiada",
        "novo login", "senha foi alterada", "senha alterada", "nuovo accesso",
        "password modificata", "nieuwe aanmelding", "wachtwoord gewijzigd", "nowe logowanie",
        "hasło zostało zmienione", "новый вход", "пароль изменён", "пароль изменен",
        "пароль был изменён", "yeni giriş", "şifreniz değiştirildi", "تم تغيير", "تنبيه أمني",
        "שונתה", "התראת אבטחה", "新しいログイン", "変更されました", "新登录", "已更改", "已修改",
        "새 로그인", "변경되었습니다", "đã được thay đổi", "đăng nhập mới",
        "로그인했습니다", "로그인되었습니다", "새로운 기기에서", "ログインがありました",
        "新しいデバイスからログイン", "新设备登录", "在新设备上登录", "yeni bir cihazdan giriş",
        "вход с нового", "вход в аккаунт с нового", "вхід з нового", "新しい端末からログイン",
        "connexion depuis un nouvel", "inicio de sesión desde un nuevo",
        "anmeldung von einem neuen", "accesso da un nuovo", "acesso de um novo",
        "login de um novo", "logowanie z nowego",
        "aanmelding vanaf een nieuw", "yeni cihazdan giriş", "đăng nhập từ thiết bị mới",
    ),
    # Orders and bookings: their "confirmation" confirms a purchase, not a mailbox.
    "commerce": (
        "order", "booking", "reservation", "payment", "invoice", "receipt", "shipment",
        "shipping", "delivery", "purchase", "bestellung", "buchung", "rechnung", "zahlung",
        "lieferung", "commande", "réservation", "facture", "paiement", "livraison", "pedido",
        "reserva", "factura", "pago", "envío", "fatura", "pagamento", "entrega", "ordine",
        "prenotazione", "fattura", "spedizione", "bestelling", "boeking", "factuur",
        "betaling", "zamówieni", "rezerwacj", "faktur", "płatnoś", "заказ", "бронировани",
        "счёт", "счет", "оплат", "доставк", "замовлення", "sipariş", "rezervasyon", "fatura",
        "ödeme", "طلبك", "الطلب", "حجز", "فاتورة", "الدفع", "הזמנה", "חשבונית", "תשלום", "سفارش",
        "注文", "予約", "請求書", "領収書", "订单", "訂單", "预订", "發票", "发票", "付款", "주문",
        "예약", "결제", "영수증", "đơn hàng", "hóa đơn", "thanh toán",
        # referral programmes: "invite friends" asks the reader to invite, not to accept
        "invite friends", "invite a friend", "invite your friends", "refer a friend", "referral",
        "freunde einladen", "inviter des amis", "invita a tus amigos", "convide amigos",
        "invita amici", "nodig vrienden uit", "zaproś znajomych", "пригласить друзей",
        # appointments, meetings and events: "confirm attendance" is not an account action
        "appointment", "attendance", "rsvp", "webinar", "meeting", "ticket", "termin",
        "rendez-vous", "réunion", "cita", "reunión", "reunião", "appuntamento", "riunione",
        "afspraak", "vergadering", "spotkani", "wizyt", "встреч", "вебинар", "приём",
        "randevu", "toplantı", "موعد", "اجتماع", "פגישה", "会議", "予約確認", "会议", "预约",
        "회의", "cuộc họp", "lịch hẹn",
        # trials, cards, coupons, points, warranties, received goods, surveys: activating or
        # confirming them is no account action
        "trial", "testzeitraum", "testphase", "essai gratuit", "période d'essai",
        "prueba gratuita", "período de prueba", "teste grátis", "período de teste",
        "prova gratuita", "periodo di prova", "proefperiode", "okres próbny", "пробн",
        "deneme süre", "トライアル", "试用", "체험", "premium", "upgrade", "card", "karte",
        "carte", "tarjeta", "cartão", "carta", "kaart", "kartę", "karty", "карт", "カード",
        "卡", "카드", "thẻ", "presentkort", "gavekort", "lahjakortti", "dárkov", "coupon",
        "voucher", "promo", "gutschein", "cupón", "cupom", "buono", "kupon", "купон",
        "промокод", "クーポン", "优惠券", "쿠폰", "points", "punkte", "ポイント", "积分",
        "포인트", "warranty", "garantie", "garantía", "garantia", "garanzia", "gwarancj",
        "гаранти", "保証", "保修", "보증", "bảo hành", "den erhalt", "recebimento", "réception",
        "ricezione", "ontvangst", "survey", "umfrage", "enquête", "encuesta", "pesquisa",
        "sondaggio", "ankiet", "опрос", "anket", "アンケート", "调查", "설문", "khảo sát",
        "deelname", "teilnahme", "participation", "participación", "participação",
        "partecipazione", "udział", "участие", "účast", "deltagande", "webinář",
        # orders, payments, bookings, appointments in th id sv da nb fi cs hu ro el uk
        "นัดหมาย", "คำสั่งซื้อ", "ใบเสร็จ", "การจอง", "ชำระเงิน", "ใบแจ้งหนี้", "จัดส่ง",
        "pesanan", "tagihan", "pembayaran", "pengiriman", "reservasi", "janji temu",
        "beställning", "bestilling", "tilaus", "kvitto", "kvittering", "kuitti", "bokning",
        "betalning", "maksu", "leverans", "levering", "toimitus", "ajanvaraus", "objednávk",
        "platb", "rendelés", "számla", "fizetés", "szállítás", "foglalás", "időpont",
        "comand", "plată", "livrare", "rezervare", "programare", "παραγγελ", "απόδειξ",
        "τιμολόγ", "πληρωμ", "κράτηση", "ραντεβού", "рахун", "бронюван",
        "lieferadresse", "delivery address", "shipping address", "adresse de livraison",
        "dirección de envío", "endereço de entrega", "indirizzo di spedizione", "afleveradres",
        "adres dostawy", "адрес доставки", "teslimat adresi", "配送先", "收货地址", "배송지",
    ),
    # An invitation to an account, team or workspace (accepting it proves the mailbox).
    "invite": (
        "invited you", "invites you", "inviting you", "invitation", "you've been invited",
        "you have been invited", "you're invited", "eingeladen", "einladung", "invité",
        "vous invite", "invitación", "te ha invitado", "te invitó", "convidou", "convite",
        "ti ha invitato", "invito", "uitgenodigd", "uitnodiging", "zaprasza", "zaproszeni",
        "приглаш", "запрош", "davet", "دعوة", "دعاك", "הזמנה", "הזמין", "دعوت", "招待",
        "zaprosi", "запроси", "pozval", "pozvánk", "bjudit in", "inbjud", "inviteret",
        "invitert", "invitasjon", "kutsui", "kutsu", "meghív", "invitat", "πρόσκλ",
        "προσκάλεσ", "mengundang", "undangan", "เชิญ", "دعتك", "הזמינ",
        "邀请", "邀請", "초대", "lời mời", "đã mời",
    ),
    # "Join Acme", "Create my account": an invitation's button, but also a meeting's or a
    # sales pitch's; read with "invite".
    "join": (
        "join", "create account", "create my account", "create your account", "get started",
        "start now", "crear mi cuenta", "crear cuenta", "criar conta", "criar minha conta",
        "konto erstellen", "créer mon compte", "créer un compte", "始める", "开始", "開始",
        "시작", "beitreten", "rejoindre", "unirme", "unirte", "únete", "participar", "entrar na",
        "unisciti", "partecipa", "deelnemen", "dołącz", "присоединиться", "приєднатися",
        "katıl", "انضم", "הצטרף", "پیوستن", "参加", "加入", "참여", "tham gia",
        "gå med", "bli med", "liity", "připojit", "csatlakoz", "alătură", "bergabung",
        "γίνετε μέλος", "הצטרפ", "tilslut", "deltag",
    ),
    # What an auth mail acts on; a subject naming a purpose without one of these ("reset
    # your goals", "activate your trial") is a pitch.
    "account": (
        "account", "e-mail", "email", "mail address", "address", "password", "sign-up",
        "signup", "sign up", "registration", "subscription", "invitation", "konto", "passwort",
        "adresse", "anmeldung", "registrierung", "compte", "courriel", "inscription", "cuenta",
        "correo", "contraseña", "registro", "conta", "senha", "cadastro", "indirizzo",
        "registrazione", "wachtwoord", "registratie", "hasło", "rejestracj", "аккаунт",
        "учетн", "учётн", "почт", "пароль", "регистрац", "акаунт", "обліков", "hesap",
        "e-posta", "şifre", "kayıt", "حساب", "البريد", "كلمة المرور", "חשבון", "דוא", "סיסמה",
        "ایمیل", "رمز عبور", "アカウント", "メール", "パスワード", "登録", "账户", "账号", "邮箱",
        "密码", "注册", "帳戶", "帳號", "密碼", "계정", "이메일", "비밀번호", "가입", "tài khoản",
        "mật khẩu", "đăng ký", "link", "lien", "enlace", "ligação", "collegamento", "ссылк",
        "посилання", "bağlantı", "رابط", "קישור", "لینک", "リンク", "链接", "連結", "링크",
        "liên kết",
        # a subscription is what a newsletter opt-in confirms
        "abonnement", "newsletter", "suscripción", "assinatura", "iscrizione", "abbonamento",
        "inscrição", "inscripción",
        "inschrijving", "subskrypcj", "prenumerat", "подписк", "підписк", "abonelik",
        "الاشتراك", "מנוי", "اشتراک", "購読", "订阅", "訂閱", "구독",
    ),
    # Labels that lead to content; such a button never borrows a purpose from the subject.
    "browse": (
        "read more", "learn more", "read the", "view", "see ", "details", "shop", "download",
        "watch", "explore", "discover", "mehr lesen", "weiterlesen", "mehr erfahren", "ansehen",
        "en savoir plus", "lire la suite", "voir", "leer más", "ver ", "saiba mais", "scopri",
        "leggi", "lees meer", "bekijk", "czytaj", "zobacz", "подробнее", "читать", "смотреть",
        "devamı", "incele", "المزيد", "קרא עוד", "مشاهده", "詳しく", "詳細", "了解更多", "查看",
        "閱讀", "자세히", "보기", "xem",
    ),
    # Past participles: the action is done, the mail reports it and requests nothing.
    "done": (
        "verified", "activated", "confirmed", "has been reset", "was reset", "bestätigt",
        "verifiziert", "aktiviert", "vérifié", "confirmé", "activé", "verificado", "confirmado",
        "activado", "ativado", "verificata", "verificato", "confermato", "confermata",
        "attivato", "geverifieerd", "bevestigd", "geactiveerd", "potwierdzon",
        # participles only: the nouns ("подтверждение", "zweryfikowanie") request the action
        "zweryfikowany", "zweryfikowana", "zweryfikowane", "zweryfikowano", "aktywowany",
        "aktywowana", "aktywowane", "aktywowano", "подтверждён", "подтверждена", "подтверждено",
        "подтверждены", "подтвержден ", "подтвержден.", "активирован ", "активирован.",
        "активирована", "активировано", "підтверджено", "підтверджена", "підтверджений",
        "doğrulandı", "onaylandı",
        "تم تأكيد", "تم تفعيل", "تم التحقق", "אומת", "הופעל", "確認されました", "認証されました",
        "已验证", "已确认", "已激活", "已驗證", "확인되었습니다", "인증되었습니다",
        "활성화되었습니다",
        "đã được xác minh", "đã được kích hoạt", "đã xác nhận",
        "bekreftet", "bekräftad", "verifierad", "bekræftet", "vahvistettu", "ověřeno",
        "verificada", "confirmada", "activada", "ativada", "vérifiée", "confirmée", "activée",
        "confermati", "attivata",
        "potvrzeno", "aktivováno", "megerősítve", "επιβεβαιώθηκε", "ενεργοποιήθηκε",
        "terverifikasi", "ยืนยันแล้ว", "a fost confirmat",
        "成功验证", "验证成功", "已成功", "認証が完了", "確認が完了", "완료되었습니다",
        "완료됐습니다",
    ),
    # "…has been changed / updated": with an account word in the subject ("Your password
    # was changed", "E-Mail-Adresse geändert") the mail reports a change, it requests nothing.
    "changed": (
        "changed", "updated", "geändert", "aktualisiert", "modifié", "changé", "mis à jour",
        "cambiad", "cambió", "modificad", "modificó", "actualizó", "actualizad", "alterad",
        "atualizad", "modificat", "cambiat", "aggiornat", "gewijzigd", "veranderd",
        "bijgewerkt", "zmienion", "zaktualizowan",
        # participles, not the nouns "изменение"/"обновление" ("Изменение пароля" requests)
        "изменён", "изменен ", "изменен.", "изменена", "изменено", "изменены", "обновлён",
        "обновлен ", "обновлен.", "обновлена", "обновлено", "обновлены", "змінено", "змінен",
        "оновлено",
        "değiştirildi", "güncellendi", "ändrats", "ändrat", "uppdaterat", "změněn",
        "aktualizován", "diubah", "diperbarui", "ændret", "endret", "vaihdettu", "muutettu",
        "megváltozott", "schimbat", "άλλαξε", "変更されました", "変更しました", "已更改", "已修改",
        "已变更", "已更新", "변경되었습니다", "변경됨", "đã được thay đổi", "đã thay đổi",
        "đã được cập nhật", "تم تغيير", "تم تحديث", "שונתה", "שונה", "עודכנה", "עודכן",
        "تغییر کرد", "تغییر یافت",
    ),
    # What a label may switch on that is no account: notifications, two-factor, a feature,
    # presence at an event, a delivery address. Read in labels only: "notification" and
    # "알림" in a subject are just "notice".
    "feature": (
        "notification", "benachrichtigung", "notificaci", "notificaç", "notifiche", "melding",
        "powiadomie", "уведомлен", "сповіщен", "bildirim", "通知", "알림", "thông báo",
        "notifikasi", "upozorn", "avisering", "notifikation", "varsling", "ilmoitu",
        "értesítés", "notificări", "ειδοποι", "การแจ้งเตือน", "إشعار", "התראות", "اعلان",
        "two-factor", "2fa", "two-step", "zwei-faktor", "2-faktor", "double authentification",
        "deux facteurs", "dos pasos", "dois fatores", "due fattori", "tweestaps", "twee-staps",
        "dwuetapow", "двухфактор", "двоетап", "iki adımlı", "iki faktörlü", "二段階", "两步验证",
        "双重验证", "2단계", "feature", "funktion", "fonctionnalité", "función",
        "funcionalidade", "funzion", "functie", "funkcj", "функци", "presenza", "presença",
        "presencia", "présence", "anwesenheit", "obecność", "присутств", "lieferadresse",
        "delivery address", "shipping address", "adresse de livraison", "dirección de envío",
        "endereço de entrega", "indirizzo di spedizione", "afleveradres", "adres dostawy",
        "адрес доставки", "teslimat adresi", "配送先", "收货地址", "배송지", "billing",
        "facturation", "abrechnung", "facturación", "faturamento", "fatturazione",
    ),
    # A sentence that points at the link or button ("tap the button below to sign in")
    # describes what that link does, rather than a step on the way to content.
    "pointer": (
        "button", "click", "tap ", "below", "link", "knopf", "schaltfläche", "klick", "tipp",
        "unten", "bouton", "clique", "cliquez", "ci-dessous", "lien", "botón", "haz clic",
        "pulsa", "toca", "abajo", "enlace", "botão", "abaixo", "pulsante", "clicca", "qui sotto",
        "knop", "klik", "hieronder", "przycisk", "kliknij", "poniż", "кнопк", "нажм", "ниже",
        "ссылк", "натисн", "нижче", "düğme", "tıkla", "aşağıdaki", "bağlantı", "knapp", "knap",
        "painik", "tlačítk", "klikn", "gomb", "buton", "κουμπί", "tombol", "tautan", "nút",
        "nhấn", "liên kết", "ボタン", "クリック", "タップ", "リンク", "以下", "下の", "按钮",
        "按鈕", "点击", "點擊", "链接", "下面", "버튼", "클릭", "아래", "링크", "ปุ่ม", "คลิก",
        "الزر", "انقر", "اضغط", "الرابط", "כפתור", "לחצ", "קישור", "دکمه", "کلیک", "لینک",
    ),
    # Anchor texts that name no purpose; the sentence around them does.
    "generic": (
        "click here", "here", "this link", "link", "tap here", "open", "button", "continue",
        "hier", "hier klicken", "diesen link", "ici", "cliquez ici", "ce lien", "aquí",
        "haz clic aquí", "este enlace", "aqui", "clique aqui", "este link", "qui", "clicca qui",
        "questo link", "klik hier", "deze link", "tutaj", "kliknij tutaj", "здесь", "сюда",
        "эту ссылку", "тут", "buraya", "bu bağlantı", "هنا", "هذا الرابط", "כאן", "קישור",
        "اینجا", "こちら", "ここ", "このリンク", "这里", "此链接", "點擊這裡", "여기", "이 링크",
        "tại đây", "liên kết này",
    ),
}
# fmt: on

# A whole label that only moves the reader on ("Go", "Next", "Weiter", "続ける"): as a
# substring these words are everywhere ("go" in "Google", "next" in "next steps"), so only
# the entire label counts.
_BARE_LABEL = re.compile(
    r"(?:go|go on|go ahead|let'?s go|ok|okay|next|proceed|start|yes|weiter|los|los geht'?s|"
    r"fortfahren|weiter geht'?s|allons-y|suivant|continuer|poursuivre|vamos|siguiente|"
    r"continuar|seguinte|prosseguir|avanti|continua|procedi|verder|volgende|doorgaan|"
    r"dalej|kontynuuj|далее|продолжить|вперёд|вперед|далі|продовжити|devam|devam et|ileri|"
    r"ileri git|fortsätt|nästa|videre|fortsæt|jatka|pokračovat|dále|lanjut|lanjutkan|"
    r"続ける|次へ|進む|继续|繼續|下一步|계속|다음|계속하기|tiếp tục|tiếp theo|التالي|متابعة|"
    r"استمرار|המשך|הבא|ادامه|بعدی)"
)
_LABEL_TRIM = " \t.!?:>→»›➜▶✓-–—()[]"

_LATIN_OR_CYRILLIC = re.compile(r"^[\s\-'a-zà-ɏЀ-ӿ]+$")


def _compile(stems: tuple[str, ...]) -> re.Pattern[str]:
    # The text read is NFKC-normalised (Thai "คำ" becomes "คํา"): the stems must be too.
    stems = tuple(normalize_text(s) for s in stems)
    anchored = [re.escape(s) for s in stems if _LATIN_OR_CYRILLIC.match(s)]
    loose = [re.escape(s) for s in stems if not _LATIN_OR_CYRILLIC.match(s)]
    parts = []
    if anchored:
        parts.append(r"(?<!\w)(?:" + "|".join(sorted(anchored, key=len, reverse=True)) + ")")
    if loose:
        parts.append("(?:" + "|".join(sorted(loose, key=len, reverse=True)) + ")")
    return re.compile("|".join(parts))


_PATTERNS: dict[Purpose, re.Pattern[str]] = {p: _compile(s) for p, s in _CUES.items()}


# A mail asks about the same few strings many times (subject, a label that is also the end
# of its context, the same footer on every link); the answer depends on the text alone.
@functools.lru_cache(maxsize=4096)
def purposes_in(text: str) -> frozenset[Purpose]:
    """Which purposes the (visible) ``text`` speaks of."""
    if not text:
        return frozenset()
    lowered = text.lower() + " "  # stems ending in a space ("изменен ") end a word
    return frozenset(p for p, pattern in _PATTERNS.items() if pattern.search(lowered))


def bare_label(label: str) -> bool:
    """The whole ``label`` is a word that moves on without naming what it opens."""
    return _BARE_LABEL.fullmatch(label.strip(_LABEL_TRIM).lower()) is not None
