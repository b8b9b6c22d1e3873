#!/usr/bin/env python3
"""Converts gen_events.py's Parquet output to the plain CSV the indicators engine reads.

usage: to_csv.py [DIR]   (default: the current directory)
Reads DIR/events.parquet and DIR/targets.parquet, writes DIR/events.csv and DIR/targets.csv.
events.csv: header `facility_id,district,region,period,cadre,modality,duration_minutes,
checklist_score`, one visit a line, integers in decimal, the score with one decimal as
DuckDB prints a DOUBLE (`73.6`, `100.0`), rows in file order. targets.csv: header
`region,year,quarter,cadre,target_visits`. One-time step, not part of any timing."""
import os, sys
import duckdb

d = sys.argv[1] if len(sys.argv) > 1 else "."
con = duckdb.connect()
con.execute("SET threads=2")
for name in ("events", "targets"):
    src, dst = os.path.join(d, name + ".parquet"), os.path.join(d, name + ".csv")
    con.execute(f"COPY (SELECT * FROM read_parquet('{src}')) TO '{dst}' (HEADER, DELIMITER ',')")
    print("wrote", dst)
