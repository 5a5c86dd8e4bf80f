# Lifetime facts per customer, computed in SQL over the raw orders table.
# Cancelled orders do not count; users without a non-cancelled order have no row.
view: user_order_facts {
  derived_table: {
    sql:
      SELECT
        o.user_id,
        COUNT(*) AS lifetime_orders,
        SUM(o.order_total) AS lifetime_revenue,
        MIN(o.created_at) AS first_order_at,
        MAX(o.created_at) AS latest_order_at
      FROM ${orders.SQL_TABLE_NAME} AS o
      WHERE LOWER(o.status) <> 'cancelled'
      GROUP BY o.user_id ;;
    datagroup_trigger: nightly_etl
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

  # No style: Looker's default (classic) tier labels.
  dimension: lifetime_orders_tier {
    type: tier
    tiers: [1, 2, 3, 5, 10]
    sql: ${lifetime_orders} ;;
  }

  dimension: lifetime_revenue {
    type: number
    sql: ${TABLE}.lifetime_revenue ;;
    value_format_name: usd
  }

  dimension: is_repeat_customer {
    type: yesno
    sql: ${lifetime_orders} > 1 ;;
  }

  dimension_group: first_order {
    type: time
    timeframes: [raw, date, month, year]
    sql: ${TABLE}.first_order_at ;;
  }

  dimension_group: latest_order {
    type: time
    timeframes: [raw, date, month, year]
    sql: ${TABLE}.latest_order_at ;;
  }

  # Yields days_customer_lifetime and months_customer_lifetime.
  dimension_group: customer_lifetime {
    type: duration
    intervals: [day, month]
    sql_start: ${first_order_raw} ;;
    sql_end: ${latest_order_raw} ;;
  }

  measure: total_lifetime_revenue {
    type: sum
    sql: ${lifetime_revenue} ;;
    value_format_name: usd
  }

  measure: average_lifetime_revenue {
    type: average
    sql: ${lifetime_revenue} ;;
    value_format_name: usd
  }

  measure: average_lifetime_orders {
    type: average
    sql: ${lifetime_orders} ;;
    value_format_name: decimal_2
  }

  measure: repeat_customer_count {
    type: count
    filters: [is_repeat_customer: "yes"]
  }
}
