"""The purposes of :mod:`extract.link_cue_words` and :mod:`extract.notice_cue_words` in the
further languages otpbridge reads: hr sr bs sl sk bg lt lv et ca eu gl is ga cy sw tl ms ta
hi bn. Kept apart so that each table stays readable; :mod:`extract.link_cues` joins them.

Latin stems match at a word start, so a stem stands for its inflections ("potvrd" for
"potvrdi", "potvrdite", "potvrda"); a stem that is also a common word of a language already
read ("hemen" is Turkish for "at once") is left out."""

from __future__ import annotations

from otpbridge.extract.link_cue_words import Purpose

__all__ = ["MORE_CUES"]

# fmt: off
MORE_CUES: dict[Purpose, tuple[str, ...]] = {
    "magic": (
        # the verbs only: the noun "prijava" is also an application or a claim
        "prijavi se", "prijavite se", "za prijavu", "prijavljivanje", "prijavljanje",
        "пријави се", "пријавите се", "prihlásenie", "prihláste sa", "влез",
        "влизане", "prisijung", "prisijunk", "pieteikties", "pieteikšan", "pierakstīties",
        "pieslēgt",
        "logi sisse", "sisselogimi", "inicia la sessió", "iniciar sessió", "inicia sessió",
        "accedeix", "iniciar la sessió", "inicieu la sessió", "inici de sessió",
        "saioa hasi", "hasi saioa", "skrá inn", "innskrá", "skráðu þig inn",
        "logáil isteach", "sínigh isteach", "mewngofnod", "fewngofnod", "ingia", "kuingia",
        "mag-log in", "mag-sign in", "log masuk", "daftar masuk", "உள்நுழை", "லாகின்",
        "लॉग इन", "সাইন ইন", "লগ ইন",
    ),
    "confirm": (
        "potvrd", "potrd", "aktiviraj", "aktivirajte", "aktivacij", "verificiraj", "preveri",
        "verifikuj", "verifikacij", "верифику", "верификациј", "overte", "overenie",
        "потврд", "активирај", "aktivova", "overiť", "потвърд", "patvirtin",
        "aktyvuo", "aktyvuok", "apstiprin", "aktivizē", "aktivizēt", "kinnita", "aktiveeri",
        "activa el", "activa la", "activeu", "egiaztatu", "baieztatu", "berretsi", "aktibatu",
        "staðfest", "virkja", "deimhnigh", "dheimhniú", "fíoraigh", "gníomhachtaigh",
        "cadarnh", "gadarnh", "chadarnh", "nghadarnh", "dilysu", "ddilysu", "actifadu",
        "gweithredu", "weithredu", "deimhniú", "thibitisha", "kuthibitisha",
        "hakiki", "kuhakiki", "amilisha", "kumpirmahin", "i-verify", "beripikahin",
        "i-activate", "i-confirm", "sahkan", "pengesahan", "உறுதிப்படுத்", "சரிபார்",
        "செயல்படுத்து", "सक्रिय", "सत्यापन", "যাচাই", "সক্রিয়",
        # accepting an invitation
        "prihvati pozivnicu", "prihvatite pozivnicu", "prihvati poziv", "прихвати позив",
        "sprejmi povabilo", "prijať pozvánku", "приеми поканата", "приемете поканата",
        "priimti kvietimą", "pieņemt uzaicinājumu", "võta kutse vastu", "accepta la invitació",
        "onartu gonbidapena", "aceptar o convite", "samþykkja boð", "glac leis an gcuireadh",
        "derbyn y gwahoddiad", "kubali mwaliko", "tanggapin ang imbitasyon",
        "terima jemputan", "அழைப்பை ஏற்", "आमंत्रण स्वीकार", "আমন্ত্রণ গ্রহণ",
    ),
    "reset": (
        "resetir", "ponovno postav", "nova lozinka", "novu lozinku", "obnovi lozinku",
        "ресетуј", "ресетовање", "нова лозинка", "нову лозинку", "ponastav", "novo geslo",
        "нова парола", "нулиране", "naują slaptažodį", "atiestat", "jaunu paroli",
        "jauna parole", "lähtest", "uus parool", "nova contrasenya", "berrezarri",
        "pasahitz berri", "novo contrasinal", "endurstill",
        "nýtt lykilorð", "athshocraigh", "athshocr", "pasfhocal nua", "ailosod", "cyfrinair newydd",
        "weka upya", "nenosiri jipya", "tetapkan semula", "set semula",
        "kata laluan baharu", "kata laluan baru", "மீட்டமை", "नया पासवर्ड", "নতুন পাসওয়ার্ড",
    ),
    "restore": (
        "oporav", "obnoviť", "obnovenie", "възстанов", "atkurti", "atkūrim", "atstatyti",
        "atjauno", "taasta", "restableix", "restablir", "berreskuratu", "rejesha",
    ),
    "password": (
        "lozink", "лозинк", "gesl", "hesl", "slaptažod", "parool", "contrasenya", "pasahitz",
        "contrasinal", "lykilorð", "pasfhocal", "focal faire", "cyfrinair", "gyfrinair",
        "nenosiri", "nywila", "kata laluan", "கடவுச்சொல்",
    ),
    "invite": (
        "pozvao", "pozvala", "pozivnic", "pozvani", "pozvan", "позвао", "позвала", "позив",
        "povabil", "povabilo", "pozvánk", "pozval", "покан", "pakviet", "kvietim", "uzaicin",
        "ielūgum", "kutsus", "invitació", "t'ha convidat", "us ha convidat", "gonbidapen",
        "gonbidatu", "bauð þér", "boð um", "cuireadh", "gwahodd", "wahodd", "mwaliko",
        "amekualika", "inimbitahan", "imbitasyon", "jemputan", "menjemput", "அழைப்பு",
        "அழைத்துள்ளார்", "आमंत्रण", "आमंत्रित", "निमंत्रण", "আমন্ত্রণ",
    ),
    "join": (
        "pridruži", "pridružite", "придружи", "pripojiť", "присъедин", "pievienoties",
        "liitu", "liitumi", "uneix-te", "unir-te", "batu zaitez", "ganga í", "glac páirt",
        "ymuno", "jiunge", "sumali", "sertai", "சேர", "शामिल", "যোগ দিন",
    ),
    "account": (
        "račun", "nalog", "налог", "účet", "профил", "paskyr", "kont", "compte", "kontu",
        "aðgang", "cuntas", "cyfrif", "gyfrif", "akaunti", "akaun", "கணக்கு", "खाता", "खाते",
        "অ্যাকাউন্ট", "e-pošt", "е-пошт", "e-naslov", "имейл", "el. pašt", "e-pasta",
        "e-pasts", "e-post", "adreça", "correu", "helbide", "enderezo", "netfang", "ríomhphost",
        "seoladh", "e-bost", "cyfeiriad", "barua pepe", "e-mel", "மின்னஞ்சல்", "ईमेल",
        "ইমেইল", "poveznic", "линк", "povezav", "odkaz", "връзка", "nuorod", "saite", "saiti",
        "enllaç", "esteka", "ligazón", "tengil", "hlekk", "nasc", "dolen", "ddolen", "kiungo",
        "pautan", "இணைப்பு", "लिंक", "লিংক", "লিঙ্ক",
    ),
    "pointer": (
        "gumb", "klikn", "ispod", "dugme", "дугме", "клик", "испод", "spodaj", "spodnj",
        "tlačidl", "nižšie", "бутон", "натисн", "щракн", "по-долу", "mygtuk", "spustel",
        "paspausk", "žemiau", "poga", "pogu", "pogas", "noklikšķin", "zemāk", "nupp", "klõpsa",
        "allpool", "botó",
        "fes clic", "feu clic", "a continuació", "botoi", "klik egin", "beheko", "fai clic",
        "preme", "hnapp", "smelltu", "að neðan", "cnaipe", "cliceáil", "thíos", "botwm",
        "cliciwch", "isod", "kitufe", "bofya", "bonyeza", "hapa chini", "i-click",
        "sa ibaba", "butang", "di bawah", "பொத்தான", "கிளிக்", "கீழே", "बटन", "क्लिक", "नीचे",
        "বোতাম", "বাটন", "ক্লিক", "নিচে",
    ),
    "generic": (
        "ovdje", "ovde", "ovu poveznicu", "ovaj link", "овде", "ovu vezu", "tukaj", "тук",
        "čia", "šeit", "siin", "aquest enllaç", "hér", "anseo", "yma", "hapa", "dito", "di sini",
        "இங்கே", "यहाँ", "यहां", "এখানে",
    ),
    # notices: unsubscribe, refusals, done and changed, alerts, shops
    "unsubscribe": (
        "odjava", "odjavi", "odjavite", "odjaviti", "odhlásiť", "отписване", "atsisakyti",
        "atteikties", "loobu", "donar-se de baixa", "harpidetza kendu", "darse de baixa",
        "afskrá", "díliostáil", "dad-danysgrifio", "jiondoe", "mag-unsubscribe",
        "berhenti melanggan", "சந்தாவிலகு", "सदस्यता छोड़", "आनसब्सक्राइब", "আনসাবস্ক্রাইব",
    ),
    "decline": (
        "nisam ja", "to nisam bio ja", "то нисам био ја", "nebol som to ja", "това не бях аз",
        "tai ne aš", "tas nebiju es", "see polnud mina", "no he estat jo", "ez naiz ni izan",
        "non fun eu", "þetta var ekki ég", "ní mise a bhí ann", "nid fi oedd",
        "haikuwa mimi", "hindi ako ito", "bukan saya",
    ),
    "done": (
        "potvrđen", "potvrđena", "je aktiviran", "su aktivirani", "potrjen", "overený",
        "потвърден", "patvirtinta", "patvirtintas", "ir apstiprināt", "kinnitatud",
        "s'ha confirmat", "ha estat confirmat", "egiaztatu da", "staðfest hefur",
        "imethibitishwa", "nakumpirma", "telah disahkan", "உறுதிப்படுத்தப்பட்டது",
        "पुष्टि हो गई", "নিশ্চিত করা হয়েছে",
    ),
    "changed": (
        "promijenjen", "promenjen", "промењен", "spremenjen", "zmenené", "zmenen", "променен",
        "pakeistas", "pakeista", "ir mainīt", "muudetud", "canviat", "aldatu da", "breytt",
        "athraíodh",
        "newidiwyd", "imebadilishwa", "binago", "telah ditukar", "மாற்றப்பட்டது",
        "बदल दिया गया", "बदला गया", "পরিবর্তন করা হয়েছে",
    ),
    "alert": (
        "nova prijava", "нова пријава", "nové prihlásenie", "нов вход", "naujas prisijungimas",
        "jauna pieteikšanās", "uus sisselogimine", "nou inici de sessió", "saio-hasiera berri",
        "ný innskráning", "kuingia kupya", "bagong pag-login", "log masuk baharu",
        "புதிய உள்நுழைவு", "नया लॉगिन", "নতুন লগইন",
    ),
    "commerce": (
        "narudžb", "porudžbin", "поруџбин", "naročil", "objednávk", "поръчк", "užsakym",
        "pasūtījum", "tellimus", "comanda", "pöntun", "ordú", "archeb",
        "oda yako", "order mo", "pesanan", "ஆர்டர்", "ऑर्डर", "অর্ডার", "faktura", "factura",
        "faktúr", "фактур", "sąskait", "rēķin", "arve", "sonrasc",
        "anfoneb", "resit", "invois", "resibo", "ரசீது", "रसीद", "রসিদ", "बुकिंग", "आरक्षण",
        "முன்பதிவு", "বুকিং",
        # payments, cards and discounts
        "uplat", "plaćanj", "plačil", "плащан", "mokėjim", "maksājum", "makse", "pagament",
        "ordainket", "greiðsl", "íocaíocht", "taliad", "malipo", "bayad", "bayaran", "கட்டண",
        "भुगतान", "অর্থপ্রদান", "পেমেন্ট", "kartic", "картиц", "картичк", "kortel", "targeta",
        "txartel", "cárta", "cerdyn", "kadi", "kad kredit", "அட்டை", "कार्ड", "কার্ড", "zľav",
        "popust", "попуст", "отстъпк", "nuolaid", "atlaid", "allahindlus", "descompte",
        "deskontu", "afslátt", "lascaine", "gostyngiad", "punguzo", "diskwento", "diskaun",
        "தள்ளுபடி", "छूट", "ছাড়",
        # attendance and events: "confirm attendance" is not an account action
        "dolazak", "dolaska", "долазак", "долазака", "prisotnost", "udeležb", "účasť",
        "присъствие", "участие", "dalyvavim", "dalību", "dalība", "osalemi", "assistència",
        "asistencia", "bertaratze", "mæting", "freastal", "presenoldeb", "mahudhurio",
        "pagdalo", "kehadiran", "வருகை", "उपस्थिति", "উপস্থিতি", "radionic", "događaj",
        "догађај", "dogodek", "dogodk", "podujat", "събити", "renginy", "pasākum", "ürituse",
        "üritus", "esdeveniment", "ekitaldi", "viðburð", "ócáid", "digwyddiad", "tukio",
        "kaganapan", "acara", "நிகழ்வு", "कार्यक्रम", "অনুষ্ঠান",
    ),
}
# fmt: on
