view: order_items {
  sql_table_name: @{schema}.order_items ;;

  dimension: id {
    primary_key: yes
    type: number
  }
  dimension: order_id {
    type: number
  }
  dimension: product_id {
    type: number
  }
  dimension: price {
    type: number
  }
  measure: count {
    type: count
  }
  measure: total_price {
    type: sum
    sql: ${price} ;;
  }
}

view: products {
  sql_table_name: @{schema}.products ;;
  dimension: id {
    primary_key: yes
    type: number
  }
  dimension: category {}
  measure: count {
    type: count
  }
}

view: tags {
  sql_table_name: @{schema}.tags ;;
  dimension: pk {
    primary_key: yes
    sql: ${TABLE}.order_id || '-' || ${TABLE}.tag ;;
  }
  dimension: order_id {
    type: number
  }
  dimension: tag {}
  measure: count {
    type: count
  }
}

view: secret_notes {
  sql_table_name: @{schema}.secret_notes ;;
  dimension: order_id {
    primary_key: yes
    type: number
  }
  dimension: note {}
}

view: +order_items {
  measure: order_amount_once {
    type: sum_distinct
    sql: ${orders.amount} ;;
    sql_distinct_key: ${orders.id} ;;
  }
  measure: order_average_once {
    type: average_distinct
    sql: ${orders.amount} ;;
    sql_distinct_key: ${orders.id} ;;
  }
}
