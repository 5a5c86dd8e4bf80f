# BigQuery SQL: backquoted three-part names (through SQL_TABLE_NAME), COUNTIF, SAFE_DIVIDE.
view: user_order_facts {
  derived_table: {
    sql:
      SELECT
        o.user_id,
        COUNT(*) AS lifetime_orders,
        COUNTIF(LOWER(o.status) = 'complete') AS completed_orders,
        SUM(o.order_total) AS lifetime_revenue,
        SAFE_DIVIDE(SUM(o.order_total), COUNT(*)) AS average_order_total,
        MIN(o.created_at) AS first_order_at,
        MAX(o.created_at) AS latest_order_at
      FROM ${orders.SQL_TABLE_NAME} AS o
      WHERE LOWER(o.status) != 'cancelled'
      GROUP BY o.user_id ;;
  }

  dimension: user_id {
    primary_key: yes
    type: number
    hidden: yes
    sql: ${TABLE}.user_id ;;
  }

  dimension: lifetime_orders {
    type: number
    sql: ${TABLE}.lifetime_orders ;;
  }

  dimension: completed_orders {
    type: number
    sql: ${TABLE}.completed_orders ;;
  }

  dimension: lifetime_revenue {
    type: number
    sql: ${TABLE}.lifetime_revenue ;;
  }

  dimension: average_order_total {
    type: number
    sql: ${TABLE}.average_order_total ;;
  }

  dimension_group: first_order {
    type: time
    timeframes: [raw, date, month]
    sql: ${TABLE}.first_order_at ;;
  }

  measure: total_lifetime_revenue {
    type: sum
    sql: ${lifetime_revenue} ;;
  }
}
