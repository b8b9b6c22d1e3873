#!/usr/bin/env bash
# One sitting of the KPI benchmark: tandem's indicators engine, DuckDB (2 threads) and SQLite
# on the same 10M events, on the same machine, interleaved round by round (ROUNDS, default 3)
# so that load from other jobs hits all three alike. Data stays under $DIR (default
# /tmp/kpibench), never in the repository. Then checks tandem's answers against DuckDB's and
# prints medians and ratios (summarize.py).
#   crates/indicators/bench/run_kpi.sh
#   SKIP_SQLITE=1 ROUNDS=5 crates/indicators/bench/run_kpi.sh
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../../.." && pwd)
HERE=$REPO/crates/indicators/bench
DIR=${DIR:-/tmp/kpibench}
ROUNDS=${ROUNDS:-3}
KPI_DIR=${KPI_DIR:-$REPO/../shared/bench/kpi}   # gen_events.py and bench_kpi.py
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/tandem-target-indicators}
mkdir -p "$DIR" && cd "$DIR"
[ -f events.parquet ] || python3 "$KPI_DIR/gen_events.py" --rows 10000000 --seed 7
[ -f events.csv ] || python3 "$HERE/to_csv.py" .
if [ -z "${BIN:-}" ]; then
  # The harness and kpi-bench are built only with the crate's `bench` feature.
  (cd "$REPO" && cargo build --profile bench -p indicators --features bench --bin kpi-bench)
  BIN=$CARGO_TARGET_DIR/release/kpi-bench   # the bench profile's output directory
fi
rm -f tandem.jsonl duckdb.jsonl sqlite.jsonl load.txt
for i in $(seq "$ROUNDS"); do
  echo "round $i tandem $(uptime)" | tee -a load.txt
  "$BIN" events.csv --targets targets.csv --threads 2 --dump out | tee -a tandem.jsonl
  echo "round $i duckdb $(uptime)" | tee -a load.txt
  python3 "$KPI_DIR/bench_kpi.py" duckdb 2 | tee -a duckdb.jsonl
  if [ -z "${SKIP_SQLITE:-}" ]; then
    echo "round $i sqlite $(uptime)" | tee -a load.txt
    python3 "$KPI_DIR/bench_kpi.py" sqlite | tee -a sqlite.jsonl
  fi
done
python3 "$HERE/compare_duckdb.py" events.parquet targets.parquet out/answers.json
python3 "$HERE/summarize.py" .
