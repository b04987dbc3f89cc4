#!/usr/bin/env bash
# bench-officer-list.sh: the officer list at 1,000,000 officers on PostgreSQL,
# the API side by side with pgbench running the same SQL (the database's own
# limit), in one run. See docs/performance.md for results and reading.
# PAGE=queue measures a city legal office's approval queue instead (the
# unit-approved applications of its own level; applications are added to the
# benchmark database once from scripts/bench/applications.sql).
#
#   make build && scripts/bench-officer-list.sh
#   PAGE=queue GOBENCH=0 SEED_COMPARE=0 scripts/bench-officer-list.sh
#
# Steps (idempotent; only 127.0.0.1 is contacted):
#   1. create database $BENCH_DB if missing; seed N synthetic officers with
#      `lecms seed --officers` unless it already holds >= N; VACUUM ANALYZE;
#      create a province-wide reader account for the bearer token wrk sends
#   2. print EXPLAIN (ANALYZE, BUFFERS) of the city-subtree page (first page,
#      generic plan of the prepared statement, a cursor page)
#   3. pgbench -M prepared -c $CONNS -j 2 -T $DURATION with the page's SQL
#      printed by the server code (scripts/bench/pagesql → FirstPageSQL), the
#      city a bind parameter: first pages, then cursor pages
#   4. for each pool size in $POOLS: `lecms serve` on a spare port with
#      LECMS_DB_MAX_OPEN_CONNS=pool, wrk -c $CONNS for $DURATION on first pages
#      and on cursor pages (scripts/bench/pages.lua); the statement the
#      server sends is sampled from pg_stat_activity and printed
#   5. summary: req/s, p50, p99 of both, ratio API/pgbench, and the CPU per
#      request of load generator, lecms and PostgreSQL backends
#   6. Go benchmarks of Officers.List against the same database (GOBENCH=1)
#   7. seed vs plain COPY (SEED_COMPARE=1): time `lecms seed --officers N`
#      into a scratch database, export the rows it wrote with COPY TO, time
#      COPY FROM into empty clones (CREATE TABLE … (LIKE … INCLUDING ALL)), and
#      into clones without indexes followed by CREATE INDEX
# The whole run takes ~8-12 min after the first seeding on 2 cores.
#
# Environment (defaults):
#   PAGE=officers     or queue (a city legal office's approval queue)
#   N=1000000         officers in $BENCH_DB (and seeded for the seed/COPY comparison)
#   BENCH_DB=lecms_bench
#   DURATION=20       seconds per measured wrk/pgbench run (each after a 3 s warm-up)
#   CONNS=64          concurrent connections of wrk and pgbench clients
#   PGB_CONNS=$CONNS  pgbench clients alone, e.g. 16 = as many backends as the API's pool
#   POOLS="16 32 64"  LECMS_DB_MAX_OPEN_CONNS values to try (idle = open)
#   REPEAT=1          rounds of (pgbench, API for each pool); more rounds give a spread
#                     under a noisy machine (the summary shows every round and the best)
#   LOG_LEVEL=info    server log level (info writes one access-log line per request)
#   SERVER_ENV=""     extra environment for the server, e.g. "GOGC=200"
#   PGBENCH=1         0 skips pgbench (API-only comparisons of server builds)
#   GOBENCH=1         run the Go benchmarks; GOBENCHTIME=3s
#   SEED_COMPARE=1    run the seed vs COPY comparison (3-6 min at 1M; KEEP_SEEDCMP=1 keeps the database)
#   LECMS_BIN=bin/lecms  (built with `make build` when missing)
#   BENCH_USER=bench_<epoch>  the reader account created for this run
#   OUT=/tmp/lecms-bench-<time>  logs, pgbench logs, wrk output
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PAGE=${PAGE:-officers}
case $PAGE in
  officers) PAGE_TABLE=officers PAGE_PATH='/api/v1/officers?region=370100&limit=50' PGB_DEFINES=() ;;
  queue) PAGE_TABLE=applications PAGE_PATH='/api/v1/applications?same_level=true&state=unit_approved&region=370100&limit=50'
    PGB_DEFINES=(-D state=unit_approved) ;; # a string variable (\set only makes numbers)
  *) echo "PAGE must be officers or queue" >&2; exit 2 ;;
esac
N=${N:-1000000}
BENCH_DB=${BENCH_DB:-lecms_bench}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-3}
CONNS=${CONNS:-64}
PGB_CONNS=${PGB_CONNS:-$CONNS}
POOLS=${POOLS:-16 32 64}
REPEAT=${REPEAT:-1}
LOG_LEVEL=${LOG_LEVEL:-info}
SERVER_ENV=${SERVER_ENV:-}
PGBENCH=${PGBENCH:-1}
GOBENCH=${GOBENCH:-1}
GOBENCHTIME=${GOBENCHTIME:-3s}
SEED_COMPARE=${SEED_COMPARE:-1}
LECMS_BIN=${LECMS_BIN:-$ROOT/bin/lecms}
OUT=${OUT:-/tmp/lecms-bench-$(date +%Y%m%d-%H%M%S)}
PG="postgres://postgres@127.0.0.1:5432"
DB_URL="$PG/$BENCH_DB?sslmode=disable"
SEEDCMP_DB=${BENCH_DB}_seedcmp
BENCH_USER=${BENCH_USER:-bench_$(date +%s)}
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres
mkdir -p "$OUT"

for tool in psql pgbench wrk curl go awk; do
  command -v $tool >/dev/null || { echo "missing $tool (wrk: apt-get install -y wrk)" >&2; exit 1; }
done
[ -x "$LECMS_BIN" ] || make build
psql_q() { psql -X -v ON_ERROR_STOP=1 -qAt "$@"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
say() { printf '\n== %s\n' "$*"; }

SERVER_PID=
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
cleanup() {
  stop_server
  rm -f "$OUT"/*.csv "$OUT/pagesql"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- 1. data
say "machine"
echo "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
psql_q -d postgres -c "SELECT version()"
psql_q -d postgres -c "SELECT name || '=' || current_setting(name) FROM pg_settings WHERE name IN ('shared_buffers', 'max_connections', 'work_mem', 'effective_cache_size', 'jit', 'random_page_cost', 'synchronous_commit') ORDER BY name" | paste -sd' '

say "database $BENCH_DB"
if [ -z "$(psql_q -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$BENCH_DB'")" ]; then
  psql_q -d postgres -c "CREATE DATABASE $BENCH_DB"
  echo "created"
fi
have=$(psql_q -d "$BENCH_DB" -c "SELECT CASE WHEN to_regclass('officers') IS NULL THEN 0 ELSE (SELECT count(*) FROM officers) END")
echo "officers: $have (want >= $N)"
if [ "$have" -lt "$N" ]; then
  t0=$(now)
  LECMS_DATABASE_URL=$DB_URL LECMS_DEMO=false "$LECMS_BIN" seed --officers $((N - have)) 2>"$OUT/seed-main.log" | tee "$OUT/seed-main.out"
  echo "seeded $((N - have)) officers in $(secs "$t0" "$(now)") s"
fi
t0=$(now)
psql_q -d "$BENCH_DB" -c "VACUUM ANALYZE"
echo "VACUUM ANALYZE: $(secs "$t0" "$(now)") s"
psql_q -d "$BENCH_DB" -c "SELECT relname || ' ' || pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class WHERE relname IN ('officers', 'certificates', 'exam_records', 'units') ORDER BY 1" | paste -sd, 

# Cursor dates: whole years strictly inside the seeded due dates, so a page
# after any of them is full and dated (the API then runs one statement).
read -r Y0 Y1 < <(psql_q -F' ' -d "$BENCH_DB" -c "SELECT extract(year FROM min(next_due_on))::int + 1, extract(year FROM max(next_due_on))::int - 1 FROM officers")
[ "$Y1" -ge "$Y0" ] || Y1=$Y0
if [ "$PAGE" = queue ]; then
  if [ "$(psql_q -d "$BENCH_DB" -c "SELECT count(*) FROM applications")" = 0 ]; then
    t0=$(now)
    psql_q -d "$BENCH_DB" -f scripts/bench/applications.sql
    psql_q -d "$BENCH_DB" -c "VACUUM ANALYZE applications"
    echo "applications written from scripts/bench/applications.sql in $(secs "$t0" "$(now)") s"
  fi
  psql_q -F' ' -d "$BENCH_DB" -c "SELECT state, count(*) FROM applications GROUP BY 1 ORDER BY 1" | sed 's/^/  applications: /'
  echo "  queue of 济南 (370100, unit_approved): $(psql_q -d "$BENCH_DB" -c "SELECT count(*) FROM applications WHERE region_code = '370100' AND state = 'unit_approved'")"
  # Cursor pages of the queue start after a random application id.
  read -r Y0 Y1 < <(psql_q -F' ' -d "$BENCH_DB" -c "SELECT min(id), max(id) FROM applications")
  echo "cursor pages start after random application ids in $Y0 .. $Y1"
else
  echo "cursor pages start at random dates in $Y0-01-01 .. $Y1-12-28"
fi

# A province-wide reader account for wrk (the API wants a bearer token): a
# new one per run, so that no password need be remembered between runs. The
# CLI sets an initial password that must be changed at first login; login()
# changes it to a fresh one and signs in once per server start.
say "benchmark account $BENCH_USER (legal_reviewer, scope 370000)"
pw() { printf 'Bench-%s-%s#Q' "$(date +%s%N)" "$RANDOM"; }
INITIAL_PW=$(pw)
printf '%s\n' "$INITIAL_PW" >"$OUT/initial-password"
LECMS_DATABASE_URL=$DB_URL LECMS_DEMO=false "$LECMS_BIN" user create --username "$BENCH_USER" \
  --password-file "$OUT/initial-password" --role legal_reviewer --scope 370000 >"$OUT/user.out" 2>&1 || true
rm -f "$OUT/initial-password"
grep -v '"level":"WARN"' "$OUT/user.out" | sed 's/^/  /'
# The account is what matters (a failing audit line after the insert is not ours to judge here).
[ -n "$(psql_q -d "$BENCH_DB" -c "SELECT 1 FROM users WHERE username = '$BENCH_USER'")" ] \
  || { echo "could not create $BENCH_USER"; exit 1; }
BENCH_PW=$INITIAL_PW
json_field() { sed -nE "s/.*\"$1\":(\"([^\"]*)\"|([a-z0-9]+)).*/\2\3/p"; }
# login PORT: sign in (changing the initial password the first time); sets
# TOKEN to the access token. Not run in a subshell: it updates BENCH_PW.
login() {
  local port=$1 resp
  resp=$(curl -sS -H 'Content-Type: application/json' \
    -d "{\"username\":\"$BENCH_USER\",\"password\":\"$BENCH_PW\"}" "http://127.0.0.1:$port/api/v1/auth/login")
  TOKEN=$(echo "$resp" | json_field access_token)
  if [ -n "$TOKEN" ] && [ "$(echo "$resp" | json_field must_change_password)" = true ]; then
    local new
    new=$(pw)
    curl -fsS -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
      -d "{\"old_password\":\"$BENCH_PW\",\"new_password\":\"$new\"}" "http://127.0.0.1:$port/api/v1/auth/password" >/dev/null
    BENCH_PW=$new
    login "$port"
    return
  fi
  [ -n "$TOKEN" ] || { echo "login as $BENCH_USER failed: $resp" >&2; exit 1; }
}

# ---------------------------------------------------------------- SQL
say "the SQL (from the server code via scripts/bench/pagesql: store.Officers.FirstPageSQL, store.Applications.PageSQL)"
go build -o "$OUT/pagesql" ./scripts/bench/pagesql
export LECMS_DATABASE_URL=$DB_URL
FIRST_SQL=$("$OUT/pagesql" -page "$PAGE" -region 370100 -limit 50)
PGB_FIRST=$("$OUT/pagesql" -page "$PAGE" -region 370100 -limit 50 -pgbench)
PGB_CURSOR=$("$OUT/pagesql" -page "$PAGE" -region 370100 -limit 50 -pgbench -cursor)
unset LECMS_DATABASE_URL
city_vars='\set c random(1, 16)
\set city 3700 + :c + case when :c >= 12 then 1 else 0 end'
if [ "$PAGE" = queue ]; then
  city_vars="$city_vars"'
\set region :city * 100'
  printf '%s\n%s\n' "$city_vars" "$PGB_FIRST" >"$OUT/first.pgb"
  printf '%s\n\\set id random(%d, %d)\n%s\n' "$city_vars" "$Y0" "$Y1" "$PGB_CURSOR" >"$OUT/cursor.pgb"
else
  printf '%s\n%s\n' "$city_vars" "$PGB_FIRST" >"$OUT/first.pgb"
  printf '%s\n\\set y random(%d, %d)\n\\set m random(1, 12)\n\\set d random(1, 28)\n\\set due :y * 10000 + :m * 100 + :d\n\\set id 1\n%s\n' \
    "$city_vars" "$Y0" "$Y1" "$PGB_CURSOR" >"$OUT/cursor.pgb"
fi
echo "first page, as the server code prints it:"; echo "  $FIRST_SQL"
echo "pgbench script, first page ($OUT/first.pgb):"; sed 's/^/  /' "$OUT/first.pgb"
echo "pgbench script, cursor page ($OUT/cursor.pgb):"; sed 's/^/  /' "$OUT/cursor.pgb"

# ---------------------------------------------------------------- 2. EXPLAIN
say "EXPLAIN (ANALYZE, BUFFERS): $PAGE, city 370100 (济南), first page"
psql_q -d "$BENCH_DB" -c "EXPLAIN (ANALYZE, BUFFERS) $FIRST_SQL"
say "EXPLAIN: the same as a prepared statement with the city a parameter, generic plan (what pgx reuses)"
if [ "$PAGE" = queue ]; then
  first_param=${PGB_FIRST//:region/\$1} first_param=${first_param//:state/\$2}
  prepare="page(text, text)" execute="page('370100', 'unit_approved')"
else
  first_param=${PGB_FIRST//:city/\$1} prepare="page(text)" execute="page('3701')"
fi
psql_q -d "$BENCH_DB" <<SQL
PREPARE $prepare AS $first_param;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (ANALYZE, BUFFERS) EXECUTE $execute;
SQL
if [ "$PAGE" = queue ]; then
  mid=$(((Y0 + Y1) / 2))
  cursor_sql=${PGB_CURSOR//:region/\'370100\'}
  cursor_sql=${cursor_sql//:state/\'unit_approved\'}
  cursor_sql=${cursor_sql//:id/$mid}
  say "EXPLAIN (ANALYZE, BUFFERS): queue of 370100, page after application $mid"
else
  cursor_sql=${PGB_CURSOR//:city/\'3701\'}
  cursor_sql=${cursor_sql//:due/\'$Y0-07-01\'}
  cursor_sql=${cursor_sql//:id/1}
  say "EXPLAIN (ANALYZE, BUFFERS): city subtree 370100, page after cursor ($Y0-07-01, 1)"
fi
psql_q -d "$BENCH_DB" -c "EXPLAIN (ANALYZE, BUFFERS) $cursor_sql"

# ---------------------------------------------------------------- 3./4. measuring
# CPU accounting, so that a figure says what it cost and a busy machine can
# be told from a slow program: the load generator (wrk or pgbench, by
# /usr/bin/time), the lecms process, and the PostgreSQL backends serving
# $BENCH_DB (their pids sampled 2 s into the run, read again 2 s before the end).
declare -A RPS P50 P99 NOTE CPU
ticks_of() { local t=0 p; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo $t; }
# pid_ticks PID...: "/proc/PID/stat ticks" lines, one awk for all (fast, so
# the readings are close together); delta_ticks FILE PID...: CPU ticks since
# FILE of the processes still there.
stat_files() { local p; for p in "$@"; do [ -r "/proc/$p/stat" ] && echo "/proc/$p/stat"; done; true; }
pid_ticks() {
  local files; files=$(stat_files "$@")
  [ -n "$files" ] || return 0
  awk '{print FILENAME, $14 + $15}' $files 2>/dev/null || true
}
delta_ticks() {
  local f=$1 files; shift
  files=$(stat_files "$@")
  [ -n "$files" ] || { echo 0; return; }
  awk 'NR == FNR { t0[$1] = $2; next } !(FILENAME in t0) { next } { d += $14 + $15 - t0[FILENAME] } END { print d + 0 }' \
    "$f" $files 2>/dev/null || echo 0
}
busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8}' /proc/stat; } # all CPUs, non-idle
# sample_db MODE APPNAME: in the background, the CPU of the PostgreSQL
# backends of application_name APPNAME (ticks, seconds) from 2 s into the
# run to 3 s before its end into $OUT/pgcpu-MODE, the statements seen into
# $OUT/sql-MODE.txt. (Backends that exit before the second reading do not
# count: pgbench's end when it does.)
sample_db() {
  local mode=$1 app=$2
  ( local start pids d w0 w1
    start=$(now)
    sleep 2
    pids=$(psql_q -d postgres -c "SELECT pid FROM pg_stat_activity WHERE datname = '$BENCH_DB' AND application_name = '$app'")
    pid_ticks $pids >"$OUT/pgticks-$mode"
    w0=$(now)
    sleep "$(awk -v s="$start" -v n="$(now)" -v d="$DURATION" 'BEGIN { x = s + d - 3 - n; printf "%.2f", (x > 0.5 ? x : 0.5) }')"
    d=$(delta_ticks "$OUT/pgticks-$mode" $pids) w1=$(now)
    psql_q -d "$BENCH_DB" -c "SELECT DISTINCT query FROM pg_stat_activity WHERE datname = '$BENCH_DB' AND application_name = '$app' AND query LIKE '%FROM \"$PAGE_TABLE\"%'" >"$OUT/sql-$mode.txt"
    echo "$d $(secs "$w0" "$w1") $(wc -l <"$OUT/pgticks-$mode")" >"$OUT/pgcpu-$mode" ) &
  SAMPLER=$!
}
# cpu_line KEY MODE RATE GEN_CPU_S REQUESTS [SERVER_TICKS]: CPU per request of each party.
cpu_line() {
  local key=$1 mode=$2 rate=$3 gen=$4 n=$5 srv=${6:-} pg w
  read -r pg w _ <"$OUT/pgcpu-$mode"
  CPU[$key]=$(awk -v rate="$rate" -v gen="$gen" -v n="$n" -v srv="$srv" -v pg="$pg" -v w="$w" 'BEGIN {
    g = gen * 1000 / n; d = pg * 10 / (rate * w)
    if (srv == "") printf "client %.3f + postgres %.3f = %.3f", g, d, g + d
    else { s = srv * 10 / n; printf "client %.3f + lecms %.3f + postgres %.3f = %.3f", g, s, d, g + s + d } }')
  echo "  CPU ms per request: ${CPU[$key]}"
}
run_pgbench() { # mode round
  local mode=$1 key="pgbench/$1/r$2"
  pgbench -n -M prepared "${PGB_DEFINES[@]}" -c "$PGB_CONNS" -j 2 -T "$WARMUP" -f "$OUT/$mode.pgb" "$BENCH_DB" >/dev/null 2>&1
  rm -f "$OUT/pgb-$mode".*
  local b0 b1 t0 t1
  b0=$(busy_ticks) t0=$(now)
  sample_db "$mode-pgbench" pgbench
  /usr/bin/time -f '%U %S' -o "$OUT/time" pgbench -n -M prepared "${PGB_DEFINES[@]}" -c "$PGB_CONNS" -j 2 -T "$DURATION" -f "$OUT/$mode.pgb" \
    -l --log-prefix="$OUT/pgb-$mode" "$BENCH_DB" >"$OUT/pgbench-$mode-r$2.out" 2>&1 || { cat "$OUT/pgbench-$mode-r$2.out"; exit 1; }
  wait "$SAMPLER" || true
  b1=$(busy_ticks) t1=$(now)
  grep -E '^(number of failed|latency average|tps)' "$OUT/pgbench-$mode-r$2.out" | sed 's/^/  /'
  local tps p50 p90 p99 max n
  tps=$(awk '/^tps/ {print $3; exit}' "$OUT/pgbench-$mode-r$2.out")
  read -r p50 p90 p99 max n < <(scripts/bench/pgbench-latency.sh "$OUT/pgb-$mode")
  echo "  per-transaction log: $n transactions, p50 $p50 ms, p90 $p90 ms, p99 $p99 ms, max $max ms"
  awk -v b=$((b1 - b0)) -v d="$(secs "$t0" "$t1")" -v cpus="$(nproc)" 'BEGIN { printf "  machine busy %.0f%% of %d CPUs\n", b / d / cpus, cpus }'
  cpu_line "$key" "$mode-pgbench" "$tps" "$(awk '{print $1 + $2}' "$OUT/time")" "$n"
  RPS[$key]=$tps P50[$key]=$p50 P99[$key]=$p99
  rm -f "$OUT/pgb-$mode".*
}

free_port() {
  local p
  for p in $(seq 18090 18190); do
    if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo $p; return; fi
  done
  echo "no free port in 18090-18190" >&2; return 1
}
run_wrk() { # pool mode port round
  local pool=$1 mode=$2 port=$3 key="api/$2/pool$1/r$4" out="$OUT/wrk-$2-pool$1-r$4.out"
  wrk -t2 -c"$CONNS" -d"${WARMUP}s" -s scripts/bench/pages.lua "http://127.0.0.1:$port" -- "$mode" 50 "$Y0" "$Y1" "$TOKEN" "$PAGE" >/dev/null
  local s0 b0 s1 b1 t0 t1
  s0=$(ticks_of "$SERVER_PID") b0=$(busy_ticks) t0=$(now)
  sample_db "$mode-api" lecms-bench
  /usr/bin/time -f '%U %S' -o "$OUT/time" wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 5s --latency \
    -s scripts/bench/pages.lua "http://127.0.0.1:$port" -- "$mode" 50 "$Y0" "$Y1" "$TOKEN" "$PAGE" >"$out" 2>&1
  s1=$(ticks_of "$SERVER_PID") b1=$(busy_ticks) t1=$(now)
  wait "$SAMPLER" || true
  local j rps p50 p99 non2xx errs reqs
  j=$(grep '^wrk-json' "$out" | cut -d' ' -f2)
  field() { echo "$j" | sed -E "s/.*\"$1\":([0-9.]+).*/\1/"; }
  rps=$(field rps) p50=$(field p50_ms) p99=$(field p99_ms) non2xx=$(field non2xx) errs=$(field errors) reqs=$(field requests)
  echo "  $reqs requests: $rps req/s, p50 $p50 ms, p90 $(field p90_ms) ms, p99 $p99 ms, max $(field max_ms) ms, non-2xx $non2xx, socket errors $errs"
  awk -v s=$((s1 - s0)) -v b=$((b1 - b0)) -v d="$(secs "$t0" "$t1")" -v cpus="$(nproc)" 'BEGIN {
    printf "  lecms process %.0f%% of one CPU; machine busy %.0f%% of %d CPUs\n", s / d, b / d / cpus, cpus }'
  cpu_line "$key" "$mode-api" "$rps" "$(awk '{print $1 + $2}' "$OUT/time")" "$reqs" $((s1 - s0))
  RPS[$key]=$rps P50[$key]=$p50 P99[$key]=$p99
  [ "$non2xx" = 0 ] && [ "$errs" = 0 ] || NOTE[$key]="(non-2xx $non2xx, socket errors $errs)"
}
for round in $(seq 1 "$REPEAT"); do
for mode in first cursor; do
  [ "$PGBENCH" = 1 ] || continue
  say "round $round: pgbench -M prepared -c $PGB_CONNS -j 2 -T $DURATION: $mode pages"
  run_pgbench $mode "$round"
done
for pool in $POOLS; do
  port=$(free_port)
  say "round $round: API: lecms serve on 127.0.0.1:$port, LECMS_DB_MAX_OPEN_CONNS=$pool ${SERVER_ENV:+$SERVER_ENV }, wrk -t2 -c$CONNS -d${DURATION}s"
  LECMS_DATABASE_URL="$DB_URL&application_name=lecms-bench" LECMS_DEMO=false LECMS_ADDR=127.0.0.1:$port LECMS_LOG_LEVEL=$LOG_LEVEL \
    LECMS_DB_MAX_OPEN_CONNS=$pool LECMS_DB_MAX_IDLE_CONNS=$pool LECMS_SPA_DIR=/nonexistent \
    env $SERVER_ENV "$LECMS_BIN" serve >"$OUT/serve-pool$pool.log" 2>&1 &
  SERVER_PID=$!
  ready=
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null; then ready=1; break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.2
  done
  [ -n "$ready" ] || { echo "server did not become ready:"; tail -20 "$OUT/serve-pool$pool.log"; exit 1; }
  login "$port"
  curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port$PAGE_PATH" -o "$OUT/page.json"
  echo "  one page: $(wc -c <"$OUT/page.json") bytes of JSON"
  for mode in first cursor; do
    echo " $mode pages:"
    run_wrk "$pool" $mode "$port" "$round"
  done
  stop_server
done
done
for mode in first cursor; do
  for who in pgbench api; do
    [ -s "$OUT/sql-$mode-$who.txt" ] || continue
    echo "statement seen in pg_stat_activity during $who, $mode pages:"
    sed 's/^/  /' "$OUT/sql-$mode-$who.txt"
  done
done

# ---------------------------------------------------------------- 5. summary
say "summary: $CONNS connections, ${DURATION}s per run, $(nproc) CPUs shared by load generator, server and PostgreSQL"
echo "API/pgb: API req/s over pgbench tps of the same round; target: >= 0.50 with API p99 < 50 ms"
printf '%-26s %10s %9s %9s %8s  %s\n' run "req/s" "p50 ms" "p99 ms" "API/pgb" "CPU ms per request"
for mode in first cursor; do
  for round in $(seq 1 "$REPEAT"); do
    k=pgbench/$mode/r$round
    [ -n "${RPS[$k]:-}" ] || RPS[$k]=nan P50[$k]=- P99[$k]=-
    printf '%-26s %10.1f %9s %9s %8s  %s\n' "$k" "${RPS[$k]}" "${P50[$k]}" "${P99[$k]}" "-" "${CPU[$k]:-}"
    for pool in $POOLS; do
      a=api/$mode/pool$pool/r$round
      ratio=$(awk -v a="${RPS[$a]}" -v b="${RPS[$k]}" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else printf "-" }')
      verdict=$(awk -v r="$ratio" -v p="${P99[$a]}" 'BEGIN { printf "%s", (r >= 0.5 && p < 50) ? "meets" : "misses" }')
      printf '%-26s %10.1f %9s %9s %8s  %s %s %s\n' "$a" "${RPS[$a]}" "${P50[$a]}" "${P99[$a]}" "$ratio" "${CPU[$a]:-}" "$verdict" "${NOTE[$a]:-}"
    done
  done
done
if [ "$REPEAT" -gt 1 ]; then
  echo "best of $REPEAT rounds (highest req/s; its p99):"
  for mode in first cursor; do
    for who in pgbench $(printf "pool%s " $POOLS); do
      best=
      for round in $(seq 1 "$REPEAT"); do
        k=pgbench/$mode/r$round; [ "$who" = pgbench ] || k=api/$mode/$who/r$round
        if [ -z "$best" ] || awk -v a="${RPS[$k]}" -v b="${RPS[$best]}" 'BEGIN { exit !(a > b) }'; then best=$k; fi
      done
      printf '  %-26s %10.1f %9s %9s\n' "$best" "${RPS[$best]}" "${P50[$best]}" "${P99[$best]}"
    done
  done
fi

# ---------------------------------------------------------------- 6. Go benchmarks
if [ "$GOBENCH" = 1 ] && [ "$PAGE" = officers ]; then
  say "Go benchmarks: Officers.List on $BENCH_DB (BENCH_POOL=16, -benchtime $GOBENCHTIME)"
  LECMS_BENCH_DATABASE_URL=$DB_URL BENCH_POOL=16 go test ./api/store -run '^$' -bench 'BenchmarkOfficerList' \
    -benchtime "$GOBENCHTIME" -count 1 2>&1 | grep -E '^(Benchmark|ok|FAIL|---|\s)' | tee "$OUT/gobench.out"
fi

# ---------------------------------------------------------------- 7. seed vs COPY
# wal_stats: WAL bytes written and checkpoints so far (to explain where the time goes).
wal_stats() { psql_q -F' ' -d postgres -c "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn, checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter"; }
wal_line() { # WAL0 CKPT0: print what was written since
  read -r w1 c1 < <(wal_stats)
  awk -v a="$1" -v b="$w1" -v c="$2" -v d="$c1" 'BEGIN { printf "    (WAL %.0f MB, %d checkpoints)\n", (b - a) / 1048576, d - c }'
}
if [ "$SEED_COMPARE" = 1 ]; then
  TABLES="officers certificates exam_records"
  say "seed --officers $N vs plain COPY of the same rows (scratch database $SEEDCMP_DB)"
  SEED_URL="$PG/$SEEDCMP_DB?sslmode=disable"
  psql_q -d postgres -c "DROP DATABASE IF EXISTS $SEEDCMP_DB" 2>/dev/null
  psql_q -d postgres -c "CREATE DATABASE $SEEDCMP_DB"
  LECMS_DATABASE_URL=$SEED_URL LECMS_DEMO=false "$LECMS_BIN" migrate >/dev/null 2>"$OUT/seedcmp-migrate.log"
  psql_q -d "$SEEDCMP_DB" -c "CHECKPOINT"
  read -r w0 c0 < <(wal_stats)
  t0=$(now)
  LECMS_DATABASE_URL=$SEED_URL LECMS_DEMO=false /usr/bin/time -f '%U %S' -o "$OUT/time" \
    "$LECMS_BIN" seed --officers "$N" >"$OUT/seedcmp.out" 2>"$OUT/seedcmp.log"
  t_seed=$(secs "$t0" "$(now)")
  sed 's/^/  /' "$OUT/seedcmp.out"
  read -r n_off n_cert n_exam < <(psql_q -F' ' -d "$SEEDCMP_DB" -c "SELECT (SELECT count(*) FROM officers), (SELECT count(*) FROM certificates), (SELECT count(*) FROM exam_records)")
  echo "  seed: officers $n_off, certificates $n_cert, exam_records $n_exam in $t_seed s (wall clock of the command; lecms used $(awk '{printf "%.1f", $1 + $2}' "$OUT/time") s CPU)"
  wal_line "$w0" "$c0"
  # The rows the seed wrote, as CSV (client side, like the seed's own COPY stream).
  for t in $TABLES; do
    psql_q -d "$SEEDCMP_DB" -c "\\copy $t TO '$OUT/$t.csv' CSV"
    psql_q -d "$SEEDCMP_DB" -c "CREATE TABLE copy_$t (LIKE $t INCLUDING ALL)" -c "CREATE TABLE bare_$t (LIKE $t INCLUDING DEFAULTS)"
  done
  echo "  CSV: $(du -ch "$OUT"/*.csv | tail -1 | cut -f1); clones copy_* with the same columns, defaults and all $(psql_q -d "$SEEDCMP_DB" -c "SELECT count(*) FROM pg_indexes WHERE tablename IN ('officers', 'certificates', 'exam_records')") indexes, bare_* without indexes"
  # (a) COPY into the indexed clones: the work the seed's COPY does.
  psql_q -d "$SEEDCMP_DB" -c "CHECKPOINT"
  read -r w0 c0 < <(wal_stats)
  declare -A TCOPY
  total0=$(now)
  for t in $TABLES; do
    t0=$(now)
    psql_q -d "$SEEDCMP_DB" -c "\\copy copy_$t FROM '$OUT/$t.csv' CSV"
    TCOPY[$t]=$(secs "$t0" "$(now)")
    echo "  COPY copy_$t FROM csv (indexed): ${TCOPY[$t]} s"
  done
  t_copy=$(secs "$total0" "$(now)")
  echo "  plain COPY of the three tables into indexed clones, one stream: $t_copy s"
  wal_line "$w0" "$c0"
  # (b) COPY into bare clones, then build the same indexes: the fastest bulk load.
  psql_q -d "$SEEDCMP_DB" -c "CHECKPOINT"
  read -r w0 c0 < <(wal_stats)
  total0=$(now)
  for t in $TABLES; do
    psql_q -d "$SEEDCMP_DB" -c "\\copy bare_$t FROM '$OUT/$t.csv' CSV"
  done
  t_bare=$(secs "$total0" "$(now)")
  t0=$(now)
  psql_q -d "$SEEDCMP_DB" -c "SELECT replace(replace(pg_get_indexdef(i.indexrelid), ' ON public.' || c.relname || ' ', ' ON public.bare_' || c.relname || ' '), 'INDEX ' || ic.relname || ' ', 'INDEX bare_' || ic.relname || ' ') || ';' FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid WHERE c.relname IN ('officers', 'certificates', 'exam_records')" >"$OUT/bare-indexes.sql"
  psql_q -d "$SEEDCMP_DB" -f "$OUT/bare-indexes.sql"
  t_index=$(secs "$t0" "$(now)")
  echo "  COPY into bare clones: $t_bare s, then CREATE INDEX x $(wc -l <"$OUT/bare-indexes.sql"): $t_index s, together $(awk -v a="$t_bare" -v b="$t_index" 'BEGIN { printf "%.2f", a + b }') s"
  wal_line "$w0" "$c0"
  awk -v s="$t_seed" -v c="$t_copy" -v o="${TCOPY[officers]}" -v b="$t_bare" -v i="$t_index" 'BEGIN {
    printf "  seed / COPY into indexed clones (same rows, same indexes) = %.2f  (target <= 3: %s)\n", s / c, (s / c <= 3) ? "met" : "MISSED"
    printf "  seed / COPY of the officer rows alone (indexed)            = %.2f\n", s / o
    printf "  seed / (COPY into bare clones + CREATE INDEX)              = %.2f\n", s / (b + i)
    printf "  seed / COPY into bare clones (no indexes at all)           = %.2f\n", s / b }'
  rm -f "$OUT"/*.csv
  [ -n "${KEEP_SEEDCMP:-}" ] || psql_q -d postgres -c "DROP DATABASE $SEEDCMP_DB"
fi

say "done; logs in $OUT"
