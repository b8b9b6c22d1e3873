#!/bin/bash
# Side-by-side timing of tandem's matching solver against the peers in shared/bench/matching,
# interleaved in one sitting: every round runs each solver once on each instance, and the
# summary takes the median over rounds. See docs/bench-matching.md.
#
# usage: side_by_side.sh WORKDIR [ROUNDS]
#   WORKDIR holds inst/ (from gen.py) and lemon_bench (built from lemon_bench.cpp).
#   MB = path of the match-bench binary (default: $CARGO_TARGET_DIR/release/match-bench), built
#     with `cargo build --release -p matching --features bench --bin match-bench` (the harness is
#     behind the crate's `bench` feature).
#   PEERS = folder with gen.py, bench_match.py (default: /work/shared/bench/matching).
#   REMATCH_REPS = N > 0 adds, after the rounds, tandem-only runs of `match-bench --reps N` (three
#     per instance, including sparse 50k seed 2 when inst/ holds it): the rounds time one full
#     solve each, and that single denominator varies by ~15 %, so the re-match ratio wants
#     medians of several (written to results_rematch_reps.jsonl, summarised as "rematch_reps").
#   CONTINUITY = B >= 0 (default 333): every tandem sparse run also times the re-match as the app
#     runs it, with the pairs as they stood favoured by B (`match-bench --continuity B`); 333 is
#     the app's default continuity weight (200) in the instances' units, scaled as their
#     language penalty (500) is to the app's language weight (300). Summarised as "continuity".
set -u
case "${REMATCH_REPS:-0}" in
  ''|*[!0-9]*) echo "side_by_side.sh: REMATCH_REPS must be a whole number, got '$REMATCH_REPS'" >&2; exit 2 ;;
esac
case "${CONTINUITY:-333}" in
  ''|*[!0-9]*) echo "side_by_side.sh: CONTINUITY must be a whole number, got '$CONTINUITY'" >&2; exit 2 ;;
esac
B=${CONTINUITY:-333}
W=$1; ROUNDS=${2:-3}
MB=$(realpath -m "${MB:-${CARGO_TARGET_DIR:-target}/release/match-bench}")  # absolute: we cd below
if [ ! -x "$MB" ]; then
  echo "side_by_side.sh: no match-bench at $MB; build it with" >&2
  echo "  cargo build --release -p matching --features bench --bin match-bench" >&2
  exit 2
fi
PEERS=${PEERS:-/work/shared/bench/matching}
P=${PYTHON:-python3}
cd "$W" || exit 1
OUT=results_side_by_side.jsonl
: > "$OUT"
S5=inst/sparse_5000x500_k50_c10_s1
S50=inst/sparse_50000x5000_k50_c10_s1
D2=inst/dense_n2000_s1
tag() { # round label: prefix a JSON line with the round and the load average
  local r=$1 l; l=$(cut -d' ' -f1 /proc/loadavg)
  while read -r line; do
    case "$line" in "{"*) echo "{\"round\": $r, \"load1\": $l, ${line#\{}" >> "$OUT" ;; esac
  done
}
for r in $(seq "$ROUNDS"); do
  echo "round $r  $(uptime)" >&2
  "$MB" --reps 1 --leave 1 --continuity "$B" "$S5" | tag "$r"
  ./lemon_bench ns "$S5.min" 1 | tag "$r"
  "$P" "$PEERS/bench_match.py" s_ortools_mcf "$S5" 1 | tag "$r"
  "$MB" --reps 1 --leave 1 --continuity "$B" "$S50" | tag "$r"
  "$MB" --reps 1 --leave 0 "$S50" | sed 's/"solver":"tandem_ssp"/"solver":"tandem_ssp_mem"/' | tag "$r"
  ./lemon_bench ns "$S50.min" 1 | tag "$r"
  "$P" "$PEERS/bench_match.py" s_ortools_mcf "$S50" 1 | tag "$r"
  "$MB" --reps 1 "$D2.npy" | tag "$r"
  "$P" "$PEERS/bench_match.py" d_lap_lapjv "$D2" 1 | tag "$r"
  "$P" "$PEERS/bench_match.py" d_lapjv_lapjv "$D2" 1 | tag "$r"
done
REP_OUT=results_rematch_reps.jsonl
: > "$REP_OUT"
S50B=inst/sparse_50000x5000_k50_c10_s2
if [ "${REMATCH_REPS:-0}" -gt 0 ]; then
  for r in 1 2 3; do
    echo "re-match repetitions $r  $(uptime)" >&2
    for inst in "$S5" "$S50" "$S50B"; do
      [ -e "$inst.edges.csv" ] && "$MB" --reps "$REMATCH_REPS" --leave 1 --continuity "$B" "$inst" >> "$REP_OUT"
    done
  done
fi
"$P" - "$OUT" "$REP_OUT" <<'PY'
import json, sys, statistics as st
rows = [json.loads(l) for l in open(sys.argv[1])]
def key(d):
    inst = d["inst"].split("/")[-1]
    for suf in (".min", ".npy", ".txt"):
        inst = inst.removesuffix(suf)
    return d["solver"], inst
med = {}
for d in rows:
    med.setdefault(key(d), []).append(d)
def m(solver, inst, field="solve_s"):
    v = [d[field] for d in med.get((solver, inst), []) if d.get(field) is not None]
    return st.median(v) if v else None
def obj(solver, inst):
    o = med[(solver, inst)][0]["obj"]
    return o[0] if isinstance(o, list) else o
S5, S50, D2 = "sparse_5000x500_k50_c10_s1", "sparse_50000x5000_k50_c10_s1", "dense_n2000_s1"
rep = {"rounds": max(d["round"] for d in rows), "load1": [d["load1"] for d in rows]}
for inst in (S5, S50):
    t, l, o = m("tandem_ssp", inst), m("lemon_ns", inst), m("s_ortools_mcf", inst)
    rep[inst] = {"tandem_s": t, "lemon_ns_s": l, "ortools_s": o,
                 "tandem_over_lemon": round(t / l, 3), "tandem_over_ortools": round(t / o, 3),
                 "obj": {s: obj(s, inst) for s in ("tandem_ssp", "lemon_ns", "s_ortools_mcf")},
                 "rematch_warm_s": m("tandem_ssp", inst, "rematch_warm_s"),
                 "rematch_cold_s": m("tandem_ssp", inst, "rematch_cold_s"),
                 "warm_over_full_solve": m("tandem_ssp", inst, "warm_over_full_solve"),
                 "warm_over_cold_rematch": m("tandem_ssp", inst, "warm_over_cold_rematch"),
                 "rematch_live_s": m("tandem_ssp", inst, "rematch_live_s"),
                 "live_over_full_solve": m("tandem_ssp", inst, "live_over_full_solve")}
    fav = [d["continuity"] for d in med.get(("tandem_ssp", inst), []) if "continuity" in d]
    if fav:
        cm = lambda k: st.median(c[k] for c in fav)
        rep[inst]["continuity"] = {
            "bonus": fav[0]["bonus"],
            "favour_s": cm("favour_s"), "rematch_live_s": cm("rematch_live_s"),
            "live_over_full_solve": cm("live_over_full_solve"),
            "live_over_full_solve_range": [min(c["live_over_full_solve"] for c in fav),
                                           max(c["live_over_full_solve"] for c in fav)],
            "favour_and_live_over_full_solve": cm("favour_and_live_over_full_solve"),
            "warm_over_full_solve": cm("warm_over_full_solve"),
            "others_moved": fav[0]["others_moved"], "displaced": fav[0]["displaced"],
            "cost_over_pure_optimum": fav[0]["cost_over_pure_optimum"],
            "all_exact": all(c["certificate_and_objective_ok"] for c in fav)}
rep[S50]["tandem_rss_peak_mb"] = m("tandem_ssp_mem", S50, "rss_peak_mb")
rep[S50]["lemon_rss_peak_mb"] = m("lemon_ns", S50, "rss_peak_mb")
rep[S50]["ortools_rss_peak_mb"] = m("s_ortools_mcf", S50, "rss_peak_mb")
t, a, b = m("tandem_lapjv", D2), m("d_lap_lapjv", D2), m("d_lapjv_lapjv", D2)
rep[D2] = {"tandem_s": t, "lap_lapjv_s": a, "lapjv_lapjv_s": b,
           "tandem_over_lap_lapjv": round(t / a, 3), "tandem_over_lapjv_lapjv": round(t / b, 3),
           "obj": {s: obj(s, D2) for s in ("tandem_lapjv", "d_lap_lapjv", "d_lapjv_lapjv")}}
reps = {}
for line in open(sys.argv[2]):
    d = json.loads(line)
    reps.setdefault(d["inst"], []).append(
        {"reps": d["reps"], "solve_s": d["solve_s"], "rematch_live_s": d["rematch_live_s"],
         "live_over_full_solve": d["live_over_full_solve"],
         "certificate_ok": d["rematch_live_certificate_ok"],
         "obj_equals_cold": d["rematch_obj_live"] == d["rematch_obj_cold"],
         **({"continuity_live_s": d["continuity"]["rematch_live_s"],
             "continuity_live_over_full_solve": d["continuity"]["live_over_full_solve"],
             "continuity_exact": d["continuity"]["certificate_and_objective_ok"]}
            if "continuity" in d else {})})
if reps:
    rep["rematch_reps"] = reps
print(json.dumps(rep, indent=1))
PY
