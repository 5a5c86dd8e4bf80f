"""``${EXTENDED}`` in any string parameter, not only ``sql``/``sql_table_name``.

Found in looker-open-source/block-workspace-audit-logs: ``explore: usage_customer { extends:
[usage_base] sql_always_where: ${usage.record_type} = 'customer' ${EXTENDED} ;; }``, where the
parent's ``sql_always_where`` is Liquid that starts with ``AND``. It used to stay verbatim and
fail as "unknown field usage.EXTENDED".
"""

from __future__ import annotations

from helpers import ProjectFactory

MODEL = 'connection: "db"\ninclude: "/views/*.view.lkml"\n'


def test_extended_in_sql_always_where_splices_the_parents_value(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL
            + """
                explore: usage_base {
                  extension: required
                  view_name: usage
                  sql_always_where: {% if usage.day._is_filtered %} AND ${usage.day} IS NOT NULL {% endif %} ;;
                }
                explore: usage_customer {
                  extends: [usage_base]
                  sql_always_where: ${usage.record_type} = 'customer' ${EXTENDED} ;;
                }
                explore: +usage_customer {
                  label: "${EXTENDED}"
                }
            """,
            "views/usage.view.lkml": """
                view: usage {
                  label: "Usage"
                  dimension: record_type {}
                  dimension: day { type: date }
                }
                view: usage_refined {
                  extends: [usage]
                  label: "${EXTENDED} (refined)"
                }
            """,
        }
    )
    assert [str(d) for d in project.diagnostics] == []
    explore = project.explore("m", "usage_customer")
    assert explore.sql_always_where == (
        "${usage.record_type} = 'customer' {% if usage.day._is_filtered %} AND ${usage.day} IS NOT NULL {% endif %}"
    )
    # A parent without the parameter contributes nothing (as for sql).
    assert explore.label == ""
    assert project.models["m"].views["usage_refined"].label == "Usage (refined)"
