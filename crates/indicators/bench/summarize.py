#!/usr/bin/env python3
"""Medians and ratios of one run_kpi.sh sitting: reads DIR/{tandem,duckdb,sqlite}.jsonl and
prints a Markdown table (tandem time / peer time; below 1 means tandem is faster).
usage: summarize.py [DIR]"""
import json, os, statistics, sys

d = sys.argv[1] if len(sys.argv) > 1 else "."
def runs(name):
    p = os.path.join(d, name + ".jsonl")
    return [json.loads(l) for l in open(p) if l.strip()] if os.path.exists(p) else []
t, dk, sq = runs("tandem"), runs("duckdb"), runs("sqlite")
med = lambda xs: statistics.median(xs) if xs else None
rows = t[0]["rows"] if t else 0
tandem = {
    "rebuild / ingest (s)": med([r["rebuild_s"] for r in t]),
    "Q1 region x quarter x cadre (s)": med([r["q1"]["median_s"] for r in t]),
    "Q2 Q1 vs targets (s)": med([r["q2"]["median_s"] for r in t if r.get("q2")]),
    "Q3 country>region>district x year (s)": med([r["q3"]["median_s"] for r in t]),
    "Q4 facility-month lookup (ms)": med([r["q4"]["median_ms"] for r in t]),
    "peak RSS (bytes/row)": med([r["peak_rss_mb"] * 2**20 / rows for r in t]),
}
def peer(rs):
    return {
        "rebuild / ingest (s)": med([r["ingest_s"] for r in rs]),
        "Q1 region x quarter x cadre (s)": med([r["Q1"]["median_s"] for r in rs]),
        "Q2 Q1 vs targets (s)": med([r["Q2"]["median_s"] for r in rs]),
        "Q3 country>region>district x year (s)": med([r["Q3"]["median_s"] for r in rs]),
        "Q4 facility-month lookup (ms)": med([r["Q4_index"]["median_ms"] for r in rs]),
        "peak RSS (bytes/row)": med([r["peak_rss_mb"] * 2**20 / r["rows"] for r in rs]),
    }
duck, lite = peer(dk), peer(sq)
fmt = lambda x: "—" if x is None else (f"{x:.4g}")
ratio = lambda a, b: "—" if a is None or b is None or b == 0 else f"{a / b:.3g}"
print(f"rounds: tandem {len(t)}, DuckDB {len(dk)}, SQLite {len(sq)}; medians\n")
print("| measure | tandem | DuckDB 2 threads | SQLite | tandem/DuckDB | tandem/SQLite |")
print("|---|---|---|---|---|---|")
for k in tandem:
    print(f"| {k} | {fmt(tandem[k])} | {fmt(duck[k])} | {fmt(lite[k])} | {ratio(tandem[k], duck[k])} | {ratio(tandem[k], lite[k])} |")
if t:
    print(f"\ntandem engine heap: {med([r['heap_bytes_per_row'] for r in t]):.2f} bytes/row; "
          f"RSS growth over the rebuild: {med([r['resident_bytes_per_row'] for r in t]):.2f} bytes/row")
# Rounds ran tandem, then DuckDB, then SQLite: ratios within each round show the spread.
for i, (a, b) in enumerate(zip(t, dk), 1):
    print(f"round {i}: tandem/DuckDB rebuild {a['rebuild_s'] / b['ingest_s']:.3g}, "
          f"Q1 {a['q1']['median_s'] / b['Q1']['median_s']:.3g}, "
          f"Q2 {a['q2']['median_s'] / b['Q2']['median_s']:.3g}, "
          f"Q3 {a['q3']['median_s'] / b['Q3']['median_s']:.3g}")
