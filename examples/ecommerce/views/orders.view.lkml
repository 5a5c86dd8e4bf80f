include: "audited.view.lkml"

# One row per checkout. `order_total` = merchandise subtotal + shipping, stored on the header,
# so summing it across a join to order_items needs symmetric aggregates.
view: orders {
  extends: [audited]
  sql_table_name: @{schema}.orders ;;

  dimension: user_id {
    type: number
    hidden: yes
    sql: ${TABLE}.user_id ;;
  }

  # Raw status as the checkout system wrote it; refinements/orders.refinements.lkml normalises it.
  dimension: status {
    type: string
    sql: ${TABLE}.status ;;
  }

  dimension: status_group {
    type: case
    case: {
      when: {
        sql: ${status} IN ('complete', 'shipped') ;;
        label: "Fulfilled"
      }
      when: {
        sql: ${status} = 'returned' ;;
        label: "Returned"
      }
      when: {
        sql: ${status} = 'cancelled' ;;
        label: "Cancelled"
      }
      else: "Open"
    }
  }

  dimension_group: shipped {
    type: time
    timeframes: [raw, time, date, week, month]
    sql: ${TABLE}.shipped_at ;;
  }

  dimension_group: delivered {
    type: time
    timeframes: [raw, date, week, month]
    sql: ${TABLE}.delivered_at ;;
  }

  dimension_group: returned {
    type: time
    timeframes: [raw, date, month]
    sql: ${TABLE}.returned_at ;;
  }

  # Yields hours_to_ship and days_to_ship.
  dimension_group: to_ship {
    type: duration
    intervals: [hour, day]
    sql_start: ${created_raw} ;;
    sql_end: ${shipped_raw} ;;
  }

  # Yields days_to_deliver and weeks_to_deliver.
  dimension_group: to_deliver {
    type: duration
    intervals: [day, week]
    sql_start: ${created_raw} ;;
    sql_end: ${delivered_raw} ;;
  }

  dimension: shipping_cost {
    type: number
    sql: ${TABLE}.shipping_cost ;;
    value_format_name: usd
  }

  dimension: order_total {
    type: number
    sql: ${TABLE}.order_total ;;
    value_format_name: usd
  }

  dimension: subtotal {
    type: number
    sql: ${order_total} - ${shipping_cost} ;;
    value_format_name: usd
  }

  dimension: qualifies_for_free_shipping {
    type: yesno
    sql: ${subtotal} >= @{free_shipping_threshold} ;;
  }

  dimension: order_total_tier {
    type: tier
    tiers: [0, 50, 100, 200, 400]
    style: relational
    sql: ${order_total} ;;
  }

  parameter: date_granularity {
    type: unquoted
    allowed_value: {
      label: "Day"
      value: "day"
    }
    allowed_value: {
      label: "Week"
      value: "week"
    }
    allowed_value: {
      label: "Month"
      value: "month"
    }
    allowed_value: {
      label: "Quarter"
      value: "quarter"
    }
    default_value: "month"
  }

  dimension: created_period {
    label_from_parameter: date_granularity
    type: date
    convert_tz: no
    sql: CAST(DATE_TRUNC('{% parameter date_granularity %}', ${created_raw}) AS DATE) ;;
  }

  measure: count {
    drill_fields: [detail*]
  }

  measure: customer_count {
    type: count_distinct
    sql: ${user_id} ;;
  }

  measure: total_amount {
    type: sum
    sql: ${order_total} ;;
    value_format_name: usd
  }

  measure: total_shipping {
    type: sum
    sql: ${shipping_cost} ;;
    value_format_name: usd
  }

  measure: average_order_total {
    type: average
    sql: ${order_total} ;;
    value_format_name: usd
  }

  measure: min_order_total {
    type: min
    sql: ${order_total} ;;
    value_format_name: usd
  }

  measure: max_order_total {
    type: max
    sql: ${order_total} ;;
    value_format_name: usd
  }

  measure: completed_order_count {
    type: count
    filters: [status: "complete"]
  }

  measure: completed_revenue {
    description: "Order totals (merchandise + shipping) of orders in status complete."
    type: sum
    sql: ${order_total} ;;
    filters: [status: "complete"]
    value_format_name: usd
  }

  measure: average_order_value {
    type: number
    sql: ${total_amount} / NULLIF(${count}, 0) ;;
    value_format_name: usd
  }

  measure: average_days_to_ship {
    type: average
    sql: ${days_to_ship} ;;
    value_format_name: decimal_1
  }

  measure: first_order_date {
    type: date
    sql: MIN(${created_raw}) ;;
  }

  set: detail {
    fields: [id, created_date, status, order_total, users.full_name]
  }
}
