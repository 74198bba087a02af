#!/usr/bin/env bash
# Set up everything this project needs on a fresh Debian 12 machine, load the
# demo bloc and serve it on 127.0.0.1:${PORT:-8000}, with the task consumer beside it.
#   ./run.sh             set up, migrate, seed the demo, serve (and run the task consumer)
#   ./run.sh --no-serve  everything but serve
# EXTRA_DEBIAN_PACKAGES adds Debian packages to install (test.sh uses it).
# With DEBUG on, a test PKI and CSC signing server run beside it on 127.0.0.1:${PKI_PORT:-9780} and ${CSC_PORT:-9781}.
set -euo pipefail
cd "$(dirname "$0")"

serve=1
[ "${1:-}" = "--no-serve" ] && serve=0

say() { printf '\n== %s\n' "$*"; }

# 1. Debian packages ---------------------------------------------------------
debian_packages="gettext fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils ${EXTRA_DEBIAN_PACKAGES:-}"
command -v npm >/dev/null 2>&1 || debian_packages="$debian_packages nodejs npm"
python=$(command -v python3.11 || command -v python3)
"$python" -c "import venv, ensurepip" 2>/dev/null || debian_packages="$debian_packages python3-venv"
missing=""
for package in $debian_packages; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    say "Installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "Some Debian packages are missing. Run this, then run $0 again:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
  fi
fi

# 2. Python packages, into .venv ---------------------------------------------
if [ ! -x .venv/bin/python ]; then
  say "Creating .venv with $python"
  "$python" -m venv .venv
fi
stamp=.venv/.requirements.sha256
wanted=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  say "Installing Python packages"
  .venv/bin/pip install --disable-pip-version-check -q -r requirements.txt
  echo "$wanted" > "$stamp"
fi

# 3. Front-end packages (served by Django's staticfiles, no CDN) ---------------
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "Installing front-end packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# 4. Translations, database, demo --------------------------------------------
mkdir -p var
.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=var -v0
.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/python manage.py collectstatic --no-input -v0
# A self-signed development seal, unless a real one is configured (SEAL_PKCS12).
[ -n "${SEAL_PKCS12:-}" ] || .venv/bin/python manage.py make_dev_seal --if-missing
debug=1
case "$(printf '%s' "${DEBUG:-true}" | tr '[:upper:]' '[:lower:]')" in 0|false|no|off) debug=0 ;; esac
pki_port=${PKI_PORT:-9780}
csc_port=${CSC_PORT:-9781}
# The test PKI for signing with certificates (keys under var/pki/, never committed) and its CSC signing
# server sign for whoever asks: development only (test_pki refuses with DEBUG=false).
if [ "$debug" = 1 ]; then
  .venv/bin/python manage.py test_pki --setup --base-url "http://127.0.0.1:$pki_port"
  # Its CSC server is the demo's remote-signing provider (the seed links the demo's heads and clerks to
  # it; the server and the consumer sign through it). pyHanko wants the part of the URL before /csc/v1.
  # Its time-stamping authority stamps every signature and the archive timestamps (PAdES B-LTA).
  [ -n "${TSA_URL:-}" ] || export TSA_URL="http://127.0.0.1:$pki_port/thidua/tsa/tsa"
  [ -n "${CSC_PROVIDERS:-}" ] || export CSC_PROVIDERS="{\"thu-nghiem\": {\"name\": \"Máy chủ ký số thử nghiệm (certomancer-csc-dummy)\", \"url\": \"http://127.0.0.1:$csc_port\"}}"
fi
stop_tree() {  # a process and its children (runserver's reloader runs the server as a child)
  pkill -TERM -P "$1" 2>/dev/null || true
  kill -TERM "$1" 2>/dev/null || true
}
pki=""
if [ "$debug" = 1 ]; then
  # Started now: the demo's 2022 pledge is sealed with a timestamp from its time-stamping authority.
  say "Test PKI on http://127.0.0.1:$pki_port/, CSC signing server on http://127.0.0.1:$csc_port/csc/v1"
  .venv/bin/python manage.py test_pki --serve --pki-port "$pki_port" --csc-port "$csc_port" & pki=$!
  trap '[ -z "$pki" ] || stop_tree "$pki"' EXIT
  .venv/bin/python - "$pki_port" "$csc_port" <<'WAIT' || { echo "The test PKI did not start (ports $pki_port, $csc_port in use?)." >&2; exit 1; }
import socket, sys, time
deadline = time.monotonic() + 60
for port in map(int, sys.argv[1:]):
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(1)
            time.sleep(0.2)
WAIT
fi
# The demo's accounts share a published password: development only (seed_demo refuses with DEBUG=false).
if [ "$debug" = 0 ]; then
  say "DEBUG is off: the demo is not loaded (seed_demo --force loads it with random passwords)"
else
  .venv/bin/python manage.py seed_demo
fi

if [ "$serve" = 1 ]; then
  port=${PORT:-8000}
  # The task consumer (signed PDFs, previews, e-mail, daily jobs) runs beside the development server,
  # and with DEBUG on so does the test PKI with its CSC signing server.
  # If one stops, the others are stopped too: a server without its consumer would leave PDFs pending
  # and e-mails unsent without a word, and without the PKI signing with a certificate would fail.
  say "Serving on http://127.0.0.1:$port/ with the task consumer (Ctrl-C stops all)"
  .venv/bin/python manage.py run_huey & consumer=$!
  .venv/bin/python manage.py runserver "127.0.0.1:$port" & server=$!
  trap 'stop_tree "$server"; stop_tree "$consumer"; [ -z "$pki" ] || stop_tree "$pki"; wait; exit 130' INT TERM
  set +e
  wait -n "$consumer" "$server" $pki
  status=$?
  if ! kill -0 "$consumer" 2>/dev/null; then
    printf '\n!! The task consumer stopped (exit %s): no signed PDF or e-mail would be produced.\n' "$status" >&2
    printf '!! Stopping the server too; see the messages above, then run %s again.\n' "$0" >&2
  elif [ -n "$pki" ] && ! kill -0 "$pki" 2>/dev/null; then
    printf '\n!! The test PKI stopped (exit %s): signing with a certificate would fail.\n' "$status" >&2
    printf '!! Stopping the server and the task consumer; see the messages above, then run %s again.\n' "$0" >&2
  else
    printf '\n!! The server stopped (exit %s); stopping the task consumer.\n' "$status" >&2
  fi
  stop_tree "$server"
  stop_tree "$consumer"
  [ -z "$pki" ] || stop_tree "$pki"
  wait
  exit 1
fi
