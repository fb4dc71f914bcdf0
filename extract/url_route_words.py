"""Route words of localised URLs ("/konto/aktivieren", "/wachtwoord/herstellen",
"/sifre-sifirla"): the ASCII slugs that apps translating their routes use for the auth
purposes, in de fr es pt it nl pl ru cs tr sv da nb fi hu ro id vi hr sr sl sk bg lt lv et ca
eu gl is ga cy sw tl ms. Matched as whole path
words, like the English ones in :mod:`extract.url_signatures`."""

from __future__ import annotations

__all__ = ["CONFIRM", "MAGIC", "RESET"]

CONFIRM = frozenset({
    "bestaetigen", "bestatigen", "bestaetigung", "aktivieren", "aktivierung", "verifizieren",
    "registrierung", "einladung", "confirmer", "activer", "valider", "verifier",
    "inscription", "confirmar", "activar", "verificar", "validar", "activacion",
    "verificacion", "confirmacion", "invitacion", "ativar", "ativacao", "confirmacao",
    "verificacao", "convite", "conferma", "attiva", "attivazione", "verifica", "convalida",
    "invito", "bevestig", "bevestigen", "bevestiging", "activeren", "uitnodiging",
    "potwierdz", "potwierdzenie", "aktywuj", "aktywacja", "weryfikacja", "zaproszenie",
    "overeni", "overit", "potvrzeni", "potvrdit", "aktivace", "pozvanka", "dogrula",
    "dogrulama", "onayla", "aktivasyon", "davet", "bekrafta", "verifiera", "aktivera",
    "inbjudan", "bekraeft", "bekreft", "aktiver", "invitasjon", "vahvista", "aktivoi",
    "confirma", "activeaza", "invitatie", "verifikasi", "aktivasi", "undangan",
    "konfirmasi", "xacthuc", "xacminh", "kichhoat",
    "potvrdi", "potvrda", "potvrdite", "aktivacija", "aktivacia", "aktivovat", "aktivirati",
    "potrdi", "potrditev", "patvirtinti", "patvirtinimas", "apstiprinat", "aktivizet",
    "kinnita", "kinnitamine", "aktiveeri", "confirmacio", "activacio", "verificacio",
    "egiaztatu", "egiaztapena", "stadfesta", "stadfesting", "deimhnigh", "cadarnhau",
    "dilysu", "thibitisha", "hakiki", "kumpirmahin", "sahkan", "pengesahan", "pozivnica",
    "povabilo", "pokana", "kvietimas", "uzaicinajums", "invitacio", "gonbidapena",
    "mwaliko", "jemputan", "einladungen", "invitaciones", "convites", "inviti",
    "uitnodigingen", "zaproszenia",
})  # fmt: skip
RESET = frozenset({
    "passwort", "kennwort", "zuruecksetzen", "zurucksetzen", "reinitialiser",
    "reinitialisation", "contrasena", "restablecer", "senha", "redefinir", "reimposta",
    "reimpostare", "wachtwoord", "haslo", "resetuj", "parol", "sbros", "sifre", "sifirla",
    "heslo", "losenord", "aterstall", "adgangskode", "nulstil", "passord", "tilbakestill",
    "salasana", "jelszo", "resetare", "katasandi", "matkhau", "datlai",
    "lozinka", "lozinku", "geslo", "ponastavi", "ponastavitev", "obnovenie", "slaptazodis",
    "atkurti", "atjaunot", "parool", "lahtesta", "contrasenya", "restablir",
    "pasahitza", "berrezarri", "contrasinal", "lykilord", "endurstilla", "pasfhocal",
    "athshocraigh", "cyfrinair", "ailosod", "nenosiri", "katalaluan",
})  # fmt: skip
MAGIC = frozenset({
    "anmelden", "einloggen", "connexion", "iniciarsesion", "inloggen", "aanmelden",
    "zaloguj", "logowanie", "vhod", "voiti", "prihlaseni", "prihlasit", "bejelentkezes",
    "logind", "loggain", "logginn", "kirjaudu", "dangnhap", "accedi",
    "prisijungti", "pieteikties", "sisselogimine", "mewngofnodi",
    "logmasuk",
})  # fmt: skip
