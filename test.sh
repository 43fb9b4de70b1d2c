#!/usr/bin/env bash
# Runs every test of SupervisionHub: unit, integration (real SQLite files, email through maildev,
# a real SMTP server) and end-to-end (real Kestrel server, Debian's headless Chromium). On a fresh
# Debian machine it first installs what the tests need. Prints "N passed, N failed, N skipped" from the test results themselves.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

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

passed=0; failed=0; skipped=0; files=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*' "$trx")
  get() { grep -o " $1=\"[0-9]*\"" <<<"$counters" | grep -o '[0-9]*'; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done
projects=$(find tests -name '*.Tests.csproj' | wc -l)
if ((files < projects)); then
  echo "Only $files of $projects test projects wrote results: a test host crashed or a project did not run." >&2
  failed=$((failed + projects - files))
fi
if ((status != 0 && failed == 0)); then
  echo "dotnet test exited with $status without a failed test: counting that as a failure." >&2
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
