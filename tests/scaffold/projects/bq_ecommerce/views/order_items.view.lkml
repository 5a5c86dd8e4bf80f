view: order_items {
  sql_table_name: `@{gcp_project}.ecommerce.order_items` ;;

  dimension: id {
    primary_key: yes
    type: number
    sql: ${TABLE}.id ;;
  }

  dimension: order_id {
    type: number
    hidden: yes
    sql: ${TABLE}.order_id ;;
  }

  dimension: product_id {
    type: number
    hidden: yes
    sql: ${TABLE}.product_id ;;
  }

  dimension: sale_price {
    type: number
    sql: ${TABLE}.sale_price ;;
  }

  dimension_group: returned {
    type: time
    timeframes: [raw, date, month]
    sql: ${TABLE}.returned_at ;;
  }

  dimension: is_returned {
    type: yesno
    sql: ${returned_raw} IS NOT NULL ;;
  }

  measure: count {
    type: count
  }

  measure: total_sale_price {
    type: sum
    sql: ${sale_price} ;;
  }

  measure: gross_margin {
    type: sum
    sql: ${sale_price} - ${products.cost} ;;
  }
}
