#!/usr/bin/env python3
"""Checks the indicators engine's benchmark answers against DuckDB, row by row.

usage: compare_duckdb.py EVENTS.parquet TARGETS.parquet ANSWERS.json
ANSWERS.json is written by `kpi-bench EVENTS.csv --targets TARGETS.csv --dump DIR`.
Runs the SQL of shared/bench/kpi/bench_kpi.py (Q1, Q2, Q3) and Q4 for the same keys, and
compares every row: counts exactly, ratios to a relative 1e-9. Exits 1 on any difference."""
import json, math, sys
import duckdb

events, targets, answers = sys.argv[1:4]
ans = json.load(open(answers))
con = duckdb.connect()
con.execute("SET threads=2")
con.execute(f"CREATE VIEW visits AS SELECT * FROM read_parquet('{events}')")
con.execute(f"CREATE VIEW targets AS SELECT * FROM read_parquet('{targets}')")
Q1 = """SELECT region, period // 100 AS year, (period % 100 + 2) // 3 AS quarter, cadre,
  COUNT(*) AS visits, SUM(duration_minutes) AS minutes, AVG(checklist_score) AS avg_score,
  100.0 * SUM(CASE WHEN checklist_score >= 80 THEN 1 ELSE 0 END) / COUNT(*) AS pct_meeting_std,
  100.0 * SUM(CASE WHEN modality = 0 THEN 1 ELSE 0 END) / COUNT(*) AS pct_onsite
FROM visits GROUP BY 1, 2, 3, 4"""
Q2 = f"""WITH a AS ({Q1})
SELECT a.*, t.target_visits, 100.0 * a.visits / t.target_visits AS pct_of_target
FROM a JOIN targets t ON t.region = a.region AND t.year = a.year AND t.quarter = a.quarter AND t.cadre = a.cadre"""
Q3 = """WITH d AS (SELECT region, district, period // 100 AS year, COUNT(*) AS n,
    SUM(CASE WHEN checklist_score >= 80 THEN 1 ELSE 0 END) AS ok FROM visits GROUP BY 1, 2, 3)
SELECT 'district' AS lvl, region, district, year, SUM(n) AS n, 100.0 * SUM(ok) / SUM(n) AS pct FROM d GROUP BY 2, 3, 4
UNION ALL SELECT 'region', region, NULL, year, SUM(n), 100.0 * SUM(ok) / SUM(n) FROM d GROUP BY 2, 4
UNION ALL SELECT 'country', NULL, NULL, year, SUM(n), 100.0 * SUM(ok) / SUM(n) FROM d GROUP BY 4"""
Q4 = "SELECT COUNT(*), SUM(duration_minutes), AVG(checklist_score) FROM visits WHERE facility_id = ? AND period = ?"

bad = 0
def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)

def check(name, ours, theirs):
    global bad
    if len(ours) != len(theirs):
        print(f"{name}: {len(ours)} rows here, {len(theirs)} in DuckDB"); bad += 1; return
    diffs = [(k, o, t) for k, (o, t) in enumerate(zip(ours, theirs)) if not all(same(x, y) for x, y in zip(o, t))]
    for d in diffs[:5]:
        print(f"{name} row {d[0]}: ours {d[1]} DuckDB {d[2]}")
    bad += bool(diffs)
    print(f"{name}: {len(ours)} rows, {len(diffs)} differ")

q2 = sorted(con.execute(Q2).fetchall())
ours = sorted((r["region"], r["year"], r["quarter"], r["cadre"], r["visits"], r["minutes"], r["avg_score"],
               r["pct_meeting_std"], r["pct_onsite"], r["target_visits"], r["pct_of_target"]) for r in ans["q1"])
check("Q2 (Q1 columns + targets)", ours, q2)
q1 = sorted(con.execute(Q1).fetchall())
check("Q1", [o[:9] for o in ours], q1)
order = {"district": 0, "region": 1, "country": 2}
key = lambda r: (order[r[0]], r[1] if r[1] is not None else -1, r[2] if r[2] is not None else -1, r[3])
q3 = sorted(con.execute(Q3).fetchall(), key=key)
ours3 = sorted(((r["lvl"], r["region"], r["district"], r["year"], r["n"], r["pct"]) for r in ans["q3"]), key=key)
check("Q3", [(o[0], o[1], o[2], o[3]) + o[4:] for o in ours3], q3)
q4 = [(f, ym) + tuple(con.execute(Q4, [f, ym]).fetchone()) for f, ym, *_ in ans["q4"]]
check("Q4", [tuple(r) for r in ans["q4"]], [(a, b, c, d or 0, e) for a, b, c, d, e in q4])
sys.exit(1 if bad else 0)
