#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what is missing, then ruff, mypy, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
{ command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; } || need_apt+=(dovecot-imapd)
[ -e /usr/lib/dovecot/lmtp ] || need_apt+=(dovecot-lmtpd)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
# The /ui and browser-login tests drive Debian's Chromium (Playwright never downloads one);
# the Node tests call `serve` with plain fetch (Node >= 18).
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# The OCR tests read rendered code images with Debian's tesseract (tests/test_ocr.py).
command -v tesseract >/dev/null 2>&1 || need_apt+=(tesseract-ocr)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
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
.venv/bin/ruff check otpbridge bridge worker extract tests
echo "== mypy --strict"
.venv/bin/mypy
echo "== import-linter (layers: bridge > worker > extract)"
.venv/bin/lint-imports --no-cache

# First the unit and SDK tests (tests/quick_subset.py) on every other Python >= 3.11 found:
# pyenv's versions, else python3.X on PATH, each in its own .venv-3.X; a missing one is only a
# note. Then the full suite on .venv's Python, last, so that its summary closes the output.
# The other Pythons are skipped when arguments select tests, or with OTPBRIDGE_EXTRA_PYTHONS=skip.
failed=()
if [ $# -gt 0 ] || [ "${OTPBRIDGE_EXTRA_PYTHONS:-}" = skip ]; then
  echo "== other Pythons: skipped (arguments given or OTPBRIDGE_EXTRA_PYTHONS=skip)"
else
  main_minor=$(.venv/bin/python -c 'import sys; print(sys.version_info[1])')
  for minor in $(seq 11 19); do
    [ "$minor" -eq "$main_minor" ] && continue
    py=""
    for cand in $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3."$minor".*/bin/python 2>/dev/null | sort -V -r) \
                "$(command -v "python3.$minor" 2>/dev/null || true)"; do
      # pyenv shims of versions not installed fail here, as do interpreters without venv.
      if [ -n "$cand" ] && "$cand" -c 'import ensurepip, venv' >/dev/null 2>&1; then py=$cand; break; fi
    done
    if [ -z "$py" ]; then
      [ "$minor" -le 13 ] && echo "== Python 3.$minor: not found, skipped"
      continue
    fi
    venv=".venv-3.$minor"
    echo "== Python 3.$minor ($py): unit and SDK tests in $venv"
    started=$(date +%s)
    if { [ -x "$venv/bin/python" ] || "$py" -m venv "$venv"; } \
        && "$venv/bin/python" -m pip install -q --disable-pip-version-check -e '.[test]' \
        && PYTHONPATH=tests "$venv/bin/python" -m pytest -p quick_subset -q; then
      echo "== Python 3.$minor: passed in $(( $(date +%s) - started )) s"
    else
      echo "== Python 3.$minor: FAILED after $(( $(date +%s) - started )) s"
      failed+=("3.$minor")
    fi
  done
fi

echo "== pytest, full suite ($(.venv/bin/python -V))"
status=0
.venv/bin/python -m pytest "$@" || status=$?
if [ ${#failed[@]} -gt 0 ]; then
  echo "== the unit and SDK tests FAILED on Python ${failed[*]} (see above)"
  exit 1
fi
exit $status
