#!/usr/bin/env bash
# Runs every test of SupervisionHub: unit, integration (real SQLite files, then again on a real
# PostgreSQL server; email through maildev, a real SMTP server) and end-to-end (real Kestrel server, Debian's headless Chromium). On a fresh
# Debian machine it first installs what the tests need. Prints "N passed, N failed, N skipped" from the test results themselves.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# The test apps (hundreds in one run, in process and as child processes) poll for file changes and
# never reload appsettings: each watcher would be an inotify instance, and a user has 128 on Debian.
# (AppFactory sets the same for runs without this script.)
export DOTNET_hostBuilder__reloadConfigOnChange=false DOTNET_USE_POLLING_FILE_WATCHER=1

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

if ! command -v dotnet >/dev/null; then
  echo "The .NET 10 SDK is needed (https://learn.microsoft.com/dotnet/core/install/linux-debian)." >&2
  exit 1
fi
if [[ ! -x /usr/bin/chromium ]]; then
  echo "Installing Debian's Chromium for the browser tests..."
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

if [[ ! -x tools/maildev/node_modules/.bin/maildev ]]; then
  # The email tests send to a real SMTP server on localhost; versions pinned in tools/maildev/package-lock.json.
  if ! command -v npm >/dev/null; then
    echo "Installing Node.js and npm for maildev (the email tests' SMTP server)..."
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  fi
  echo "Installing maildev for the email tests..."
  npm ci --prefix tools/maildev --no-audit --no-fund --loglevel=error >/dev/null
fi
if [[ ! -f tools/oidc/node_modules/oidc-provider/package.json ]]; then
  # The single sign-on tests sign in through a real OpenID provider on localhost (tools/oidc/server.js);
  # oidc-provider and jose pinned in tools/oidc/package-lock.json.
  if ! command -v npm >/dev/null; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  fi
  echo "Installing the test OpenID provider for the single sign-on tests..."
  npm ci --prefix tools/oidc --no-audit --no-fund --loglevel=error >/dev/null
fi

# The integration tests run a second time on PostgreSQL (docs/adr/0011-postgresql.md), on a
# throwaway server of their own: a data folder under /tmp, a free port, the socket in that folder.
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [[ -z $(pg_bin) ]]; then
  echo "Installing PostgreSQL for the integration tests' second run..."
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
pg=$(pg_bin)
if [[ ! -x $pg/initdb || ! -x $pg/pg_ctl ]]; then
  echo "PostgreSQL is needed for the second run of the integration tests and could not be installed." >&2
  exit 1
fi
# initdb refuses to run as root: as root the server runs as the postgres user, otherwise as us.
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_dir=$(mktemp -d /tmp/shub-pg.XXXXXX)
chmod 755 "$pg_dir"
[[ $(id -u) -ne 0 ]] || chown postgres "$pg_dir"
pg_port=55432
while (echo >"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null; do pg_port=$((pg_port + 1)); done
stop_pg() {
  as_pg "$pg/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap stop_pg EXIT
as_pg "$pg/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
# Durability is not what is tested: fsync off makes creating a database per test class quick.
as_pg "$pg/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w start \
  -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
echo "PostgreSQL $("$pg/postgres" --version | grep -o '[0-9][0-9.]*' | head -n 1) for the tests on 127.0.0.1:$pg_port"

results="$PWD/TestResults"
rm -rf "$results"
dotnet tool restore >/dev/null
dotnet build SupervisionHub.sln -c Release -nologo -v quiet
# One project at a time, each writing its own named results file (no two can collide).
status=0
for project in $(find tests -name '*.Tests.csproj' | sort); do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" || status=$?
done
# The integration tests again, each app on a fresh database of that server, and with every app's
# clock in the other season from today's (the first pass runs on today's date): both databases,
# both seasons, every run.
other_season=summer
[[ $(TZ=Europe/London date +%Z) == BST ]] && other_season=winter
SHUB_TEST_CLOCK=${SHUB_TEST_CLOCK:-$other_season} SHUB_TEST_DB=postgres SHUB_TEST_PG="Host=127.0.0.1;Port=$pg_port;Username=postgres" \
  dotnet test tests/Web.Tests/SupervisionHub.Web.Tests.csproj -c Release --no-build -nologo \
  --logger "trx;LogFileName=SupervisionHub.Web.Tests.Postgres.trx" --results-directory "$results" "$@" || status=$?

passed=0; failed=0; skipped=0; files=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*' "$trx")
  get() { grep -o " $1=\"[0-9]*\"" <<<"$counters" | grep -o '[0-9]*'; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  # A skipped test (PostgresFact in the SQLite pass) is in total but not executed; the trx's own
  # notExecuted counter stays 0 for it, so count the difference.
  skipped=$((skipped + $(get total) - $(get executed)))
done
projects=$(($(find tests -name '*.Tests.csproj' | wc -l) + 1)) # + the integration tests on PostgreSQL
if ((files < projects)); then
  echo "Only $files of $projects test runs wrote results: a test host crashed or a run did not happen." >&2
  failed=$((failed + projects - files))
fi
if ((status != 0 && failed == 0)); then
  echo "dotnet test exited with $status without a failed test: counting that as a failure." >&2
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
