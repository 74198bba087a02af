#!/usr/bin/env bash
# Run the whole test suite: on a throwaway PostgreSQL server (with a throwaway Redis for the task
# queue's integration tests), then on SQLite, both with one throwaway test PKI and CSC signing server
# (without the tests that need PostgreSQL, a browser or the PDF readers), then
# the linter and the import contracts. Exits non-zero if anything fails.
set -uo pipefail
cd "$(dirname "$0")"

EXTRA_DEBIAN_PACKAGES="postgresql chromium zbar-tools redis-server" ./run.sh --no-serve >var-setup.log 2>&1 || {
  cat var-setup.log; rm -f var-setup.log; echo "Set-up failed." >&2; exit 1; }
rm -f var-setup.log

# A throwaway PostgreSQL server: loopback only, removed on exit whatever happens.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_dir=$(mktemp -d)
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$pg_dir"
  as_pg=(runuser -u postgres --)  # initdb refuses to run as root
fi
stop_pg() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$pg_dir"
}
redis_dir=$(mktemp -d)
stop_redis() {
  [ -s "$redis_dir/redis.pid" ] && kill "$(cat "$redis_dir/redis.pid")" 2>/dev/null
  for _ in $(seq 50); do [ -e "$redis_dir/redis.pid" ] || break; sleep 0.1; done
  rm -rf "$redis_dir"
}
pki_dir=$(mktemp -d)
pki_pid=""
stop_pki() {
  [ -n "$pki_pid" ] && kill "$pki_pid" 2>/dev/null && wait "$pki_pid" 2>/dev/null
  rm -rf "$pki_dir"
}
trap 'stop_pg; stop_redis; stop_pki' EXIT
pg_port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null || exit 1
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
  -o "-h 127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null || {
  cat "$pg_dir/server.log"; exit 1; }

# A throwaway Redis for the tests marked `redis` (the queue's real consumers): loopback only, a
# random port, a password (in a config file, not on the command line), its append-only file in the
# temporary folder; removed on exit whatever happens. Only the PostgreSQL pass gets TEST_REDIS_URL.
redis_port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis_password=$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(24))')
( umask 077; cat >"$redis_dir/redis.conf" <<REDIS
bind 127.0.0.1
port $redis_port
requirepass $redis_password
dir $redis_dir
appendonly yes
save ""
daemonize yes
pidfile $redis_dir/redis.pid
logfile $redis_dir/server.log
REDIS
)
redis-server "$redis_dir/redis.conf" || { cat "$redis_dir/server.log"; exit 1; }
for _ in $(seq 100); do
  REDISCLI_AUTH=$redis_password redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG && break
  sleep 0.1
done
REDISCLI_AUTH=$redis_password redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG || {
  cat "$redis_dir/server.log"; echo "Redis did not start." >&2; exit 1; }

# The test PKI and its CSC signing server (manage.py test_pki), started once for both runs: loopback
# only, random ports, its configuration in a temporary folder, the keys of var/pki/keys (generated
# there the first time); stopped on exit whatever happens. The tests find it through TEST_PKI_*.
pki_port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
csc_port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.venv/bin/python manage.py test_pki --serve --force --dir "$pki_dir" --keys-from var/pki/keys \
  --pki-port "$pki_port" --csc-port "$csc_port" >"$pki_dir/server.log" 2>&1 &
pki_pid=$!
pki_up() { (exec 3<>"/dev/tcp/127.0.0.1/$pki_port" && exec 4<>"/dev/tcp/127.0.0.1/$csc_port") 2>/dev/null; }
for _ in $(seq 300); do
  pki_up && break
  kill -0 "$pki_pid" 2>/dev/null || break
  sleep 0.1
done
pki_up || { cat "$pki_dir/server.log"; echo "The test PKI did not start." >&2; exit 1; }
export TEST_PKI_DIR="$pki_dir" TEST_PKI_URL="http://127.0.0.1:$pki_port" TEST_CSC_URL="http://127.0.0.1:$csc_port"

# The two runs are independent (their own databases, their own temporary files): run them side by
# side on the machine's cores, then show each one's output in turn. The fault scenarios start their
# own PostgreSQL and servers; they go with the shorter SQLite pass.
logs=$(mktemp -d)
DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/emulation" \
  TEST_REDIS_URL="redis://:$redis_password@127.0.0.1:$redis_port/0" .venv/bin/pytest -q -p no:cacheprovider -m "not faults" \
  >"$logs/postgresql.log" 2>&1 &
pg_run=$!
env -u DATABASE_URL -u TEST_REDIS_URL .venv/bin/pytest -q -p no:cacheprovider \
  -m "(not postgres and not browser and not pdf) or faults" >"$logs/sqlite.log" 2>&1 &
sqlite_run=$!
status=0
wait $pg_run || status=1
wait $sqlite_run || status=1
# SQLite runs in WAL mode: a thread still connected when the test database is destroyed leaves its
# -wal and -shm files behind (the test database is var/test-<pytest's pid>.sqlite3).
rm -f "var/test-$sqlite_run.sqlite3" "var/test-$sqlite_run.sqlite3-wal" "var/test-$sqlite_run.sqlite3-shm"
echo "== PostgreSQL (all tests but the fault scenarios)"
cat "$logs/postgresql.log"
echo "== SQLite (without postgres, browser and pdf tests), and the fault scenarios on their own PostgreSQL"
cat "$logs/sqlite.log"
rm -rf "$logs"

echo "== ruff"
.venv/bin/ruff check . || status=1

echo "== import contracts (lint-imports: the layers and no import circle; see pyproject.toml)"
.venv/bin/lint-imports --no-cache --no-logo || status=1

exit $status
