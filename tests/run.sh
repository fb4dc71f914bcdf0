#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what is missing, then ruff, mypy, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
{ command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; } || need_apt+=(dovecot-imapd)
[ -e /usr/lib/dovecot/lmtp ] || need_apt+=(dovecot-lmtpd)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
# Debian/Ubuntu ship venv/ensurepip separately from python3.
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need_apt+=("python3-venv" "python3-pip")
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

echo "== ruff"
.venv/bin/ruff check bridge worker extract tests
echo "== mypy --strict"
.venv/bin/mypy
echo "== pytest"
exec .venv/bin/python -m pytest "$@"
