#!/usr/bin/env bash
# Start the services the test suite needs: a local PostgreSQL server (Debian package) and
# Debian's Chromium + chromedriver for the browser test. Installs them with apt-get when
# missing and we are root; otherwise says what is missing (those tests then skip, except
# under CI, where they fail). Writes the connection settings to .ci/services.env.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .ci
env_file=.ci/services.env
: > "$env_file"

if [ "${LOVSPOR_SKIP_SERVICES:-}" = "1" ]; then
  echo "services: skipped (LOVSPOR_SKIP_SERVICES=1)"
  exit 0
fi

need=()
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "services: installing ${need[*]} (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "services: missing ${need[*]}; install them (Debian: apt-get install ${need[*]})"
  fi
fi

if command -v pg_ctlcluster >/dev/null 2>&1; then
  ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
  if ! pg_lsclusters -h | grep -q "^$ver main"; then
    pg_createcluster "$ver" main >/dev/null
  fi
  pg_ctlcluster "$ver" main start 2>/dev/null || true
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 1
  done
  runas() { if [ "$(id -u)" = "0" ]; then su postgres -c "$1"; else sh -c "$1"; fi; }
  if ! runas "psql -d postgres -tAc \"SELECT 1 FROM pg_roles WHERE rolname='lovspor'\"" | grep -q 1; then
    runas "psql -q -d postgres -c \"CREATE ROLE lovspor LOGIN SUPERUSER PASSWORD 'lovspor'\""
  fi
  echo "LOVSPOR_TEST_PG_URL=postgresql+psycopg://lovspor:lovspor@127.0.0.1:5432/postgres" >> "$env_file"
  echo "services: PostgreSQL $ver on 127.0.0.1:5432"
fi
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  echo "LOVSPOR_CHROMIUM=$(command -v chromium)" >> "$env_file"
  echo "LOVSPOR_CHROMEDRIVER=$(command -v chromedriver)" >> "$env_file"
  echo "services: Chromium $(chromium --version 2>/dev/null | awk '{print $2}')"
fi
