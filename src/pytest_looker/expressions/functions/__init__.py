"""The Lexp function library, assembled from one module per family.

Importing this package registers every implemented function in :data:`FUNCTIONS`. Names Looker
has but that cannot run here are in :data:`NOT_IN_TABLE_CALCULATIONS`; names people expect from
SQL but Lexp lacks are in :data:`NOT_IN_LEXP` with the Lexp way to do it.
"""

from __future__ import annotations

from . import aggregates, dates, logical, numeric, positional, stats, strings
from .registry import FUNCTIONS, CallSite, Function

__all__ = [
    "FUNCTIONS",
    "NOT_IN_LEXP",
    "NOT_IN_TABLE_CALCULATIONS",
    "CallSite",
    "Function",
    "aggregates",
    "dates",
    "logical",
    "numeric",
    "positional",
    "stats",
    "strings",
]

NOT_IN_TABLE_CALCULATIONS: dict[str, str] = {
    "matches_filter": (
        "matches_filter() is only allowed in custom filters and custom fields,"
        " not in table calculations or data-test asserts"
    ),
}

NOT_IN_LEXP: dict[str, str] = {
    "trim": "Looker expressions have no trim()",
    "starts_with": "use substring(s, 1, length(prefix)) = prefix or position(s, prefix) = 1",
    "ends_with": "use substring(s, length(s) - length(suffix) + 1, length(suffix)) = suffix",
    "left": "use substring(s, 1, n)",
    "right": "use substring(s, length(s) - n + 1, n)",
    "to_boolean": 'compare instead, e.g. x = "Yes"',
    "to_yesno": 'compare instead, e.g. x = "Yes"',
    "cast": "use to_number(), to_string() or to_date()",
    "ifnull": "use coalesce()",
    "nullif": "use if(a = b, null, a)",
    "iff": "use if()",
    "choose": "use case(when(...), ...)",
    "greatest": "use if(a > b, a, b)",
    "least": "use if(a < b, a, b)",
    "avg": "use mean()",
    "average": "use mean()",
    "trunc_weeks": "Looker does not document trunc_weeks(); use add_days(-…, trunc_days(d))",
    "trunc_quarters": "Looker does not document trunc_quarters()",
    "diff_weeks": "use diff_days(start, end) / 7",
    "extract_day_of_week": "Looker does not document extract_day_of_week()",
}
