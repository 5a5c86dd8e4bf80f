"""Seeds keep the types the scaffold gave them, whatever a CSV reader would guess.

bcgov's Snowplow block parses ``TO_DATE("filters.from_date", 'YYYY-MM-DD')``: the column is text
holding dates, generated in that format. In a CSV, DuckDB's type detection read it back as DATE
and every query of the explore failed ("strptime(DATE, STRING_LITERAL)").
"""

from __future__ import annotations

from pathlib import Path

from pytest_looker.run import DuckDBBackend
from pytest_looker.scaffold.data import Dataset
from pytest_looker.scaffold.store import write_seeds


def test_text_that_looks_like_dates_or_numbers_stays_text(tmp_path: Path) -> None:
    rows = [{"id": 1, "from_date": "2024-01-05", "code": "0042"}, {"id": 2, "from_date": None, "code": "17"}]
    plain = [{"id": 1, "name": "alpha"}]
    dataset = Dataset(
        tables={"atomic.calendar": rows, "atomic.names": plain},
        types={
            "atomic.calendar": {"id": "number", "from_date": "string", "code": "string"},
            "atomic.names": {"id": "number", "name": "string"},
        },
    )
    write_seeds(dataset, tmp_path)
    assert (tmp_path / "atomic" / "calendar.parquet").is_file() and (tmp_path / "atomic" / "names.csv").is_file()
    with DuckDBBackend(seeds=tmp_path) as db:
        result = db.execute("SELECT typeof(from_date), typeof(code), from_date, code FROM atomic.calendar ORDER BY id")
        assert result.rows == (("VARCHAR", "VARCHAR", "2024-01-05", "0042"), ("VARCHAR", "VARCHAR", None, "17"))
        parsed = db.execute("SELECT CAST(STRPTIME(from_date, '%Y-%m-%d') AS DATE) FROM atomic.calendar WHERE id = 1")
        assert str(parsed.rows[0][0]) == "2024-01-05"
