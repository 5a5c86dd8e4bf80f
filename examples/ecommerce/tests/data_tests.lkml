# LookML data tests of the ecommerce model (included by ecommerce.model.lkml).
# Expected values were computed from seeds/ecommerce/*.csv with hand-written SQL; see README.md.

# Primary key uniqueness: the most frequent order id occurs exactly once.
test: orders_id_is_unique {
  explore_source: orders {
    column: id {
      field: orders.id
    }
    column: count {
      field: orders.count
    }
    sorts: [orders.count: desc]
    limit: 1
  }
  assert: order_id_is_unique {
    expression: ${orders.count} = 1 ;;
  }
}

# Referential integrity through the explore's join: every item finds its order.
test: order_items_have_an_order {
  explore_source: order_items {
    column: order_id {
      field: orders.id
    }
    column: item_count {
      field: order_items.count
    }
  }
  assert: order_exists {
    expression: NOT is_null(${orders.id}) ;;
  }
}

# Closed period: 2023 revenue of completed orders. Selecting order_items.count joins the items
# (one_to_many), so this only holds with symmetric aggregates; and only with the status
# refinement (LOWER), since 2023 contains some 'COMPLETE' rows.
test: completed_revenue_2023_is_accurate {
  explore_source: orders {
    column: completed_revenue {
      field: orders.completed_revenue
    }
    column: completed_order_count {
      field: orders.completed_order_count
    }
    column: item_count {
      field: order_items.count
    }
    filters: [orders.created_date: "2023"]
  }
  assert: revenue_is_expected_value {
    expression: round(${orders.completed_revenue}, 2) = 23889.97 ;;
  }
  assert: completed_orders_are_expected {
    expression: ${orders.completed_order_count} = 133 ;;
  }
  assert: items_are_expected {
    expression: ${order_items.count} = 402 ;;
  }
}

# Volume sanity check: the extract holds a plausible number of orders.
test: order_volume_is_plausible {
  explore_source: orders {
    column: count {
      field: orders.count
    }
  }
  assert: order_count_in_range {
    expression: ${orders.count} >= 400 AND ${orders.count} <= 600 ;;
  }
}

# The events explore's sql_always_where removes bot traffic.
test: events_explore_excludes_bots {
  explore_source: events {
    column: is_bot {
      field: events.is_bot
    }
    column: count {
      field: events.count
    }
  }
  assert: no_bot_rows {
    expression: NOT ${events.is_bot} ;;
  }
  assert: human_event_count {
    expression: ${events.count} = 962 ;;
  }
}

# The native derived table reconciles with the item-level source for a closed year.
test: monthly_sales_2023_reconciles {
  explore_source: monthly_sales {
    column: total_revenue {
      field: monthly_sales.total_revenue
    }
    column: total_items_sold {
      field: monthly_sales.total_items_sold
    }
    filters: [monthly_sales.sale_year: "2023"]
  }
  assert: revenue_matches_items {
    expression: round(${monthly_sales.total_revenue}, 2) = 26436.54 ;;
  }
  assert: units_match_items {
    expression: ${monthly_sales.total_items_sold} = 366 ;;
  }
}
