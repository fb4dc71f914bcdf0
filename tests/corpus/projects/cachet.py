"""Cachet 2.4 (MIT): the status-page notifications of ``app/Notifications`` (subscription
verification, user invitation, component/incident/schedule updates, test ping) built from the
strings of ``resources/lang/*/notifications.php`` and ``cachet.php`` as its ``MailMessage``
calls order them (greeting, action, line; unsubscribe and manage links under subscriber
updates). The Laravel mail layout is a simple one written here."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import Layout, esc, fill, lang_of, load_php_tree, text_of
from model import Mail, Source
from values import Values

_L = "resources/lang/"
LOCALES = [
    "en",
    "ar-SA",
    "ca-ES",
    "cs-CZ",
    "da-DK",
    "de-DE",
    "el-GR",
    "es-ES",
    "fa-IR",
    "fi-FI",
    "fr-FR",
    "he-IL",
    "hu-HU",
    "id-ID",
    "it-IT",
    "ja-JP",
    "ko-KR",
    "mn-MN",
    "nl-NL",
    "no-NO",
    "pl-PL",
    "pt-BR",
    "pt-PT",
    "ro-RO",
    "ru-RU",
    "sq-AL",
    "sv-SE",
    "th-TH",
    "tr-TR",
    "uk-UA",
    "vi-VN",
    "zh-CN",
    "zh-TW",
]
# string stem under notifications. -> (kind, class)
_MAILS = {
    "subscriber.verify": ("confirm_link", "confirm_subscription"),
    "user.invite": ("confirm_link", "invite_accept"),
    "component.status_update": ("none", "notification"),
    "incident.new": ("none", "notification"),
    "incident.update": ("none", "notification"),
    "schedule.new": ("none", "notification"),
    "system.test": ("none", "smtp_test"),
}
SOURCE = Source(
    project="cachet",
    repo="cachethq/cachet",
    commit="d4666993247dc6d776c957b3695e1b981663180b",
    licence="MIT",
    files=tuple(f"{_L}{lc}/{f}.php" for lc in LOCALES for f in ("notifications", "cachet")),
)
_INCIDENTS = ("API latency", "Login failures in EU", "Degraded search", "Webhook delays")


def _render(root: Path, locale: str, stem: str, v: Values) -> Mail | None:
    kind, cls = _MAILS[stem]
    en = load_php_tree(root / f"{_L}en/notifications.php")
    mine = {k: x for k, x in load_php_tree(root / f"{_L}{locale}/notifications.php").items() if x}
    p = f"{stem}.mail."
    if locale != "en" and mine.get(p + "content", en[p + "content"]) == en[p + "content"]:
        return None
    tr = {**en, **mine}
    ui = {
        **load_php_tree(root / f"{_L}en/cachet.php"),
        **{k: x for k, x in load_php_tree(root / f"{_L}{locale}/cachet.php").items() if x},
    }
    app = f"{v.brand} Status"
    base = f"https://status.{v.domain}"
    code = v.token(20, "abcdefghijklmnopqrstuvwxyz0123456789")
    link = {
        "subscriber.verify": f"{base}/subscribe/verify/{code}?signature={v.hex(64)}",
        "user.invite": f"{base}/signup/invite/{code}",
    }.get(stem)
    incident = v.rng.choice(_INCIDENTS)
    vals = {
        "app_name": app,
        "name": incident,
        "old_status": ui.get("components.status.1", "Operational"),
        "new_status": ui.get("components.status.3", "Partial Outage"),
        "date": v.when("%Y-%m-%d %H:%M"),
    }

    def t(key: str) -> str:
        return esc(fill(tr[p + key], vals, "colon"))

    lay = Layout(app, "#7ed321")
    head = "greeting" if tr.get(p + "greeting") else ("title" if p + "title" in tr else "")
    if head:
        lay.heading(t(head))
    if link:
        lay.button(t("action"), link).p(t("content"))
    else:
        lay.p(t("content"))
        if p + "action" in tr:
            lay.button(t("action"), f"{base}/incidents/{v.rng.randrange(10, 900)}")
        if stem != "system.test":
            lay.p(
                f'<a href="{base}/subscribe/unsubscribe/{code}">'
                f"{esc(ui['subscriber.unsubscribe'])}</a> · "
                f'<a href="{base}/subscribe/manage/{code}">'
                f"{esc(ui['subscriber.manage_subscription'])}</a>"
            )
    html = lay.html(f"© 2026 {esc(app)}")
    return Mail(
        template=stem,
        language=lang_of(locale),
        kind=kind,
        cls=cls,
        subject=fill(tr[p + "subject"], vals, "colon"),
        sender=f"{app} <status@{v.domain}>",
        html=html,
        text=text_of(html),
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for i, stem in enumerate(_MAILS):
        for j, locale in enumerate(LOCALES):
            if locale == "en" or i < 2 or (i + j) % 3 == 0:
                yield f"{stem}-{locale}", locale, partial(_render, root, locale, stem)
