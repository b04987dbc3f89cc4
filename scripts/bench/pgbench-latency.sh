#!/usr/bin/env bash
# pgbench-latency.sh PREFIX: p50, p90, p99 and max latency (ms) of the
# transactions in pgbench's per-transaction logs PREFIX.* (pgbench -l
# --log-prefix=PREFIX; the third field is the latency in microseconds).
# Prints: p50_ms p90_ms p99_ms max_ms count
set -euo pipefail
prefix=$1
cat "$prefix".* | awk '{print $3}' | sort -n | awk '
  { v[NR] = $1 }
  END {
    if (NR == 0) { print "nan nan nan nan 0"; exit }
    i50 = int(NR * 0.50); if (i50 < 1) i50 = 1
    i90 = int(NR * 0.90); if (i90 < 1) i90 = 1
    i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
    printf "%.3f %.3f %.3f %.3f %d\n", v[i50] / 1000, v[i90] / 1000, v[i99] / 1000, v[NR] / 1000, NR
  }'
