include: "base_entity.view.lkml"

# Clickstream, one row per page event. user_id is NULL for anonymous sessions; bot sessions are
# flagged (is_bot) and excluded by the explores' sql_always_where.
view: events {
  extends: [base_entity]
  sql_table_name: @{schema}.events ;;

  dimension: session_id {
    type: string
    sql: ${TABLE}.session_id ;;
  }

  dimension: user_id {
    type: number
    hidden: yes
    sql: ${TABLE}.user_id ;;
  }

  dimension: sequence_number {
    type: number
    sql: ${TABLE}.sequence_number ;;
  }

  dimension: event_type {
    type: string
    sql: ${TABLE}.event_type ;;
  }

  dimension: funnel_stage {
    type: case
    case: {
      when: {
        sql: ${event_type} IN ('home', 'category') ;;
        label: "1 Browse"
      }
      when: {
        sql: ${event_type} = 'product' ;;
        label: "2 Consider"
      }
      when: {
        sql: ${event_type} IN ('cart', 'checkout') ;;
        label: "3 Intent"
      }
      when: {
        sql: ${event_type} = 'purchase' ;;
        label: "4 Purchase"
      }
    }
  }

  dimension: uri {
    type: string
    sql: ${TABLE}.uri ;;
  }

  dimension: browser {
    type: string
    sql: ${TABLE}.browser ;;
  }

  dimension: traffic_source {
    type: string
    sql: ${TABLE}.traffic_source ;;
  }

  dimension: is_bot {
    type: yesno
    sql: ${TABLE}.is_bot ;;
  }

  dimension: is_anonymous {
    type: yesno
    sql: ${user_id} IS NULL ;;
  }

  measure: session_count {
    type: count_distinct
    sql: ${session_id} ;;
  }

  measure: visitor_count {
    type: count_distinct
    sql: ${user_id} ;;
  }

  measure: purchase_count {
    type: count
    filters: [event_type: "purchase"]
  }

  measure: purchase_conversion_rate {
    type: number
    sql: 1.0 * ${purchase_count} / NULLIF(${session_count}, 0) ;;
    value_format_name: percent_1
  }
}
