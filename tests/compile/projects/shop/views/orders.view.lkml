view: orders {
  sql_table_name: @{schema}.orders ;;

  dimension: id {
    primary_key: yes
    type: number
    sql: ${TABLE}.id ;;
  }
  dimension: user_id {
    type: number
    sql: ${TABLE}.user_id ;;
  }
  dimension: status {
    sql: ${TABLE}.status ;;
  }
  dimension: amount {
    type: number
    sql: ${TABLE}.amount ;;
  }
  dimension: is_big {
    type: yesno
    sql: ${amount} > 100 ;;
  }
  dimension: amount_tier {
    type: tier
    tiers: [0, 50, 100]
    style: integer
    sql: ${amount} ;;
  }
  dimension_group: created {
    type: time
    timeframes: [raw, time, date, week, month, quarter, year, day_of_week, hour_of_day]
    sql: ${TABLE}.created_at ;;
  }
  measure: count {
    type: count
  }
  measure: total_amount {
    type: sum
    sql: ${amount} ;;
  }
  measure: average_amount {
    type: average
    sql: ${amount} ;;
  }
  measure: completed_count {
    type: count
    filters: [status: "complete"]
  }
  measure: big_amount {
    type: sum
    sql: ${amount} ;;
    filters: [is_big: "yes"]
  }
  measure: amount_per_order {
    type: number
    sql: ${total_amount} / NULLIF(${count}, 0) ;;
  }
  measure: share_of_orders {
    type: percent_of_total
    sql: ${count} ;;
  }
  measure: running_orders {
    type: running_total
    sql: ${count} ;;
  }
}

view: +orders {
  dimension: status {
    sql: LOWER(${TABLE}.status) ;;
  }
}

view: +orders {
  filter: status_filter {
    type: string
  }
  parameter: amount_scale {
    type: number
    default_value: "1"
  }
  measure: scaled_amount {
    type: sum
    sql: ${amount} * {% parameter amount_scale %} ;;
  }
  dimension: status_matches {
    type: yesno
    sql: {% condition status_filter %} ${status} {% endcondition %} ;;
  }
}

view: +orders {
  measure: distinct_users {
    type: count_distinct
    sql: ${user_id} ;;
  }
  measure: min_amount {
    type: min
    sql: ${amount} ;;
  }
  measure: max_amount {
    type: max
    sql: ${amount} ;;
  }
  measure: median_amount {
    type: median
    sql: ${amount} ;;
  }
  measure: p90_amount {
    type: percentile
    percentile: 90
    sql: ${amount} ;;
  }
  measure: statuses {
    type: list
    list_field: status
  }
  measure: has_big_order {
    type: yesno
    sql: ${max_amount} > 100 ;;
  }
  dimension: status_group {
    type: case
    case: {
      when: {
        sql: ${status} = 'complete' ;;
        label: "Done"
      }
      when: {
        sql: ${status} = 'cancelled' ;;
        label: "Stopped"
      }
      else: "Other"
    }
  }
  dimension_group: age {
    type: duration
    intervals: [day, hour, month]
    sql_start: ${created_raw} ;;
    sql_end: TIMESTAMP '2024-06-15 00:00:00' ;;
  }
}
