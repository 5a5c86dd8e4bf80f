view: products {
  sql_table_name: `@{gcp_project}.ecommerce.products` ;;

  dimension: id {
    primary_key: yes
    type: number
    sql: ${TABLE}.id ;;
  }

  dimension: name {
    type: string
    sql: ${TABLE}.name ;;
  }

  dimension: category {
    type: string
    sql: ${TABLE}.category ;;
  }

  dimension: sku_prefix {
    type: string
    sql: SUBSTR(${TABLE}.sku, 1, 2) ;;
  }

  dimension: cost {
    type: number
    sql: ${TABLE}.cost ;;
  }

  measure: count {
    type: count
  }
}
