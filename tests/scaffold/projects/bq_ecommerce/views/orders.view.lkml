view: orders {
  sql_table_name: `@{gcp_project}.ecommerce.orders` ;;

  dimension: id {
    primary_key: yes
    type: number
    sql: ${TABLE}.id ;;
  }

  dimension: user_id {
    type: number
    hidden: yes
    sql: ${TABLE}.user_id ;;
  }

  dimension: status {
    type: string
    sql: LOWER(${TABLE}.status) ;;
  }

  dimension: is_cancelled {
    type: yesno
    sql: ${status} = 'cancelled' ;;
  }

  dimension_group: created {
    type: time
    timeframes: [raw, time, date, week, month, year]
    sql: ${TABLE}.created_at ;;
  }

  dimension_group: shipped {
    type: time
    timeframes: [raw, date]
    sql: ${TABLE}.shipped_at ;;
  }

  dimension: hours_to_ship {
    type: number
    sql: TIMESTAMP_DIFF(${shipped_raw}, ${created_raw}, HOUR) ;;
  }

  dimension: shipping_cost {
    type: number
    sql: IFNULL(${TABLE}.shipping_cost, 0) ;;
  }

  dimension: order_total {
    type: number
    sql: ${TABLE}.order_total ;;
  }

  measure: count {
    type: count
  }

  measure: total_amount {
    type: sum
    sql: ${order_total} ;;
  }

  measure: completed_revenue {
    type: sum
    sql: ${order_total} ;;
    filters: [status: "complete"]
  }

  measure: average_order_value {
    type: number
    sql: SAFE_DIVIDE(${total_amount}, ${count}) ;;
  }
}
