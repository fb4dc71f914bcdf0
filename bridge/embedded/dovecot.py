"""A private Dovecot (IMAP, IMAPS, LMTP) serving one catch-all mailbox.

Any local part delivered over LMTP (``agents+abc@corp.test``, ``x@corp.test``) lands in the one
INBOX of the user ``catchall``. ``recipient_delimiter = +`` keeps the ``+detail`` in
``Delivered-To``. Dovecot's imap-login refuses to run as root, so as root every Dovecot process
runs as ``nobody`` (via ``setpriv``); as a normal user they run as that user.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import shutil
import signal
import smtplib
import subprocess
import tempfile
import time
from pathlib import Path

from otpbridge.bridge.embedded.ports import free_port, wait_for_port
from otpbridge.bridge.embedded.proctable import process_table

__all__ = ["MAIL_FORMATS", "DovecotServer", "find_dovecot"]

#: Storage formats the embedded server can use. ``maildir`` is what most Dovecot installations
#: run; ``sdbox`` (one file per mail plus an index, no directory scans) costs Dovecot about a
#: third less CPU per delivered mail on a growing mailbox, which the throughput benchmark shows.
MAIL_FORMATS = ("maildir", "sdbox", "mdbox")

_CONFIG = """\
instance_name = otpb-{tag}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
listen = 127.0.0.1
protocols = imap lmtp
ssl = {ssl}
{ssl_files}
disable_plaintext_auth = no
auth_mechanisms = plain login{oauth2_mechanisms}
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = 1
mail_location = {mail_format}:{root}/mail/catchall/{mail_format}
recipient_delimiter = +
lmtp_save_to_detail_mailbox = no
mail_max_userip_connections = {max_conn}
imap_idle_notify_interval = {idle_notify}
shutdown_clients = yes
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%n {root}/users
}}
{oauth2_passdb}userdb {{
  driver = static
  args = uid={user} gid={group} home={root}/mail/catchall allow_all_users=yes
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Junk {{
    special_use = \\Junk
    auto = create
  }}
  mailbox Processed {{
    auto = create
  }}
  mailbox "Kept Mail" {{
    special_use = \\Archive
    auto = create
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp_port}
  }}
}}
service anvil {{
  chroot =
}}
protocol lmtp {{
  postmaster_address = postmaster@corp.test
}}
"""


def find_dovecot() -> str | None:
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )


class DovecotServer:
    """A disposable Dovecot. ``user``/``password`` log in to the catch-all mailbox."""

    user = "catchall"
    password = "password"  # noqa: S105 - throw-away test credential

    def __init__(
        self,
        directory: Path | None = None,
        *,
        tls: bool = True,
        max_connections: int = 50,
        idle_notify_interval: str = "2 mins",
        mail_format: str = "maildir",
        oauth2_introspection_url: str | None = None,
    ) -> None:
        if mail_format not in MAIL_FORMATS:
            raise ValueError(f"mail_format must be one of {', '.join(MAIL_FORMATS)}")
        exe = find_dovecot()
        if exe is None:
            raise FileNotFoundError(
                "dovecot is not installed (apt-get install dovecot-imapd dovecot-lmtpd)"
            )
        self.executable = exe
        self._own_dir = directory is None
        self.directory = Path(directory or tempfile.mkdtemp(prefix="otpb-dovecot-"))
        self.tls = tls
        self.max_connections = max_connections
        self.idle_notify_interval = idle_notify_interval
        self.mail_format = mail_format
        # With an RFC 7662 token-introspection endpoint, XOAUTH2 and OAUTHBEARER log in with
        # the tokens it calls active (``{"active": true, "username": "catchall"}``).
        self.oauth2_introspection_url = oauth2_introspection_url
        self.imap_port = free_port()
        self.imaps_port = free_port() if tls else 0
        self.lmtp_port = free_port()
        self._as_root = os.geteuid() == 0
        if self._as_root:
            self.run_user, self.run_group = "nobody", "nogroup"
        else:
            self.run_user = pwd.getpwuid(os.geteuid()).pw_name
            self.run_group = grp.getgrgid(os.getegid()).gr_name
        self.ca_file: Path | None = None

    # -- lifecycle -----------------------------------------------------------------------------
    @property
    def config_path(self) -> Path:
        return self.directory / "dovecot.conf"

    def _prefix(self) -> list[str]:
        if self._as_root:
            return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        return []

    def _write_files(self) -> None:
        root = self.directory
        for sub in ("run", "state", "mail/catchall"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        (root / "users").write_text(f"{self.user}:{{PLAIN}}{self.password}::::::\n")
        ssl_files = ""
        if self.tls:
            self._make_cert()
            ssl_files = f"ssl_cert = <{root}/cert.pem\nssl_key = <{root}/key.pem"
        oauth2_passdb = ""
        if self.oauth2_introspection_url:
            (root / "oauth2.conf").write_text(
                "introspection_mode = post\n"
                f"introspection_url = {self.oauth2_introspection_url}\n"
                "force_introspection = yes\n"
                "username_attribute = username\n"
                "active_attribute = active\n"
                "active_value = true\n"
            )
            oauth2_passdb = (
                "passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
                f"  args = {root}/oauth2.conf\n}}\n"
            )
        self.config_path.write_text(
            _CONFIG.format(
                oauth2_mechanisms=" xoauth2 oauthbearer" if oauth2_passdb else "",
                oauth2_passdb=oauth2_passdb,
                tag=root.name,
                root=root,
                ssl="yes" if self.tls else "no",
                ssl_files=ssl_files,
                user=self.run_user,
                group=self.run_group,
                imap_port=self.imap_port,
                imaps_port=self.imaps_port,
                lmtp_port=self.lmtp_port,
                max_conn=self.max_connections,
                idle_notify=self.idle_notify_interval,
                mail_format=self.mail_format,
            )
        )
        if self._as_root:
            # The temp dir chain must be traversable by nobody, and the tree owned by it.
            path = root
            while path != path.parent:
                if str(path).startswith(tempfile.gettempdir()) or path == root:
                    os.chmod(path, os.stat(path).st_mode | 0o711)  # noqa: S103 - traverse only
                path = path.parent
            nobody = pwd.getpwnam("nobody")
            for dirpath, dirnames, filenames in os.walk(root):
                os.chown(dirpath, nobody.pw_uid, nobody.pw_gid)
                for name in dirnames + filenames:
                    os.chown(os.path.join(dirpath, name), nobody.pw_uid, nobody.pw_gid)

    def _make_cert(self) -> None:
        key, cert = self.directory / "key.pem", self.directory / "cert.pem"
        if not cert.exists():
            subprocess.run(
                [
                    "openssl",
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "30",
                    "-subj",
                    "/CN=localhost",
                    "-addext",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout",
                    str(key),
                    "-out",
                    str(cert),
                ],
                check=True,
                capture_output=True,
                timeout=30,
            )
        self.ca_file = cert

    def start(self, timeout: float = 15.0) -> DovecotServer:
        self._write_files()
        # The daemon inherits our fds: no pipes, or run() would wait for it to exit.
        errlog = self.directory / "start.err"
        with errlog.open("wb") as err:
            proc = subprocess.run(
                [*self._prefix(), self.executable, "-c", str(self.config_path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                timeout=timeout,
                check=False,
            )
        if proc.returncode != 0:
            raise RuntimeError(f"dovecot failed to start: {errlog.read_text().strip()}")
        for port in (self.imap_port, self.lmtp_port, *([self.imaps_port] if self.tls else [])):
            wait_for_port(port, timeout)
        return self

    def master_pid(self) -> int | None:
        try:
            return int((self.directory / "run" / "master.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the master; clients get BYE. Waits until the ports are closed, and no session
        outlives it (a client must see its connection drop)."""
        pid = self.master_pid()
        if pid is None:
            return
        # Listed before the master goes: once it has exited they are no longer its children.
        children = [p for p, _ in self._children(pid)]
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            os.kill(pid, signal.SIGKILL)
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)

    def restart(self) -> None:
        self.stop()
        self.start()

    def cleanup(self) -> None:
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> DovecotServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    # -- process handling ----------------------------------------------------------------------
    def _children(self, parent: int) -> list[tuple[int, str]]:
        return [(e.pid, e.comm) for e in process_table() if e.ppid == parent]

    def imap_pids(self) -> list[int]:
        """PIDs of the per-connection ``imap`` processes (logged-in sessions)."""
        pid = self.master_pid()
        if pid is None:
            return []
        return [p for p, comm in self._children(pid) if comm == "imap"]

    def kill_imap_sessions(self, sig: int = signal.SIGKILL) -> int:
        """Kill every logged-in IMAP session. With SIGKILL the client sees no BYE and no EOF
        until it writes: the half-dead connection case."""
        pids = self.imap_pids()
        for p in pids:
            os.kill(p, sig)
        return len(pids)

    def doveadm(self, *args: str, timeout: float = 30.0) -> str:
        exe = shutil.which("doveadm") or "/usr/bin/doveadm"
        proc = subprocess.run(
            [*self._prefix(), exe, "-c", str(self.config_path), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"doveadm {' '.join(args)} failed: {proc.stderr.strip()}")
        return proc.stdout

    def set_uidvalidity(self, value: int, folder: str = "INBOX") -> None:
        self.doveadm("mailbox", "update", "-u", self.user, "--uid-validity", str(value), folder)

    # -- delivery ------------------------------------------------------------------------------
    def deliver(self, rcpt: str, message: bytes | str, mail_from: str = "sender@ext.test") -> None:
        """Deliver over LMTP with one RCPT per transaction, so Delivered-To keeps the +tag."""
        data = message.encode() if isinstance(message, str) else message
        with smtplib.LMTP("127.0.0.1", self.lmtp_port, timeout=30) as lmtp:
            lmtp.sendmail(mail_from, [rcpt], data)

    @property
    def imap_url(self) -> str:
        return f"imap://{self.user}:{self.password}@127.0.0.1:{self.imap_port}/INBOX"

    @property
    def imaps_url(self) -> str:
        return f"imaps://{self.user}:{self.password}@localhost:{self.imaps_port}/INBOX"
