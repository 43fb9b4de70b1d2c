#!/usr/bin/env bash
# The suite benchmark on PostgreSQL: a throwaway server as ./test.sh starts one (a data folder under
# /tmp, a free port on 127.0.0.1), then `dotnet run -c Release --project bench/Benchmarks -- suite`
# with SUITE_DATABASE=postgres. Durability is not what is measured: fsync, synchronous_commit and
# full_page_writes are off, which flatters writes (the generator, the sweep's events), not reads.
# Extra arguments are passed to the benchmark program; SUITE_* variables pass through.
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [[ -z $(pg_bin) ]]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
pg=$(pg_bin)
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_dir=$(mktemp -d /tmp/shub-suite-pg.XXXXXX)
chmod 755 "$pg_dir"
[[ $(id -u) -ne 0 ]] || chown postgres "$pg_dir"
pg_port=56432
while (echo >"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null; do pg_port=$((pg_port + 1)); done
stop_pg() {
  as_pg "$pg/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap stop_pg EXIT
as_pg "$pg/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
# shared_buffers 1 GB: the SQLite run gives the generator 256 MB of page cache and the OS caches the file.
as_pg "$pg/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w start \
  -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=1GB -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
echo "PostgreSQL $("$pg/postgres" --version | grep -o '[0-9][0-9.]*' | head -n 1) for the suite on 127.0.0.1:$pg_port"
SUITE_DATABASE=postgres SUITE_PG="Host=127.0.0.1;Port=$pg_port;Username=postgres" \
  dotnet ${SUITE_BIN:-run -c Release --project bench/Benchmarks --} suite "$@"
