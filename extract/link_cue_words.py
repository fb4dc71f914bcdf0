"""Words that say what a link asks for (sign in, confirm, reset, accept an invitation), and
the words around such requests (password, account, a sentence pointing at the button), in
the languages otpbridge reads. Matched by :mod:`extract.link_cues`."""

from __future__ import annotations

from typing import Literal

__all__ = ["REQUEST_CUES", "Purpose"]

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
    "affirm",
    "restore",
]

# fmt: off
REQUEST_CUES: dict[Purpose, tuple[str, ...]] = {
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
        "oturumu aç", "logge inn", "innlogging", "autentificare",
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
        "ověř", "ενεργοποί", "επαλήθευ", "aktivál", "เปิดใช้งาน",
        # es/pt/it imperatives of "validate" (never the French adjective "valide")
        "valida tu", "valida su", "valide seu", "valide sua", "valide o seu", "valide a sua",
        "valida la tua", "valida il tuo", "aktivasi", "aktivac", "aktivuj",
        # completing a registration
        "registrierung abschließen", "anmeldung abschließen", "finaliser l'inscription",
        "terminer l'inscription", "compléter l'inscription", "completar registro",
        "completar el registro", "concluir cadastro", "completar cadastro",
        "completa la registrazione", "completa l'iscrizione", "registratie voltooien",
        "registratie afronden", "dokończ rejestrację", "dokończyć rejestrac",
        "zakończyć rejestrac", "zakończ rejestrację",
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
        "reset", "forgot", "new password", "set password", "set a password",
        "nulstil", "tilbakestill", "nollaa", "resetovat", "atur ulang", "új jelszó", "รีเซ็ต",
        "ตั้งรหัสผ่านใหม่", "nové heslo", "nyt password", "nytt lösenord", "nytt passord",
        "kata sandi baru", "resetează", "passwort festlegen", "lege jetzt dein passwort",
        "set your password", "choose a password", "change password", "change my password",
        "zurücksetz", "zurückzusetzen", "neues passwort", "passwort ändern", "ändere passwort",
        "passwort vergessen", "réinitialis", "nouveau mot de passe", "restablec",
        "nueva contraseña", "redefinir", "nova senha", "reimposta", "opnieuw instellen",
        "zresetuj", "resetuj", "сброс", "сбросить", "скинути", "скидання", "sıfırla",
        "إعادة تعيين", "איפוס", "אפס", "بازنشانی", "リセット", "再設定", "重置", "重设", "重設",
        "재설정", "đặt lại", "रीसेट", "রিসেট", "επαναφορά κωδικού",
    ),
    # Restoring or recovering: a reset only of a password or an account ("Recover your
    # account"), not of a cart, a subscription or a backup.
    "restore": (
        "recover", "wiederherstell", "wiederherzustellen", "récupér", "recuperar", "recupera",
        "herstel", "odzyskaj", "восстанов", "відновит", "استعادة", "שחזור", "palauta",
        "obnovit", "obnoven", "visszaállít", "επαναφορά", "ripristina", "återställ",
    ),
    "password": (
        "password", "passwort", "kennwort", "mot de passe", "contraseña", "senha", "wachtwoord",
        "lösenord", "adgangskode", "passord", "salasana", "heslo", "kata sandi", "jelszó",
        "κωδικός", "รหัสผ่าน", "parola",
        "hasło", "hasla", "hasła", "парол", "şifre", "parola", "كلمة المرور", "סיסמה", "סיסמא",
        "رمز عبور", "パスワード", "密码", "密碼", "비밀번호", "mật khẩu", "पासवर्ड", "পাসওয়ার্ড",
        "كلمة مرور", "parol", "κωδικό πρόσβασης", "κωδικού πρόσβασης", "νέου κωδικού",
        "kodeord", "رمز جدید", "αλλαγή κωδικού", "αλλαγής κωδικού",
        "νέο κωδικό",
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
    # "Yes, that's me": approves a sign-in or a device unless the mail only reports one
    # ("…not me" also matches, and its refusal wins).
    "affirm": (
        "yes, it's me", "yes, that's me", "yes, it was me", "it was me", "that was me",
        "this was me", "das bin ich", "das war ich", "oui, c'est moi", "c'était moi",
        "fui yo", "fui eu", "sì, sono io", "sono stato io", "sono stata io", "dat was ik",
        "dat ben ik", "tak, to ja", "to byłem ja", "to byłam ja", "да, это я", "это был я",
        "evet, bendim", "bu bendim", "det var jag", "det var mig", "det var meg",
        "se olin minä", "はい、私です", "本人です", "是我本人", "是的，是我", "본인입니다",
        "본인이 맞습니다",
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
