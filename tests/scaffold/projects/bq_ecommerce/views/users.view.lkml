view: users {
  sql_table_name: `@{gcp_project}.ecommerce.users` ;;

  dimension: id {
    primary_key: yes
    type: number
    sql: ${TABLE}.id ;;
  }

  dimension: first_name {
    type: string
    sql: ${TABLE}.first_name ;;
  }

  dimension: last_name {
    type: string
    sql: ${TABLE}.last_name ;;
  }

  dimension: full_name {
    type: string
    sql: CONCAT(${first_name}, ' ', ${last_name}) ;;
  }

  dimension: age {
    type: number
    sql: ${TABLE}.age ;;
  }

  dimension: country {
    type: string
    sql: ${TABLE}.country ;;
  }

  dimension: referrer_user_id {
    type: number
    hidden: yes
    sql: ${TABLE}.referrer_user_id ;;
  }

  dimension_group: created {
    type: time
    timeframes: [raw, date, month]
    sql: ${TABLE}.created_at ;;
  }

  measure: count {
    type: count
  }

  measure: average_age {
    type: average
    sql: ${age} ;;
  }
}
