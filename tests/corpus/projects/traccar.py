"""Traccar (Apache-2.0; fetched at the pinned commit, not committed): its Velocity mail
templates in ten languages (``templates/notifications/<lang>/*.vm``): the password-reset link
and device, geofence, ignition, maintenance and report notifications (hard negatives with
coordinates, times and unsubscribe links). Rendered with a Velocity subset: ``#set($subject
= "…")``, ``$esc.html(…)``, ``$dateTool.format(…)``, ``#{if}(…)…#{else}…#{end}``."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from pathlib import Path

from kit import lang_of, text_of
from model import Mail, Source
from values import Values

LOCALES = ("en", "de", "el", "es", "fr", "it", "pl", "pt_BR", "ru", "tr")
_MAILS = {  # template -> (kind, class)
    "passwordReset": ("reset_link", "reset_password"),
    "deviceOnline": ("none", "notification"),
    "deviceOffline": ("none", "notification"),
    "deviceMoving": ("none", "notification"),
    "deviceStopped": ("none", "notification"),
    "geofenceEnter": ("none", "notification"),
    "geofenceExit": ("none", "notification"),
    "ignitionOn": ("none", "notification"),
    "ignitionOff": ("none", "notification"),
    "maintenance": ("none", "notification"),
    "scheduledReport": ("none", "report"),
    "userExpiration": ("none", "account_notice"),
}
_T = "templates/notifications/{lc}/{name}.vm"
_ABSENT = {("es", "scheduledReport"), ("pt_BR", "scheduledReport")}  # at the pinned commit
SOURCE = Source(
    project="traccar",
    repo="traccar/traccar",
    commit="9e5c458ad0bf44ceaddf72534bf6874787f41b6c",
    licence="Apache-2.0",
    files=tuple(
        _T.format(lc=lc, name=n) for lc in LOCALES for n in _MAILS if (lc, n) not in _ABSENT
    ),
)
_SET = re.compile(r'^#set\(\$(\w+) = "(.*)"\)\s*$', re.M)
_IF = re.compile(r"#\{if\}\(\$([\w.]+)\)(.*?)#\{else\}(.*?)#\{end\}", re.S)
_CALL = re.compile(r"\$(?:esc\.html|dateTool\.format)\(((?:[^()]|\([^()]*\))*)\)")
_VAR = re.compile(r"\$\{?([a-zA-Z][\w]*(?:\.[a-zA-Z]\w*)*)\}?")


def _when(fmt: str, env: dict[str, str]) -> str:
    return datetime.strptime(env["when"], "%Y-%m-%d %H:%M:%S").strftime(fmt)


def _fill(s: str, env: dict[str, str]) -> str:
    s = _IF.sub(lambda m: m.group(2) if env.get(m.group(1)) else m.group(3), s)

    def call(m: re.Match[str]) -> str:
        args = m.group(1)
        if m.group(0).startswith("$dateTool"):
            pattern = re.match(r"\s*'([^']*)'", args)
            java = pattern.group(1) if pattern else "yyyy-MM-dd HH:mm:ss"
            for a, b in (("yyyy", "%Y"), ("MM", "%m"), ("dd", "%d"), ("HH", "%H"), ("mm", "%M")):
                java = java.replace(a, b)
            return env["when"] if "%" not in java else _when(java.replace("ss", "%S"), env)
        return _fill(args, env)

    s = _CALL.sub(call, s)

    def var(m: re.Match[str]) -> str:
        name = m.group(1)
        while name not in env and "." in name:  # "$device.name." at a sentence end
            name = name.rsplit(".", 1)[0]
        return env[name] + m.group(1)[len(name) :]

    return _VAR.sub(var, s)


def _render(root: Path, locale: str, name: str, v: Values) -> Mail:
    kind, cls = _MAILS[name]
    src = (root / _T.format(lc=locale, name=name)).read_text(encoding="utf-8")
    web = f"https://gps.{v.domain}"
    token = v.token(43)
    env = {
        "webUrl": web,
        "token": token,
        "device.name": v.rng.choice(("Van 12", "Truck DE-4471", "Bike Anna", "Tractor 3")),
        "event.id": str(v.rng.randrange(1000, 99999)),
        "geofence.name": v.rng.choice(("Depot North", "Customer site", "Home")),
        "maintenance.name": "Oil change",
        "position.address": "",
        "position.latitude": f"{v.rng.uniform(40, 55):.6f}",
        "position.longitude": f"{v.rng.uniform(-5, 25):.6f}",
        "reportUrl": f"{web}/reports/combined?token={v.token(20)}",
        "when": v.when("%Y-%m-%d %H:%M:%S"),
    }
    sets = dict(_SET.findall(src))
    body = _SET.sub("", src).strip()
    subject = html.unescape(_fill(sets["subject"], env))  # some subjects carry HTML entities
    body_html = _fill(body, env)
    link = f"{web}/reset-password?passwordReset={token}" if kind == "reset_link" else None
    return Mail(
        template=name,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"Traccar <traccar@{v.domain}>",
        html=body_html,
        text=text_of(body_html),
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, name in enumerate(_MAILS):
        for j, locale in enumerate(LOCALES):
            if name == "passwordReset":
                for k in range(2):
                    yield f"{name}-{locale}-{k}", locale, partial(_render, root, locale, name)
            elif (i + j) % 3 == 0 and (locale, name) not in _ABSENT:
                yield f"{name}-{locale}", locale, partial(_render, root, locale, name)
