view: order_items {
  sql_table_name: order_items ;;
  dimension: id {
    primary_key: yes
    type: number
  }
  dimension: order_id {
    type: number
  }
  dimension: user_id {
    type: number
  }
  dimension: sale_price {
    type: number
  }
  measure: count {
    type: count
  }
}

view: users {
  sql_table_name: users ;;
  dimension: id {
    primary_key: yes
    type: number
  }
  dimension: age {
    type: number
  }
  dimension_group: created {
    type: time
    timeframes: [raw, date, week, month]
    sql: ${TABLE}.created_at ;;
  }
  measure: count {
    type: count
  }
  measure: total_age {
    type: sum
    sql: ${age} ;;
  }
  measure: average_age {
    type: average
    sql: ${age} ;;
  }
}

view: events {
  derived_table: {
    sql: SELECT * FROM raw_events
         WHERE {% condition kind_filter %} kind {% endcondition %}
           AND ts >= {% date_start date_filter %} ;;
  }
  filter: kind_filter {
    type: string
  }
  filter: date_filter {
    type: date
  }
  dimension: id {
    primary_key: yes
    type: number
  }
  dimension: kind {}
  dimension: event_date {
    type: date
    sql: CAST(${TABLE}.ts AS DATE) ;;
  }
  dimension: kind_label {
    sql: {% if events.kind._is_selected %} UPPER(${TABLE}.kind) {% else %} 'hidden' {% endif %} ;;
  }
  measure: count {
    type: count
  }
}

view: event_days {
  sql_table_name: event_days ;;
  dimension: day {
    primary_key: yes
    type: date
  }
  dimension: is_holiday {
    type: yesno
  }
}
