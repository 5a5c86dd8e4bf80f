include: "base_entity.view.lkml"

# One row per physical unit received into a distribution center. A unit is sold at most once,
# so inventory_items : order_items is one_to_one.
view: inventory_items {
  extends: [base_entity]
  sql_table_name: @{schema}.inventory_items ;;

  dimension: product_id {
    type: number
    hidden: yes
    sql: ${TABLE}.product_id ;;
  }

  dimension: distribution_center_id {
    type: number
    hidden: yes
    sql: ${TABLE}.distribution_center_id ;;
  }

  dimension: cost {
    type: number
    sql: ${TABLE}.cost ;;
    value_format_name: usd
  }

  dimension_group: sold {
    type: time
    timeframes: [raw, date, week, month, year]
    sql: ${TABLE}.sold_at ;;
  }

  dimension: is_sold {
    type: yesno
    sql: ${sold_raw} IS NOT NULL ;;
  }

  # Yields days_in_stock and weeks_in_stock (NULL while unsold).
  dimension_group: in_stock {
    type: duration
    intervals: [day, week]
    sql_start: ${created_raw} ;;
    sql_end: ${sold_raw} ;;
  }

  measure: total_cost {
    type: sum
    sql: ${cost} ;;
    value_format_name: usd
  }

  measure: average_cost {
    type: average
    sql: ${cost} ;;
    value_format_name: usd
  }

  measure: sold_count {
    type: count
    filters: [is_sold: "yes"]
  }

  measure: average_days_in_stock {
    type: average
    sql: ${days_in_stock} ;;
    value_format_name: decimal_1
  }
}
