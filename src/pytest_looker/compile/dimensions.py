"""Dimension SQL by type: what ``${dim}`` expands to and what SELECT shows.

The two differ only where Looker's output differs: a ``yesno`` is its boolean condition when
referenced and ``CASE WHEN cond THEN 'Yes' ELSE 'No' END`` when selected; a ``tier`` selects its
label and adds a ``__sort_`` companion for non-classic styles. Timeframes and durations are
rendered by the dialect module with the model's week start and fiscal offset and the query time
zone, so every dialect's idiosyncrasies stay there.
"""

from __future__ import annotations

from pytest_looker.compile.renderer import FieldRenderer, FilterTarget
from pytest_looker.compile.sqltext import Sql, combine, wrap
from pytest_looker.errors import CompileError
from pytest_looker.lookml.model import Field

#: Timeframes whose values are points or ranges in time: filters use date grammar on ``raw``
#: and the default sort treats them as "time" (verified page §8: ``day_of_week`` is not).
DATE_LIKE_TIMEFRAMES = frozenset(
    {
        "raw",
        "time",
        "date",
        "week",
        "month",
        "quarter",
        "year",
        "hour",
        "minute",
        "second",
        "millisecond",
        "microsecond",
        "fiscal_quarter",
        "fiscal_year",
    }
)
#: Timeframes whose values are numbers (filters use number grammar on the value).
NUMERIC_TIMEFRAMES = frozenset(
    {
        "hour_of_day",
        "day_of_month",
        "day_of_year",
        "day_of_week_index",
        "month_num",
        "week_of_year",
        "fiscal_month_num",
        "fiscal_quarter_of_year",
    }
)
_DATE_TYPES = frozenset({"date", "date_time", "time"})
#: ``bin`` is Looker's synonym of ``tier`` (dimension types reference).
TIER_TYPES = frozenset({"tier", "bin"})
_NUMBER_TYPES = frozenset({"number", "distance"})


def is_date_like(target: Field) -> bool:
    """Whether the field counts as a time dimension (default sort, date filters)."""
    if target.timeframe is not None:
        return target.timeframe in DATE_LIKE_TIMEFRAMES or _is_step_timeframe(target.timeframe)
    return target.type in _DATE_TYPES


def _is_step_timeframe(timeframe: str) -> bool:
    """``hourN``, ``minuteN`` or ``millisecondN``: a slot of time, filtered as a date."""
    return any(timeframe.startswith(p) and timeframe[len(p) :].isdigit() for p in ("hour", "minute", "millisecond"))


def reference(fc: FieldRenderer, alias: str, target: Field, *, as_type: str = "ref") -> Sql:
    """What ``${target}`` expands to; ``as_type`` ``date``/``datetime`` is ``${target::date}``."""
    if target.timeframe is not None:
        if as_type in ("date", "datetime"):
            typed = _typed_timeframe(fc, alias, target, as_type)
            if typed is not None:
                return typed
        return _timeframe(fc, alias, target, target.timeframe)
    if target.interval is not None:
        return _duration(fc, alias, target, target.interval)
    if target.type in TIER_TYPES:
        label, _ = _tier(fc, alias, target)
        return label
    if target.cases:
        # Looker's case docs write no type: a case: block makes the dimension a CASE whatever
        # its type (string by default).
        return _case(fc, alias, target)
    if target.type == "distance":
        return _distance(fc, alias, target)
    if target.type == "location":
        return _location(fc, alias, target)
    return fc.own_sql(alias, target)


def select(fc: FieldRenderer, alias: str, target: Field) -> Sql:
    """The SELECT expression."""
    value = fc.reference(alias, target.name, context=f"{alias}.{target.name}")
    if target.type == "yesno":
        return value.map(f"(CASE WHEN {value.text} THEN 'Yes' ELSE 'No' END)")
    return value


def tier_sort(fc: FieldRenderer, alias: str, target: Field) -> Sql | None:
    """The ``__sort_`` companion of a non-classic tier (None for classic and other types)."""
    if target.type not in TIER_TYPES or (target.style or "classic") == "classic":
        return None
    _, sort = _tier(fc, alias, target)
    return sort


def filter_target(fc: FieldRenderer, alias: str, target: Field) -> FilterTarget:
    """Date filters compare the group's raw timestamp; others the dimension's own value."""
    if target.timeframe is not None:
        if is_date_like(target):
            raw = _timeframe(fc, alias, target, "raw")
            return FilterTarget(
                raw,
                "date",
                column_is_date=(target.datatype or "").lower() in ("date", "yyyymmdd"),
                convert_tz=target.convert_tz,
            )
        value = fc.reference(alias, target.name, context=f"{alias}.{target.name}")
        kind = "number" if target.timeframe in NUMERIC_TIMEFRAMES else "string"
        return FilterTarget(value, kind)
    value = fc.reference(alias, target.name, context=f"{alias}.{target.name}")
    if target.interval is not None or target.type in _NUMBER_TYPES:
        return FilterTarget(value, "number")
    if target.type == "yesno":
        return FilterTarget(value, "yesno")
    if target.type in TIER_TYPES:
        return FilterTarget(value, "tier")
    if target.type in _DATE_TYPES or target.type.startswith("date_"):
        return FilterTarget(value, "date", column_is_date=target.type == "date")
    if target.type == "location" and target.sql_latitude and target.sql_longitude:
        lat = fc.own_sql(alias, target, target.sql_latitude)
        lon = fc.own_sql(alias, target, target.sql_longitude)
        return FilterTarget(combine("", (lat, lon)), "location", pair=(wrap(lat.text), wrap(lon.text)))
    return FilterTarget(value, "string")


# -- renderers ------------------------------------------------------------------------------------


def _shifted(fc: FieldRenderer, alias: str, target: Field, sql: str) -> tuple[str, str]:
    """The group's SQL and datatype, moved by the query's time shift (a previous period)."""
    datatype = target.datatype or "timestamp"
    shift = fc.state.shift_of(alias, target)
    if shift is None:
        return sql, datatype
    unit, count = shift
    moved = fc.dialect.shift_timestamp(fc.dialect.raw_timestamp(sql, datatype=datatype), unit, count)
    if datatype.lower() == "date":
        return fc.dialect.date_of(moved), "date"  # a date stays a date (date filters compare dates)
    return moved, "timestamp"


def _timeframe(fc: FieldRenderer, alias: str, target: Field, timeframe: str) -> Sql:
    base = fc.own_sql(alias, target)
    state = fc.state
    sql, datatype = _shifted(fc, alias, target, wrap(base.text))
    text = fc.dialect.timeframe(
        timeframe,
        sql,
        datatype=datatype,
        convert_tz=target.convert_tz,
        query_timezone=state.timezone,
        database_timezone=state.database_timezone,
        week_start_day=state.week_start_day,
        fiscal_month_offset=state.fiscal_month_offset,
    )
    return base.map(str(text))


def _typed_timeframe(fc: FieldRenderer, alias: str, target: Field, as_type: str) -> Sql | None:
    """The period start of a text timeframe as a DATE/timestamp; None where the value is kept."""
    assert target.timeframe is not None
    base = fc.own_sql(alias, target)
    state = fc.state
    sql, datatype = _shifted(fc, alias, target, wrap(base.text))
    text = fc.dialect.typed_timeframe(
        target.timeframe,
        sql,
        as_type,
        datatype=datatype,
        convert_tz=target.convert_tz,
        query_timezone=state.timezone,
        database_timezone=state.database_timezone,
        week_start_day=state.week_start_day,
    )
    return None if text is None else base.map(str(text))


def _duration(fc: FieldRenderer, alias: str, target: Field, interval: str) -> Sql:
    start = fc.own_sql(alias, target, target.sql_start or "NULL")
    end = fc.own_sql(alias, target, target.sql_end or "NULL")
    text = fc.dialect.duration(interval, wrap(start.text), wrap(end.text), datatype=target.datatype or "timestamp")
    return combine(str(text), (start, end))


def _tier(fc: FieldRenderer, alias: str, target: Field) -> tuple[Sql, Sql]:
    base = fc.own_sql(alias, target)
    label, sort = fc.dialect.tier(wrap(base.text), tuple(target.tiers), target.style or "classic")
    return base.map(str(label)), base.map(str(sort))


def _case(fc: FieldRenderer, alias: str, target: Field) -> Sql:
    literal = fc.dialect.string_literal
    parts: list[Sql] = []
    whens: list[str] = []
    for when in target.cases:
        condition = fc.own_sql(alias, target, when.sql)
        parts.append(condition)
        whens.append(f"WHEN {condition.text} THEN {literal(when.label)}")
    otherwise = f" ELSE {literal(target.case_else)}" if target.case_else is not None else ""
    return combine(f"CASE {' '.join(whens)}{otherwise} END", parts)


def _location(fc: FieldRenderer, alias: str, target: Field) -> Sql:
    """``lat,lon`` as a string, the value Looker returns for a location dimension."""
    if not (target.sql_latitude and target.sql_longitude):
        return fc.own_sql(alias, target)
    lat = fc.own_sql(alias, target, target.sql_latitude)
    lon = fc.own_sql(alias, target, target.sql_longitude)
    text_type = fc.dialect.text_type
    text = f"CONCAT(CAST({wrap(lat.text)} AS {text_type}), ',', CAST({wrap(lon.text)} AS {text_type}))"
    return combine(text, (lat, lon))


#: Earth radius per ``units`` of a distance dimension (mean radius 6371.0088 km, IUGG). Looker
#: documents the units (feet, kilometers, meters, miles, nautical_miles, yards), not its constant.
_EARTH_RADIUS = {
    "kilometers": 6371.0088,
    "meters": 6371008.8,
    "miles": 6371.0088 / 1.609344,
    "feet": 6371008.8 / 0.3048,
    "yards": 6371008.8 / 0.9144,
    "nautical_miles": 6371.0088 / 1.852,
}


def _distance(fc: FieldRenderer, alias: str, target: Field) -> Sql:
    """``type: distance``: the great-circle distance between two location dimensions.

    Haversine on the locations' ``sql_latitude``/``sql_longitude`` (degrees), in ``units``
    (default kilometers); NULL when either end is NULL. Only functions every dialect has
    (``ACOS(-1)`` for pi: BigQuery has no ``PI()``).
    """
    ends = []
    for key in ("start_location_field", "end_location_field"):
        name = str(target.raw.get(key, ""))
        view_name, dot, field_name = name.rpartition(".")
        where = f"{key} of {alias}.{target.name}"
        end_alias = fc.alias_for(view_name, alias) if dot else alias
        if end_alias is None:
            fc.scope.check_alias(view_name, context=where)
            raise CompileError(f"{where}: unknown view {view_name!r}", target.location)
        location = fc.lookup(end_alias, field_name, context=where)
        if location.type != "location" or not (location.sql_latitude and location.sql_longitude):
            raise CompileError(
                f"{where}: {name!r} must be a location dimension with sql_latitude and sql_longitude",
                target.location,
            )
        ends.append(
            (
                fc.own_sql(end_alias, location, location.sql_latitude),
                fc.own_sql(end_alias, location, location.sql_longitude),
            )
        )
    units = str(target.raw.get("units", "kilometers"))
    if units not in _EARTH_RADIUS:
        raise CompileError(
            f"{alias}.{target.name}: unknown units {units!r} (known: {', '.join(sorted(_EARTH_RADIUS))})",
            target.location,
        )
    (lat1, lon1), (lat2, lon2) = ends
    rad = "(ACOS(-1) / 180)"
    half_lat = f"SIN(({wrap(lat2.text)} - {wrap(lat1.text)}) * {rad} / 2)"
    half_lon = f"SIN(({wrap(lon2.text)} - {wrap(lon1.text)}) * {rad} / 2)"
    cosines = f"COS({wrap(lat1.text)} * {rad}) * COS({wrap(lat2.text)} * {rad})"
    text = f"(2 * {_EARTH_RADIUS[units]!r} * ASIN(SQRT(POWER({half_lat}, 2) + {cosines} * POWER({half_lon}, 2))))"
    return combine(text, (lat1, lon1, lat2, lon2))
