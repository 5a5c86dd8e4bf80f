"""LookML problems the loader reports are pytest items: a broken project is never a green run."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import SHOP_CUSTOMERS, Run, Shop
from pytest_looker.cli import main

UNCLOSED = """
view: oops {
  dimension: x {
    sql: 1 ;;
"""

#: A view that is included but refers to a field that does not exist, and a needless warning.
BAD_REFERENCE = """
view: refunds {
  sql_table_name: shop.refunds ;;

  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }

  dimension: order_amount {
    sql: ${orders.amout} ;;
  }
}
"""


def test_a_syntax_error_in_a_view_file_fails_the_run_at_its_file_and_line(shop: Shop, run: Run) -> None:
    shop(files={"views/oops.view.lkml": UNCLOSED})
    result = run("-v")
    result.assert_outcomes(passed=3, failed=1)
    out = result.stdout.str()
    assert "views/oops.view.lkml::lookml FAILED" in out
    assert "[lookml] views/oops.view.lkml" in out
    assert "views/oops.view.lkml:2: syntax error" in out  # the block left open
    assert "Traceback" not in out
    result.stdout.fnmatch_lines(["lookml *1 failed"])


def test_a_missing_local_dependency_fails_at_the_manifest(shop: Shop, run: Run) -> None:
    manifest = 'project_name: "shop"\nlocal_dependency: {\n  project: "shared_views"\n}\n'
    shop(files={"manifest.lkml": manifest})
    result = run()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    out = result.stdout.str()
    assert "FAILED manifest.lkml::lookml" in out
    assert "manifest.lkml:2: local_dependency 'shared_views' not found" in out


def test_an_unknown_reference_fails_where_it_is_written_and_inspect_agrees(shop: Shop, run: Run) -> None:
    root = shop(files={"views/refunds.view.lkml": BAD_REFERENCE})
    result = run("views")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "views/refunds.view.lkml:9: refunds.order_amount: unknown field orders.amout" in out
    inspect = CliRunner().invoke(main, ["inspect", "--project", str(root)])
    assert inspect.exit_code == 1
    assert "views/refunds.view.lkml:9: error: refunds.order_amount: unknown field orders.amout" in inspect.output


def test_warnings_pass_but_are_shown_and_can_be_made_errors(shop: Shop, run: Run) -> None:
    # A many_to_one join can fan out a view with a sum but no primary key: a LookML warning.
    no_key = "view: extra {\n  sql_table_name: shop.extra ;;\n  measure: total {\n    type: sum\n    sql: 1 ;;\n  }\n}"
    model = (
        'connection: "db"\ninclude: "/views/*.view.lkml"\nexplore: orders {\n'
        "  join: extra {\n    relationship: many_to_one\n    sql_on: 1 = 1 ;;\n  }\n}\n"
    )
    shop(files={"views/extra.view.lkml": no_key, "shop.model.lkml": model})
    result = run("shop.model.lkml", "-k", "lookml")
    result.assert_outcomes(passed=1, warnings=1)
    assert "LookMLWarning" in result.stdout.str() and "cannot use symmetric aggregates" in result.stdout.str()
    strict = run("shop.model.lkml", "-k", "lookml", "-W", "error::pytest_looker.testing.items.LookMLWarning")
    strict.assert_outcomes(failed=1)


def test_each_warning_of_a_file_is_shown_at_its_own_line(shop: Shop, run: Run) -> None:
    # Two explores fan out a view without a primary key: two warnings, at lines 3 and 8 of one file.
    no_key = "view: extra {\n  sql_table_name: shop.extra ;;\n  measure: total {\n    type: sum\n    sql: 1 ;;\n  }\n}"
    model = (
        'connection: "db"\ninclude: "/views/*.view.lkml"\nexplore: orders {\n'
        "  join: extra {\n    relationship: many_to_one\n    sql_on: 1 = 1 ;;\n  }\n}\n"
        "explore: customers {\n  from: orders\n  join: extra {\n    relationship: many_to_one\n"
        "    sql_on: 2 = 2 ;;\n  }\n}\n"
    )
    shop(files={"views/extra.view.lkml": no_key, "shop.model.lkml": model})
    result = run("shop.model.lkml", "-k", "lookml")
    result.assert_outcomes(passed=1, warnings=2)
    out = result.stdout.str()
    first = next(line for line in out.splitlines() if "explore 'orders'" in line and "LookMLWarning" in line)
    second = next(line for line in out.splitlines() if "explore 'customers'" in line and "LookMLWarning" in line)
    assert "shop.model.lkml:4: LookMLWarning" in first, first
    assert "shop.model.lkml:11: LookMLWarning" in second, second
    assert out.count("shop.model.lkml: shop.model.lkml") == 0  # the message does not repeat where it is


def test_lookml_items_are_kept_by_changed_since_and_stay_red(shop: Shop, run: Run) -> None:
    import subprocess

    root = shop(files={"views/oops.view.lkml": UNCLOSED})
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "x"]):
        subprocess.run(
            ["git", "-c", "user.email=t@e.com", "-c", "user.name=t", "-c", "commit.gpgsign=false", *command],
            cwd=root, check=True, capture_output=True,
        )  # fmt: skip
    result = run("--looker-changed-since", "HEAD")
    result.assert_outcomes(failed=1)
    assert "FAILED views/oops.view.lkml::lookml" in result.stdout.str()


ALWAYS_FILTER_TYPO = """
connection: "db"
include: "/views/*.view.lkml"

explore: orders {
  join: customers {
    relationship: many_to_one
    sql_on: ${orders.customer_id} = ${customers.id} ;;
  }
  always_filter: {
    filters: [orders.stauts: "complete"]
  }
}
"""

#: ``big_orders`` is an alias of ``orders_plus``, which alone has ``big``: ``${big_orders.big}``
#: resolves in the one explore that joins ``big_orders``.
ALIASED_MODEL = """
connection: "db"
include: "/views/*.view.lkml"

explore: customers {
  join: big_orders {
    from: orders_plus
    relationship: one_to_many
    sql_on: ${customers.id} = ${big_orders.customer_id} ;;
  }
}
"""

ALIASED_VIEWS = """
view: orders_plus {
  extends: [orders]
  dimension: big {
    type: yesno
    sql: ${amount} > 8 ;;
  }
}

view: customer_flags {
  extends: [customers]
}
"""

BIG_ORDER_COUNT = """
  measure: big_order_count {
    type: count_distinct
    sql: CASE WHEN ${big_orders.big} THEN ${big_orders.id} END ;;
  }
"""


def _same_line_everywhere(root: Path, run: Run, location: str, sentence: str) -> None:
    cli = CliRunner()
    inspect = cli.invoke(main, ["inspect", "--project", str(root)])
    assert f"{location}: error: {sentence}" in inspect.output, inspect.output
    sql = cli.invoke(main, ["sql", "shop/orders", "--fields", "orders.count", "--project", str(root)])
    assert sql.exit_code == 1 and f"{location}: {sentence}" in sql.output, sql.output
    for extra in (["--compile-only"], []):
        validate = cli.invoke(main, ["validate", "--project", str(root), *extra])
        # One cause, stated once, listing what it breaks at the line that holds the typo.
        assert f"[lookml] {sentence}" in validate.output, validate.output
        assert f"{location}: shop/orders every field" in validate.output, validate.output
    result = run("-rf")
    out = result.stdout.str()
    assert "FAILED shop.model.lkml::lookml" in out and f"{location}: {sentence}" in out
    assert f"{location}  *\n    every field fails: {sentence}" in out


def test_an_always_filter_typo_has_one_diagnosis_at_one_line_everywhere(shop: Shop, run: Run) -> None:
    root = shop(files={"shop.model.lkml": ALWAYS_FILTER_TYPO})
    sentence = (
        "unknown field orders.stauts (referenced by the explore's always_filter): view 'orders' has no field"
        " 'stauts' (did you mean 'status'?)"
    )
    _same_line_everywhere(root, run, "shop.model.lkml:9", sentence)


def test_a_reference_through_a_join_alias_is_valid_everywhere(shop: Shop, run: Run) -> None:
    root = shop(
        files={
            "shop.model.lkml": ALIASED_MODEL,
            "views/aliased.view.lkml": ALIASED_VIEWS,
            "views/customers.view.lkml": SHOP_CUSTOMERS.replace(
                "  measure: count {", BIG_ORDER_COUNT + "\n  measure: count {"
            ),
        }
    )
    cli = CliRunner()
    inspect = cli.invoke(main, ["inspect", "--project", str(root)])
    assert inspect.exit_code == 0 and "0 errors" in inspect.output, inspect.output
    sql = cli.invoke(main, ["query", "shop/customers", "--fields", "customers.big_order_count", "--project", str(root)])
    assert sql.exit_code == 0 and "2" in sql.output, sql.output  # orders 1 and 2 are over 8
    validate = cli.invoke(main, ["validate", "--project", str(root)])
    assert validate.exit_code == 0, validate.output
    run().assert_outcomes(passed=1)  # sql[shop/customers]


def test_a_stray_closing_brace_that_drops_fields_is_an_error(shop: Shop, run: Run) -> None:
    # lkml accepts the stray '}': the fields after it would silently leave the view.
    from helpers import SHOP_CUSTOMERS

    stray = SHOP_CUSTOMERS.replace("    sql: ${TABLE}.id ;;\n  }", "    sql: ${TABLE}.id ;;\n  }\n}", 1)
    shop(files={"views/customers.view.lkml": stray})
    result = run("views")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "views/customers.view.lkml:11: dimension 'name' is outside any view" in out
    assert "measure 'count' is outside any view" in out
