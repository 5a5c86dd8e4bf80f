"""Timeframes and durations: every dialect's SQL against values computed in Python.

The oracle below uses only ``datetime``/``zoneinfo`` (never our SQL). DuckDB output is executed
directly; other dialects' output is parsed with sqlglot in its own dialect, transpiled to DuckDB
and executed. Where sqlglot cannot transpile a construct faithfully, the case is listed in
``transpile_gap`` with the reason and marked as a strict xfail — it must keep failing (or
raising), so a silent change is noticed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pytest
import sqlglot

from pytest_looker.compile.dialects import HOUR_STEPS, MINUTE_STEPS, TIMEFRAMES, WEEKDAYS, get_dialect
from pytest_looker.errors import CompileError

UTC = ZoneInfo("UTC")

# Database values (naive, UTC). Each one exercises a boundary.
STAMPS: list[dt.datetime | None] = [
    None,
    dt.datetime(2024, 2, 29, 13, 45, 30, 123456),  # leap day
    dt.datetime(2023, 12, 31, 23, 59, 59, 999999),  # year boundary (already 2024 in Tokyo)
    dt.datetime(2024, 1, 1, 0, 0, 0),  # year start (still 2023 in New York)
    dt.datetime(2024, 3, 3, 10, 0, 0),  # Sunday
    dt.datetime(2024, 3, 4, 0, 30, 0),  # Monday in UTC, Sunday evening in New York
    dt.datetime(2024, 3, 10, 7, 30, 0),  # 03:30 EDT: right after the DST jump in New York
    dt.datetime(2020, 12, 31, 18, 5, 0),  # ISO week 53
    dt.datetime(2021, 1, 3, 23, 59, 0),  # Sunday, ISO week 53 of 2020
    dt.datetime(2019, 6, 15, 4, 7, 8, 5000),  # a Saturday, mid-year
]

# (query zone, convert_tz, week_start_day, fiscal_month_offset)
SETTINGS: list[tuple[str, bool, str, int]] = [
    ("UTC", True, "monday", 0),
    ("America/New_York", True, "sunday", 3),
    ("America/New_York", False, "monday", -3),
    ("Asia/Tokyo", True, "wednesday", 15),
    ("Asia/Kolkata", True, "saturday", 1),  # a half-hour offset
]

ALL_TIMEFRAMES = [
    *TIMEFRAMES,
    *(f"hour{n}" for n in HOUR_STEPS),
    *(f"minute{n}" for n in MINUTE_STEPS),
]


# -- the oracle ------------------------------------------------------------------------------------


def add_months(value: dt.datetime, months: int) -> dt.datetime:
    """Calendar month arithmetic, clamping the day to the month's end (as warehouses do)."""
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def expected_timeframe(tf: str, local: dt.datetime, *, week_start: str = "monday", offset: int = 0) -> object:
    """What Looker's SQL yields for timeframe ``tf`` of the local wall-clock time ``local``."""
    start = WEEKDAYS.index(week_start)
    if tf in ("time", "second"):
        return local.strftime("%Y-%m-%d %H:%M:%S")
    if tf == "time_of_day":
        return local.strftime("%H:%M")
    if tf == "date":
        return local.date()
    if tf == "week":
        back = (local.weekday() - start) % 7
        return (local.date() - dt.timedelta(days=back)).isoformat()
    if tf == "month":
        return f"{local.year:04d}-{local.month:02d}"
    if tf == "quarter":
        return f"{local.year:04d}-{(local.month - 1) // 3 * 3 + 1:02d}"
    if tf == "year":
        return local.year
    if tf == "day_of_week":
        return calendar.day_name[local.weekday()]
    if tf == "day_of_week_index":
        return (local.weekday() - start) % 7
    if tf == "day_of_month":
        return local.day
    if tf == "day_of_year":
        return local.timetuple().tm_yday
    if tf == "hour":
        return local.strftime("%Y-%m-%d %H")
    if tf == "hour_of_day":
        return local.hour
    if tf == "minute":
        return local.strftime("%Y-%m-%d %H:%M")
    if tf == "millisecond":
        return local.strftime("%Y-%m-%d %H:%M:%S.") + f"{local.microsecond // 1000:03d}"
    if tf == "microsecond":
        return local.strftime("%Y-%m-%d %H:%M:%S.%f")
    if tf == "week_of_year":
        return local.isocalendar()[1]
    if tf == "month_name":
        return calendar.month_name[local.month]
    if tf == "month_num":
        return local.month
    if tf == "quarter_of_year":
        return f"Q{(local.month - 1) // 3 + 1}"
    if tf.startswith("hour") and tf[4:].isdigit():
        n = int(tf[4:])
        return local.replace(hour=local.hour - local.hour % n).strftime("%Y-%m-%d %H")
    if tf.startswith("minute") and tf[6:].isdigit():
        n = int(tf[6:])
        return local.replace(minute=local.minute - local.minute % n).strftime("%Y-%m-%d %H:%M")
    # Fiscal: FY Y starts at January of Y + offset months, so shift back by the offset.
    shifted = add_months(local.replace(day=1), -offset)
    if tf == "fiscal_year":
        return shifted.year
    if tf == "fiscal_month_num":
        return shifted.month
    if tf == "fiscal_quarter_of_year":
        return f"Q{(shifted.month - 1) // 3 + 1}"
    if tf == "fiscal_quarter":
        first = add_months(local.replace(day=1), -((shifted.month - 1) % 3))
        return f"{first.year:04d}-{first.month:02d}"
    raise AssertionError(tf)


def to_local(value: dt.datetime, zone: str, convert: bool) -> dt.datetime:
    if not convert:
        return value
    return value.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def expected_column(tf: str, setting: tuple[str, bool, str, int], stamps: list[Any]) -> list[object]:
    zone, convert, week_start, offset = setting
    out: list[object] = []
    for value in stamps:
        if value is None:
            out.append(None)
        elif tf == "raw":
            out.append(value)
        else:
            local = to_local(value, zone, convert)
            out.append(expected_timeframe(tf, local, week_start=week_start, offset=offset))
    return out


# -- running SQL on DuckDB -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    connection.execute("CREATE TABLE t (id INTEGER, ts TIMESTAMP, d DATE, ep BIGINT, ymd INTEGER)")
    for i, value in enumerate(STAMPS):
        if value is None:
            connection.execute("INSERT INTO t VALUES (?, NULL, NULL, NULL, NULL)", [i])
            continue
        epoch = int(value.replace(tzinfo=UTC).timestamp())
        ymd = int(value.strftime("%Y%m%d"))
        connection.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [i, value, value.date(), epoch, ymd])
    yield connection
    connection.close()


def column(con: duckdb.DuckDBPyConnection, expression: str) -> list[object]:
    return [row[0] for row in con.sql(f"SELECT {expression} FROM t ORDER BY id").fetchall()]


def render(dialect: str, tf: str, sql: str, setting: tuple[str, bool, str, int], **extra: Any) -> str:
    zone, convert, week_start, offset = setting
    return get_dialect(dialect).timeframe(
        tf,
        sql,
        convert_tz=convert,
        query_timezone=zone,
        database_timezone="UTC",
        week_start_day=week_start,
        fiscal_month_offset=offset,
        **extra,
    )


# -- 1. DuckDB ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: f"{s[0]}-{'tz' if s[1] else 'notz'}-{s[2]}-{s[3]}")
@pytest.mark.parametrize("tf", ALL_TIMEFRAMES)
def test_duckdb_timeframe_matches_python(
    con: duckdb.DuckDBPyConnection, tf: str, setting: tuple[str, bool, str, int]
) -> None:
    sql = render("duckdb", tf, "t.ts", setting)
    assert column(con, sql) == expected_column(tf, setting, STAMPS)


def _stamps_as_dates() -> list[dt.datetime | None]:
    return [None if v is None else dt.datetime.combine(v.date(), dt.time()) for v in STAMPS]


@pytest.mark.parametrize("tf", [tf for tf in ALL_TIMEFRAMES if tf != "raw"])
@pytest.mark.parametrize(("datatype", "column_sql"), [("date", "t.d"), ("yyyymmdd", "t.ymd")])
def test_duckdb_date_datatypes_are_never_converted(
    con: duckdb.DuckDBPyConnection, tf: str, datatype: str, column_sql: str
) -> None:
    setting = ("America/New_York", True, "sunday", 3)
    sql = render("duckdb", tf, column_sql, setting, datatype=datatype)
    no_conversion = ("America/New_York", False, "sunday", 3)
    assert column(con, sql) == expected_column(tf, no_conversion, _stamps_as_dates())


@pytest.mark.parametrize("tf", ["raw", "time", "date", "week", "hour", "fiscal_year", "day_of_week_index"])
@pytest.mark.parametrize("setting", [SETTINGS[0], SETTINGS[1], SETTINGS[2]])
def test_duckdb_epoch_datatype(con: duckdb.DuckDBPyConnection, tf: str, setting: tuple[str, bool, str, int]) -> None:
    sql = render("duckdb", tf, "t.ep", setting, datatype="epoch")
    stamps = [None if v is None else v.replace(microsecond=0) for v in STAMPS]
    assert column(con, sql) == expected_column(tf, setting, stamps)


def test_convert_tz_yes_and_no_differ_where_expected(con: duckdb.DuckDBPyConnection) -> None:
    yes = column(con, render("duckdb", "date", "t.ts", ("America/New_York", True, "monday", 0)))
    no = column(con, render("duckdb", "date", "t.ts", ("America/New_York", False, "monday", 0)))
    assert yes[5] == dt.date(2024, 3, 3)  # Monday 00:30 UTC is Sunday evening in New York
    assert no[5] == dt.date(2024, 3, 4)


def test_raw_is_not_converted_and_equal_zones_are_a_no_op() -> None:
    d = get_dialect("duckdb")
    assert d.timeframe("raw", "x", query_timezone="Asia/Tokyo") == "x"
    assert d.convert_timezone("x", from_tz="UTC", to_tz="UTC") == "x"
    assert "Asia/Tokyo" in d.convert_timezone("x", from_tz="UTC", to_tz="Asia/Tokyo")


# -- durations ---------------------------------------------------------------------------------------

DURATION_PAIRS: list[tuple[dt.datetime | None, dt.datetime | None]] = [
    (dt.datetime(2024, 1, 31, 10, 0), dt.datetime(2024, 2, 29, 10, 0)),  # month-end clamp: 1 month
    (dt.datetime(2024, 1, 31, 10, 0), dt.datetime(2024, 2, 29, 9, 59)),  # just short: 0 months
    (dt.datetime(2023, 3, 15, 12, 0), dt.datetime(2024, 3, 15, 11, 59, 59)),  # just short of a year
    (dt.datetime(2023, 3, 15, 12, 0), dt.datetime(2024, 3, 15, 12, 0)),  # exactly a year
    (dt.datetime(2024, 3, 1, 0, 0), dt.datetime(2024, 2, 28, 23, 0)),  # negative
    (dt.datetime(2024, 5, 20, 8, 0), dt.datetime(2024, 1, 10, 9, 0)),  # negative, months
    (dt.datetime(2024, 1, 1, 0, 0, 0, 500000), dt.datetime(2024, 1, 1, 0, 0, 1)),  # half a second
    (None, dt.datetime(2024, 1, 1)),
    (dt.datetime(2020, 2, 29), dt.datetime(2028, 2, 28, 23)),  # leap years
]
SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}
MONTHS = {"month": 1, "quarter": 3, "year": 12}


def expected_duration(interval: str, start: dt.datetime | None, end: dt.datetime | None) -> int | None:
    """Largest n with start + n intervals <= end (Looker: "rounded down")."""
    if start is None or end is None:
        return None
    if interval in SECONDS:
        return (end - start) // dt.timedelta(seconds=SECONDS[interval])
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return months // MONTHS[interval]


@pytest.mark.parametrize("interval", [*SECONDS, *MONTHS])
def test_duckdb_duration(interval: str) -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE p (id INTEGER, s TIMESTAMP, e TIMESTAMP)")
    con.executemany("INSERT INTO p VALUES (?, ?, ?)", [(i, s, e) for i, (s, e) in enumerate(DURATION_PAIRS)])
    sql = get_dialect("duckdb").duration(interval, "p.s", "p.e")
    got = [r[0] for r in con.sql(f"SELECT {sql} FROM p ORDER BY id").fetchall()]
    assert got == [expected_duration(interval, s, e) for s, e in DURATION_PAIRS]


def test_duckdb_duration_with_date_datatype() -> None:
    sql = get_dialect("duckdb").duration("day", "DATE '2024-02-27'", "DATE '2024-03-02'", datatype="date")
    assert duckdb.execute(f"SELECT {sql}").fetchall() == [(4,)]


# -- errors ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda d: d.timeframe("fortnight", "x"), "fortnight"),
        (lambda d: d.timeframe("hour5", "x"), "hour5"),
        (lambda d: d.timeframe("minute7", "x"), "minute7"),
        (lambda d: d.timeframe("date", "x", query_timezone="Mars/Olympus"), "Mars/Olympus"),
        (lambda d: d.timeframe("week", "x", week_start_day="funday"), "funday"),
        (lambda d: d.timeframe("date", "x", datatype="julian"), "julian"),
        (lambda d: d.duration("fortnight", "a", "b"), "fortnight"),
    ],
)
@pytest.mark.parametrize("dialect", ["duckdb", "bigquery", "snowflake", "redshift", "postgres", "mysql"])
def test_bad_arguments_raise_compile_error(dialect: str, call: Callable[[Any], str], needle: str) -> None:
    with pytest.raises(CompileError, match=needle):
        call(get_dialect(dialect))


# -- 2. other dialects, transpiled to DuckDB ---------------------------------------------------------

OTHER_DIALECTS = ["bigquery", "snowflake", "redshift", "postgres", "mysql"]

_STEPS = {f"hour{n}" for n in HOUR_STEPS} | {f"minute{n}" for n in MINUTE_STEPS}
#: Snowflake timeframes rendered with TO_CHAR(x, format): sqlglot raises UnsupportedError
#: (``week`` is Looker's TO_CHAR(TO_DATE(…)), typed, which sqlglot translates).
_SNOWFLAKE_TO_CHAR = {
    "time",
    "second",
    "time_of_day",
    "month",
    "quarter",
    "hour",
    "minute",
    "millisecond",
    "microsecond",
    "month_name",
    "fiscal_quarter",
    *_STEPS,
}
#: BigQuery timeframes that take the query zone as a function argument and that sqlglot
#: transpiles without it (FORMAT_TIMESTAMP(f, x, tz), TIMESTAMP_TRUNC(x, u, tz),
#: EXTRACT(p FROM x AT TIME ZONE tz) lose the zone when written for DuckDB).
_BIGQUERY_ZONE_ARGUMENT = set(ALL_TIMEFRAMES) - {"raw", "date"}


def transpile_gap(dialect: str, tf: str, zoned: bool) -> str | None:
    """Why sqlglot cannot run this (correct) fragment on DuckDB, or None if it can.

    Each entry was checked by hand: the SQL is right for the source dialect (its documented
    function semantics); the DuckDB SQL that sqlglot writes is wrong or raises.
    """
    if dialect == "snowflake" and tf in _SNOWFLAKE_TO_CHAR and not zoned:
        # With CONVERT_TIMEZONE around the column sqlglot knows the type and does translate.
        return "sqlglot raises UnsupportedError for Snowflake TO_CHAR(<untyped column>, format) → DuckDB"
    if dialect in ("postgres", "redshift") and tf in ("day_of_week", "month_name"):
        return "sqlglot mistranslates TO_CHAR's FM prefix ('FMDay' → 'FM%uay', 'FMMonth' → 'F%month')"
    if dialect in ("postgres", "redshift") and tf == "millisecond":
        return "sqlglot leaves TO_CHAR's 'MS' (milliseconds) untranslated"
    if dialect == "bigquery" and tf == "day_of_week_index":
        return "sqlglot keeps EXTRACT(DAYOFWEEK): BigQuery counts 1 = Sunday, DuckDB 0 = Sunday"
    if dialect == "bigquery" and tf == "millisecond":
        return "sqlglot leaves BigQuery's %E3S untranslated; DuckDB strftime rejects it"
    if dialect == "bigquery" and tf == "week_of_year":
        return "sqlglot keeps EXTRACT(ISOWEEK ...), which DuckDB does not know"
    if dialect == "bigquery" and zoned and tf in _BIGQUERY_ZONE_ARGUMENT:
        return "sqlglot drops BigQuery's time-zone argument (FORMAT_TIMESTAMP/TIMESTAMP_TRUNC/AT TIME ZONE)"
    if dialect == "mysql" and tf in ("day_of_week_index", "week"):
        return "sqlglot keeps WEEKDAY()/DAYOFWEEK(): MySQL counts 0 = Monday / 1 = Sunday, DuckDB 0 = Sunday"
    if dialect == "mysql" and tf == "week_of_year":
        return "sqlglot keeps MySQL WEEK(x, 3); DuckDB's WEEK takes no mode"
    return None


def _gap(dialect: str, tf: str, setting: tuple[str, bool, str, int]) -> str | None:
    return transpile_gap(dialect, tf, setting[1] and setting[0] != "UTC")


def to_duckdb(sql: str, dialect: str) -> str:
    """Transpile one expression, refusing constructs sqlglot knows it cannot translate."""
    return sqlglot.transpile(sql, read=dialect, write="duckdb", unsupported_level=sqlglot.ErrorLevel.RAISE)[0]


def normalise(value: object) -> object:
    """Snowflake's date is a 'YYYY-MM-DD' string (Looker's output, verified §4)."""
    return value.isoformat() if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else value


def _cases() -> Iterator[Any]:
    for dialect in OTHER_DIALECTS:
        for setting in SETTINGS[:3]:
            for tf in ALL_TIMEFRAMES:
                reason = _gap(dialect, tf, setting)
                # The zone-dropping gap can give right answers by coincidence (e.g. fiscal_year
                # for these rows), so it is not strict; every other gap must keep failing.
                strict = not (reason or "").startswith("sqlglot drops")
                marks = [pytest.mark.xfail(reason=reason, strict=strict)] if reason else []
                yield pytest.param(dialect, tf, setting, marks=marks, id=f"{dialect}-{tf}-{setting[0]}-{setting[1]}")


@pytest.mark.parametrize(("dialect", "tf", "setting"), list(_cases()))
def test_other_dialect_timeframe_transpiled_to_duckdb(
    con: duckdb.DuckDBPyConnection, dialect: str, tf: str, setting: tuple[str, bool, str, int]
) -> None:
    sql = render(dialect, tf, "t.ts", setting)
    sqlglot.parse_one(sql, read=dialect)  # must parse in its own dialect
    got = column(con, to_duckdb(sql, dialect))
    assert [normalise(v) for v in got] == [normalise(v) for v in expected_column(tf, setting, STAMPS)]


#: The column of ``t`` holding STAMPS in each datatype, and the values a timeframe sees there.
DATATYPE_COLUMNS = {"epoch": "t.ep", "date": "t.d", "yyyymmdd": "t.ymd", "datetime": "t.ts"}


def _datatype_stamps(datatype: str) -> list[dt.datetime | None]:
    if datatype == "epoch":
        return [None if v is None else v.replace(microsecond=0) for v in STAMPS]
    return _stamps_as_dates() if datatype in ("date", "yyyymmdd") else STAMPS


def datatype_transpile_gap(dialect: str, datatype: str, tf: str) -> str | None:
    """Why sqlglot cannot run this fragment of a non-timestamp column on DuckDB, or None.

    The SQL is valid in its dialect; the DuckDB SQL sqlglot writes raises.
    """
    if dialect == "mysql" and datatype == "yyyymmdd" and tf != "week":
        return "sqlglot turns MySQL STR_TO_DATE(<integer>, f) into DuckDB STRPTIME(<integer>, f), which DuckDB rejects"
    if dialect == "snowflake" and datatype == "epoch" and tf not in _SNOWFLAKE_TO_CHAR:
        return "sqlglot keeps Snowflake TO_TIMESTAMP_NTZ(<epoch>), which DuckDB does not know"
    if dialect == "bigquery" and (datatype, tf) in _BIGQUERY_TIMESTAMPTZ_EXTRACT:
        return "sqlglot refuses EXTRACT from BigQuery's CAST(... AS TIMESTAMP) (a TIMESTAMPTZ in DuckDB)"
    if dialect == "snowflake" and datatype in ("date", "yyyymmdd") and tf in _SNOWFLAKE_TO_CHAR:
        return None  # the date conversion types the column, and sqlglot then translates TO_CHAR
    return transpile_gap(dialect, tf, zoned=False)


_BIGQUERY_TIMESTAMPTZ_EXTRACT = {
    ("datetime", "fiscal_quarter"),
    *(
        ("date", tf)
        for tf in ALL_TIMEFRAMES
        if tf in _STEPS
        or tf in ("year", "day_of_month", "day_of_year", "hour_of_day", "month_num", "quarter_of_year")
        or tf.startswith("fiscal_")
    ),
}


def _datatype_cases(*, gaps: bool) -> Iterator[Any]:
    for dialect in OTHER_DIALECTS:
        for datatype in DATATYPE_COLUMNS:
            for tf in ALL_TIMEFRAMES:
                reason = datatype_transpile_gap(dialect, datatype, tf)
                if (reason is not None) == gaps:
                    yield pytest.param(dialect, datatype, tf, id=f"{dialect}-{datatype}-{tf}")


@pytest.mark.parametrize(("dialect", "datatype", "tf"), list(_datatype_cases(gaps=False)))
def test_other_dialect_datatypes_transpiled_to_duckdb(
    con: duckdb.DuckDBPyConnection, dialect: str, datatype: str, tf: str
) -> None:
    setting = SETTINGS[0]
    sql = render(dialect, tf, DATATYPE_COLUMNS[datatype], setting, datatype=datatype)
    got = column(con, to_duckdb(sql, dialect))
    if tf == "raw":  # BigQuery's TIMESTAMP() becomes a TIMESTAMPTZ in DuckDB: same instant
        got = [v.replace(tzinfo=None) if isinstance(v, dt.datetime) else v for v in got]
    expected = expected_column(tf, setting, _datatype_stamps(datatype))
    if tf == "raw" and datatype == "date":  # a date group's raw value is the date column itself
        expected = [v.date() if isinstance(v, dt.datetime) else v for v in expected]
    assert [normalise(v) for v in got] == [normalise(v) for v in expected]


@pytest.mark.parametrize(("dialect", "datatype", "tf"), list(_datatype_cases(gaps=True)))
def test_other_dialect_datatype_transpile_gaps_still_fail(
    con: duckdb.DuckDBPyConnection, dialect: str, datatype: str, tf: str
) -> None:
    """Each listed gap must keep failing on DuckDB (raise, or give other values): when sqlglot
    learns the construct, the case moves to the test above. The fragment parses in its dialect."""
    sql = render(dialect, tf, DATATYPE_COLUMNS[datatype], SETTINGS[0], datatype=datatype)
    sqlglot.parse_one(sql, read=dialect)
    try:
        got = column(con, to_duckdb(sql, dialect))
    except (sqlglot.errors.SqlglotError, duckdb.Error):
        return
    expected = expected_column(tf, SETTINGS[0], _datatype_stamps(datatype))
    assert [normalise(v) for v in got] != [normalise(v) for v in expected]


@pytest.mark.parametrize("dialect", OTHER_DIALECTS)
@pytest.mark.parametrize("interval", [*SECONDS, *MONTHS])
def test_other_dialect_duration_transpiled_to_duckdb(dialect: str, interval: str) -> None:
    sql = get_dialect(dialect).duration(interval, "p.s", "p.e")
    sqlglot.parse_one(sql, read=dialect)
    con = duckdb.connect()
    con.execute("CREATE TABLE p (id INTEGER, s TIMESTAMP, e TIMESTAMP)")
    con.executemany("INSERT INTO p VALUES (?, ?, ?)", [(i, s, e) for i, (s, e) in enumerate(DURATION_PAIRS)])
    got = [r[0] for r in con.sql(f"SELECT {to_duckdb(sql, dialect)} FROM p ORDER BY id").fetchall()]
    assert got == [expected_duration(interval, s, e) for s, e in DURATION_PAIRS]
