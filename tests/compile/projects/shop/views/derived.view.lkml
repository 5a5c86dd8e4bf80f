view: user_facts {
  derived_table: {
    sql: SELECT user_id, COUNT(*) AS lifetime_orders, SUM(amount) AS lifetime_amount
         FROM ${orders.SQL_TABLE_NAME}
         GROUP BY user_id ;;
  }
  dimension: user_id {
    primary_key: yes
    type: number
  }
  dimension: lifetime_orders {
    type: number
  }
  measure: total_lifetime_orders {
    type: sum
    sql: ${lifetime_orders} ;;
  }
  measure: average_lifetime_amount {
    type: average
    sql: ${TABLE}.lifetime_amount ;;
  }
}

view: native_user_stats {
  derived_table: {
    explore_source: orders {
      column: user_id { field: orders.user_id }
      column: order_count { field: orders.count }
      column: revenue { field: orders.total_amount }
      derived_column: revenue_per_order {
        sql: revenue / NULLIF(order_count, 0) ;;
      }
      filters: [orders.status: "-cancelled"]
    }
  }
  dimension: user_id {
    primary_key: yes
    type: number
  }
  dimension: order_count {
    type: number
  }
  dimension: revenue_per_order {
    type: number
  }
  measure: total_revenue {
    type: sum
    sql: ${TABLE}.revenue ;;
  }
}

view: loops {
  sql_table_name: @{schema}.orders ;;
  dimension: a {
    sql: ${b} + 1 ;;
  }
  dimension: b {
    sql: ${c} ;;
  }
  dimension: c {
    sql: ${a} ;;
  }
  dimension: bad_ref {
    sql: ${products.category} ;;
  }
  dimension: typo_ref {
    sql: ${bb} ;;
  }
}

view: bound_stats {
  derived_table: {
    explore_source: orders {
      column: user_id { field: orders.user_id }
      column: order_count { field: orders.count }
      bind_filters: {
        from_field: orders.status
        to_field: orders.status
      }
    }
  }
  dimension: user_id {
    primary_key: yes
    type: number
  }
  dimension: order_count {
    type: number
  }
}

view: stacked {
  derived_table: {
    sql: SELECT user_id, lifetime_orders * 10 AS score FROM ${user_facts.SQL_TABLE_NAME} ;;
  }
  dimension: user_id {
    primary_key: yes
    type: number
  }
  measure: total_score {
    type: sum
    sql: ${TABLE}.score ;;
  }
}

view: dt_a {
  derived_table: {
    sql: SELECT * FROM ${dt_b.SQL_TABLE_NAME} ;;
  }
  dimension: x {}
}

view: dt_b {
  derived_table: {
    sql: SELECT * FROM ${dt_a.SQL_TABLE_NAME} ;;
  }
  dimension: x {}
}

view: all_bound_stats {
  derived_table: {
    explore_source: orders {
      column: user_id { field: orders.user_id }
      column: order_count { field: orders.count }
      bind_all_filters: yes
    }
  }
  dimension: user_id {
    primary_key: yes
    type: number
  }
  dimension: order_count {
    type: number
  }
}
