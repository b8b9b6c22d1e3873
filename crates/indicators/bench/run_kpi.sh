#!/usr/bin/env bash
# One sitting of the KPI benchmark: tandem's indicators engine, DuckDB (2 threads) and SQLite
# on the same 10M events, on the same machine. Data stays under $DIR (default /tmp/kpi).
#   crates/indicators/bench/run_kpi.sh            # everything
#   SKIP_SQLITE=1 crates/indicators/bench/run_kpi.sh
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../../.." && pwd)
DIR=${DIR:-/tmp/kpi}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/tandem-target-indicators}
mkdir -p "$DIR" && cd "$DIR"
KPI_DIR=${KPI_DIR:-$REPO/../shared/bench/kpi}   # gen_events.py and bench_kpi.py
[ -f events.parquet ] || python3 "$KPI_DIR/gen_events.py" --rows 10000000 --seed 7
# One-time export of the Parquet events to the plain CSV the engine reads.
[ -f events.csv ] || python3 -c "
import duckdb; c = duckdb.connect(); c.execute('SET threads=2')
c.execute(\"COPY (SELECT * FROM read_parquet('events.parquet')) TO 'events.csv' (HEADER)\")
c.execute(\"COPY (SELECT * FROM read_parquet('targets.parquet')) TO 'targets.csv' (HEADER)\")"
(cd "$REPO" && cargo build --profile bench -p indicators --bin kpi-bench)
BIN=$CARGO_TARGET_DIR/release/kpi-bench
[ -x "$CARGO_TARGET_DIR/bench/kpi-bench" ] && BIN=$CARGO_TARGET_DIR/bench/kpi-bench
KPI=$KPI_DIR/bench_kpi.py
for i in 1 2 3; do "$BIN" events.csv --targets targets.csv --dump out | tee -a tandem.jsonl; done
python3 "$KPI" duckdb 2 | tee -a duckdb.jsonl
for i in 4 5 6; do "$BIN" events.csv --targets targets.csv --dump out | tee -a tandem.jsonl; done
[ -n "${SKIP_SQLITE:-}" ] || python3 "$KPI" sqlite | tee -a sqlite.jsonl
python3 "$REPO/crates/indicators/bench/compare_duckdb.py" events.parquet targets.parquet out/answers.json
