"""The words of auth URLs' routes, by what they say: a reset, a confirmation or an
invitation, a sign-in link, an unsubscription, a page of the site (help, pricing…), a
refusal. :mod:`extract.links.url_signatures` reads a URL's path and query words against
them; the localised route words come from the ``[url]`` tables of the language files.
"""

from __future__ import annotations

from otpbridge.extract.lang import words

__all__ = [
    "CONFIRM",
    "CONFIRM_TAILS",
    "DECLINE",
    "INSTALLED",
    "INVITE",
    "INVITE_TAILS",
    "MAGIC",
    "PASSWORD_HEADS",
    "RECOVERY_TAILS",
    "RESET_STRONG",
    "RESET_WEAK",
    "UNSUB",
    "UTILITY_WORDS",
]

RESET_STRONG = frozenset(
    {
        "reset",
        "resetpassword",
        "password",
        "passwd",
        "pwd",
        "forgot",
        "forgotten",
        "newpassword",
        "setpassword",
        "changepassword",
        "resetcredentials",
        "passwordreset",
    }
)
RESET_WEAK = frozenset({"recover", "recovery", "restore"})
INVITE = frozenset(
    {"invite", "invitation", "invitations", "invites", "accept", *words("url", "invite")}
)
CONFIRM = frozenset(
    {
        "verify",
        "verification",
        "verified",
        "confirm",
        "confirmation",
        "confirmed",
        "activate",
        "activation",
        "validate",
        "validation",
        "optin",
        "unlock",
        "unblock",
        "invite",
        "invitation",
        "invitations",
        "invites",
        "accept",
        "register",
        "registration",
        "signup",
        "createaccount",
        "onboarding",
        "setup",
        "emailchange",
        "changeemail",
        "init",
        "initialize",
        "subscribe",
        "enroll",
        "enrol",
        "enrollment",
        # "/delete-account/<token>": confirming an account's deletion
        "deleteaccount",
        "deletemyaccount",
        "accountdeletion",
        "deleteuser",
        "deleteprofile",
        "deleteme",
        "closeaccount",
        "accountclosure",
    }
)
# Route words glued to an object ("emailconfirm", "accountactivation"): the purpose is the
# tail of the compound.
INVITE_TAILS = ("invitation", "invite")
# …but not glued onto what it installs: "/agentinvite" invites to install a remote agent.
INSTALLED = frozenset({"agent", "app", "device", "client", "software"})
# "/pswrecovery", "pwdreset": a password's abbreviation glued to a recovery word resets.
PASSWORD_HEADS = ("psw", "pwd", "passwd", "pass")
RECOVERY_TAILS = ("recovery", "recover", "restore", "reset")
CONFIRM_TAILS = ("confirm", "confirmation", "verify", "verification", "activate", "activation")
MAGIC = frozenset(
    {
        "magic",
        "magiclink",
        "login",
        "signin",
        "logon",
        "callback",
        "passwordless",
        "sso",
        "otp",
        "authenticate",
        "loginlink",
        "emaillogin",
    }
)
UNSUB = frozenset(
    {
        "unsubscribe",
        "unsub",
        "optout",
        "preferences",
        "emailpreferences",
        "unsubscribed",
        "managepreferences",
        "notificationsettings",
        "emailsettings",
        "subscriptioncenter",
        # list management: re-subscribing or managing a list subscription is no account action
        "resubscribe",
        "subscribemanage",
        "managesubscription",
        "managesubscriptions",
    }
)
UTILITY_WORDS = frozenset(
    {
        "help",
        "support",
        "faq",
        "faqs",
        "privacy",
        "privacypolicy",
        "policy",
        "policies",
        "terms",
        "termsofservice",
        "tos",
        "legal",
        "imprint",
        "impressum",
        "datenschutz",
        "contact",
        "contactus",
        "about",
        "blog",
        "docs",
        "documentation",
        "status",
        "careers",
        "jobs",
        "press",
        "community",
        "forum",
        "forums",
        "discord",
        "cookies",
        "cookie",
        "rules",
        "download",
        "downloads",
        "pricing",
    }
)
DECLINE = frozenset({
    "revoke", "report", "deny", "decline", "reject", "notme", "block", "cancel", "undo",
    "revert", "lock", "lockaccount", "secureaccount", "wasntme", "notmyaccount", "freeze",
    "freezeaccount",
})  # fmt: skip
