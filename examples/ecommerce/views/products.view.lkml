include: "audited.view.lkml"

view: products {
  extends: [audited]
  sql_table_name: @{schema}.products ;;

  dimension: name {
    type: string
    sql: ${TABLE}.name ;;
  }

  dimension: brand {
    type: string
    sql: ${TABLE}.brand ;;
  }

  dimension: category {
    type: string
    sql: ${TABLE}.category ;;
  }

  dimension: department {
    type: string
    sql: ${TABLE}.department ;;
  }

  dimension: sku {
    type: string
    sql: ${TABLE}.sku ;;
  }

  dimension: distribution_center_id {
    type: number
    hidden: yes
    sql: ${TABLE}.distribution_center_id ;;
  }

  dimension: retail_price {
    type: number
    sql: ${TABLE}.retail_price ;;
    value_format_name: usd
  }

  dimension: cost {
    type: number
    sql: ${TABLE}.cost ;;
    value_format_name: usd
  }

  dimension: price_band {
    type: case
    case: {
      when: {
        sql: ${retail_price} < 25 ;;
        label: "Budget"
      }
      when: {
        sql: ${retail_price} < 100 ;;
        label: "Core"
      }
      else: "Premium"
    }
  }

  dimension: is_private_label {
    type: yesno
    sql: ${brand} IS NULL ;;
  }

  measure: brand_count {
    type: count_distinct
    sql: ${brand} ;;
  }

  measure: average_retail_price {
    type: average
    sql: ${retail_price} ;;
    value_format_name: usd
  }

  measure: min_retail_price {
    type: min
    sql: ${retail_price} ;;
    value_format_name: usd
  }

  measure: max_retail_price {
    type: max
    sql: ${retail_price} ;;
    value_format_name: usd
  }
}
