view: users {
  sql_table_name: @{schema}.users ;;

  dimension: id {
    primary_key: yes
    type: number
  }
  dimension: name {}
  dimension: age {
    type: number
  }
  dimension: country {}
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

view: nopk_users {
  sql_table_name: @{schema}.users ;;
  dimension: id {
    type: number
  }
  measure: total_age {
    type: sum
    sql: ${TABLE}.age ;;
  }
}
