#!/usr/bin/env bash
# bench-approvals.sh: a legal office approves 10,000 new-card applications in
# one request, with 1,000,000 officers on record (issue target: under 5 s).
# Runs BenchmarkApproveLegalBatch10k (api/lifecycle) against a scratch copy
# of the benchmark database that scripts/bench-officer-list.sh seeds, so the
# copy's indexes and tables are those of a province; the copy is dropped at
# the end (KEEP=1 keeps it).
#
#   scripts/bench-officer-list.sh   # once, seeds lecms_bench with 1M officers
#   scripts/bench-approvals.sh      # COUNT=3 rounds, each adding a unit of 10,000 officers
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DB=${BENCH_DB:-lecms_bench}
SCRATCH=${BENCH_DB}_approve
COUNT=${COUNT:-3}
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres
psql -X -qAt -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$BENCH_DB'" | grep -q 1 \
  || { echo "no database $BENCH_DB: run scripts/bench-officer-list.sh first" >&2; exit 1; }
echo "officers in $BENCH_DB: $(psql -X -qAt -d "$BENCH_DB" -c 'SELECT count(*) FROM officers')"
psql -X -qAt -d postgres -c "DROP DATABASE IF EXISTS $SCRATCH"
# TEMPLATE needs no other session on the source: the benchmark servers are stopped by then.
psql -X -qAt -d postgres -c "CREATE DATABASE $SCRATCH TEMPLATE $BENCH_DB"
[ -n "${KEEP:-}" ] || trap 'psql -X -qAt -d postgres -c "DROP DATABASE IF EXISTS $SCRATCH"' EXIT
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
LECMS_BENCH_APPROVE_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$SCRATCH?sslmode=disable" \
  go test ./api/lifecycle -run '^$' -bench ApproveLegalBatch -benchtime 1x -count "$COUNT" 2>&1 \
  | grep -E '^(Benchmark|ok|FAIL|---|\s)'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
