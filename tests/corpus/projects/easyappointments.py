"""Easy!Appointments (GPL-3.0; fetched, never committed): the password-reset, booking and
cancellation mails from its PHP views (``application/views/emails/*.php``) with the strings of
``application/language/*/translations_lang.php`` (a key a language lacks falls back to English,
as CodeIgniter's loader does with the English file loaded first)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import timedelta
from functools import lru_cache, partial
from pathlib import Path

from kit import esc, lang_of
from model import Mail, Source
from values import Values

_V = "application/views/emails/"
_L = "application/language/"
# directory -> BCP 47 tag
LOCALES = {
    "english": "en",
    "albanian": "sq",
    "arabic": "ar",
    "bosnian": "bs",
    "bulgarian": "bg",
    "catalan": "ca",
    "chinese": "zh",
    "croatian": "hr",
    "czech": "cs",
    "danish": "da",
    "dutch": "nl",
    "estonian": "et",
    "finnish": "fi",
    "french": "fr",
    "german": "de",
    "greek": "el",
    "hebrew": "he",
    "hindi": "hi",
    "hungarian": "hu",
    "italian": "it",
    "japanese": "ja",
    "latvian": "lv",
    "lithuanian": "lt",
    "luxembourgish": "lb",
    "marathi": "mr",
    "norwegian": "nb",
    "persian": "fa",
    "polish": "pl",
    "portuguese-br": "pt-BR",
    "portuguese": "pt",
    "romanian": "ro",
    "russian": "ru",
    "serbian": "sr",
    "slovak": "sk",
    "slovenian": "sl",
    "spanish": "es",
    "swedish": "sv",
    "thai": "th",
    "traditional-chinese": "zh-TW",
    "turkish": "tr",
    "ukrainian": "uk",
}
# view -> (kind, class)
_MAILS = {
    "password_reset_email": ("reset_link", "reset_password"),
    "appointment_saved_email": ("none", "booking"),
    "appointment_deleted_email": ("none", "booking"),
}
SOURCE = Source(
    project="easyappointments",
    repo="alextselegidis/easyappointments",
    commit="e46b4c6befb88c8f00e0a1e0eecdaa0e9c6294fb",
    licence="GPL-3.0-only",
    files=tuple(f"{_V}{m}.php" for m in _MAILS)
    + tuple(f"{_L}{d}/translations_lang.php" for d in LOCALES),
)
_STR = re.compile(r"""\$lang\['(\w+)'\]\s*=\s*(?:'((?:\\.|[^'\\])*)'|"((?:\\.|[^"\\])*)")""", re.S)
_IF = re.compile(
    r"<\?php if \(((?:(?!\): \?>).)*)\): \?>((?:(?!<\?php if ).)*?)"
    r"(?:<\?php else: \?>((?:(?!<\?php if ).)*?))?<\?php endif; \?>",
    re.S,
)
_ECHO = re.compile(r"<\?=\s*(.*?)\s*\?>", re.S)
_SERVICES = ("Dental check-up", "Haircut & styling", "Tax consultation", "Physiotherapy (45 min)")
_NOTES = ("Please bring your insurance card.", "Gate code for the car park: 4471", "")


@lru_cache(maxsize=64)
def _strings(path: Path) -> dict[str, str]:
    out = {}
    for key, single, double in _STR.findall(path.read_text(encoding="utf-8")):
        out[key] = (single or double).replace("\\'", "'").replace('\\"', '"')
    return out


def _php(src: str, conds: Mapping[str, bool], echo: Callable[[str], str]) -> str:
    src = re.sub(r"\A<\?php.*?\?>\s*", "", src, flags=re.S)
    src = re.sub(r"<\?php for .*?<\?php endfor; \?>", "", src, flags=re.S)
    while True:
        new = _IF.sub(lambda m: m.group(2) if conds[m.group(1)] else (m.group(3) or ""), src)
        if new == src:
            break
        src = new
    return _ECHO.sub(lambda m: echo(re.sub(r"\s+", "", m.group(1)).replace(",)", ")")), src)


def _render(root: Path, folder: str, name: str, v: Values) -> Mail | None:
    kind, cls = _MAILS[name]
    en = _strings(root / f"{_L}english/translations_lang.php")
    tr = {**en, **_strings(root / f"{_L}{folder}/translations_lang.php")}
    base = f"https://booking.{v.domain}"
    link = f"{base}/index.php/recovery/reset/{v.hex(64)}" if kind == "reset_link" else None
    online = v.rng.random() < 0.5
    location = f"https://meet.{v.domain}/{v.words(3, '-')}" if online else "Hauptstraße 12, Berlin"
    subject = {
        "password_reset_email": tr["password_reset_request"],
        "appointment_saved_email": tr["appointment_booked"],
        "appointment_deleted_email": tr["appointment_cancelled_title"],
    }[name]
    message = {
        "password_reset_email": tr["password_reset_email_message"],
        "appointment_saved_email": tr["thank_you_for_appointment"],
    }.get(name, "")
    status = v.rng.choice(("Booked", "Confirmed"))
    notes = v.rng.choice(_NOTES)
    start = v.base_time
    vals = {
        "$subject": esc(subject),
        "$message": esc(message),
        "e($reset_link)": esc(link or ""),
        "e($appointment_link)": esc(f"{base}/index.php/booking/reschedule/{v.hex(12)}"),
        "e($settings['company_link'])": esc(f"https://{v.domain}"),
        "e($settings['company_name'])": esc(v.brand),
        "e($service['name'])": esc(v.rng.choice(_SERVICES)),
        "e($provider['first_name'].''.$provider['last_name'])": esc(v.other_name()),
        "format_date_time($appointment['start_datetime'])": start.strftime("%d/%m/%Y %H:%M"),
        "format_date_time($appointment['end_datetime'])": (start + timedelta(minutes=30)).strftime(
            "%d/%m/%Y %H:%M"
        ),
        "format_timezone($timezone)": "Europe/Berlin (+01:00)",
        "e($appointment['status'])": status,
        "nl2br(e($service['description']))": "",
        "e($appointment['location'])": esc(location),
        "e($appointment['meeting_link'])": "",
        "e($appointment['notes'])": esc(notes),
        "e($customer_full_name)": esc(v.name),
        "e($customer_email)": esc(v.email),
        "e($customer_phone_number)": v.phone(),
        "e($customer_address)": "",
        "e($reason)": esc(v.rng.choice(("Provider unavailable", "Requested by customer"))),
    }
    conds = {
        "!empty($appointment['status'])": True,
        "!empty($service['description'])": False,
        "!empty($appointment['location'])": True,
        "str_starts_with($appointment['location'], 'http')": online,
        "!empty($appointment['meeting_link'])": False,
        "!empty($appointment['notes'])": bool(notes),
        "$customer_full_name !== ''": True,
        "$customer_email !== ''": True,
        "$customer_phone_number !== ''": True,
        "$customer_address !== ''": False,
    }

    def echo(expr: str) -> str:
        m = re.fullmatch(r"lang\('(\w+)'\)", expr)
        return esc(tr[m.group(1)]) if m else vals[expr]

    html = _php((root / f"{_V}{name}.php").read_text(encoding="utf-8"), conds, echo)
    return Mail(
        template=name,
        language=lang_of(LOCALES[folder]),
        kind=kind,
        cls=cls if name != "appointment_deleted_email" else "order_cancelled",
        subject=subject,
        sender=f"{v.brand} <booking@{v.domain}>",
        html=html,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, name in enumerate(_MAILS):
        for j, (folder, tag) in enumerate(LOCALES.items()):
            if folder == "english" or (i + j) % 2 == 0:
                yield f"{name}-{tag}", tag, partial(_render, root, folder, name)
