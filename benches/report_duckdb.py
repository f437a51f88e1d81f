"""The aggregations of `techreg report` in DuckDB, for comparison (benches/report.rs runs it).

Usage: python report_duckdb.py YEAR CONTRACTS.csv [CONTRACTS.csv ...]

Loads the contracts CSVs that `techreg export contracts --year Y` wrote (interchange.md §1) into
an in-memory table with the columns the tables need (amounts as integer fen, codes as text),
then computes what the report's one pass fills for the year and the prior year: count and
amount per catalogue code of every coded dimension, over all and over the 重大 contracts
(≥ 1000 万元), per statistical region on the three bases (the office's, the seller's, the
buyer's; provinces, the cities and the 港澳台 / 国外 buckets), distinct sellers per seller
nature, and the top 20 sellers of each seller group. Prints one JSON line of timings.
"""

import json
import sys
import time

import duckdb

MAJOR_FEN = 1_000_000_000
CODED = [
    "category_code",
    "ip_code",
    "tech_field_code",
    "objective_code",
    "plan_code",
    "seller_nature_code",
    "buyer_nature_code",
]


def region(side: str) -> str:
    # 港澳台 and foreign parties are buckets of their own; the 兵团 (66) counts under 新疆 (65).
    return f"""CASE
        WHEN {side}_country_code IN ('110', '121', '143') THEN 'hmt'
        WHEN {side}_country_code <> '142' THEN 'abroad'
        WHEN substr({side}_admin_code, 1, 2) = '66' THEN '65'
        ELSE substr({side}_admin_code, 1, 2) END"""


def main() -> None:
    year = int(sys.argv[1])
    files = sys.argv[2:]
    con = duckdb.connect()
    started = time.perf_counter()
    con.execute(
        f"""CREATE TABLE c AS SELECT
            CAST(substr(registered_on, 1, 4) AS INTEGER) AS year,
            CAST(round(CAST(total_amount_yuan AS DECIMAL(18, 2)) * 100) AS BIGINT) AS fen,
            {', '.join(CODED)},
            substr(office_code, 1, 2) AS office_province,
            substr(office_code, 1, 4) AS office_city,
            seller_country_code, seller_admin_code, buyer_country_code, buyer_admin_code,
            coalesce(nullif(seller_uscc, ''), seller_name || '|' || seller_country_code) AS seller
        FROM read_csv({files!r}, header = true, all_varchar = true)"""
    )
    loaded = time.perf_counter()
    # The report reads the year and the prior one in full, earlier years' category totals only.
    con.execute(f"CREATE VIEW cur AS SELECT * FROM c WHERE year BETWEEN {year - 1} AND {year}")
    results = len(
        con.execute(
            f"""SELECT year, category_code, count(*), sum(fen) FROM c
                WHERE year BETWEEN {year - 5} AND {year - 2} GROUP BY ALL"""
        ).fetchall()
    )
    for dim in CODED:
        for where in ("TRUE", f"fen >= {MAJOR_FEN}"):
            results += len(
                con.execute(
                    f"SELECT year, {dim}, count(*), sum(fen) FROM cur WHERE {where} GROUP BY ALL"
                ).fetchall()
            )
    regions = {
        "office": "CASE WHEN office_province = '66' THEN '65' ELSE office_province END",
        "seller": region("seller"),
        "buyer": region("buyer"),
    }
    for expr in regions.values():
        results += len(
            con.execute(f"SELECT year, {expr} AS r, count(*), sum(fen) FROM cur GROUP BY ALL").fetchall()
        )
    for city in ("office_city", "substr(seller_admin_code, 1, 4)", "substr(buyer_admin_code, 1, 4)"):
        results += len(
            con.execute(f"SELECT year, {city} AS r, count(*), sum(fen) FROM cur GROUP BY ALL").fetchall()
        )
    results += len(
        con.execute(
            "SELECT year, seller_nature_code, count(DISTINCT seller) FROM cur GROUP BY ALL"
        ).fetchall()
    )
    results += len(
        con.execute(
            """SELECT year, grp, seller, n, amount FROM (
                 SELECT year, grp, seller, count(*) AS n, sum(fen) AS amount,
                        row_number() OVER (PARTITION BY year, grp ORDER BY sum(fen) DESC, seller) AS rank
                 FROM (SELECT *, CASE WHEN seller_nature_code = '021' THEN 'research'
                                      WHEN seller_nature_code = '022' THEN 'university'
                                      WHEN substr(seller_nature_code, 1, 1) IN ('1', '2', '3', '4', '5')
                                           AND seller_nature_code NOT IN ('021', '022') THEN 'enterprise'
                                 END AS grp FROM cur) WHERE grp IS NOT NULL
                 GROUP BY year, grp, seller)
               WHERE rank <= 20"""
        ).fetchall()
    )
    done = time.perf_counter()
    rows = con.execute(f"SELECT count(*) FROM c WHERE year = {year}").fetchone()[0]
    print(
        json.dumps(
            {
                "rows_in_year": rows,
                "load_seconds": round(loaded - started, 3),
                "query_seconds": round(done - loaded, 3),
                "result_rows": results,
            }
        )
    )


if __name__ == "__main__":
    main()
