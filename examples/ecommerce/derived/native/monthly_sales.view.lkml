# Monthly sales by product category, built from the order_items explore (a native derived
# table). Cancelled orders are excluded through the explore's (refined) orders.status.
view: monthly_sales {
  derived_table: {
    explore_source: order_items {
      column: sale_month {
        field: orders.created_month
      }
      column: category {
        field: products.category
      }
      column: revenue {
        field: order_items.total_sale_price
      }
      column: items_sold {
        field: order_items.count
      }
      column: order_count {
        field: order_items.order_count
      }
      derived_column: average_item_price {
        sql: revenue / NULLIF(items_sold, 0) ;;
      }
      filters: [orders.status: "-cancelled"]
    }
    datagroup_trigger: nightly_etl
  }

  dimension: pk {
    primary_key: yes
    hidden: yes
    type: string
    sql: ${TABLE}.sale_month || '|' || ${TABLE}.category ;;
  }

  # sale_month is a 'YYYY-MM' string; turn it into a real date for the time dimensions.
  dimension_group: sale {
    type: time
    datatype: date
    timeframes: [raw, date, month, quarter, year]
    sql: CAST(${TABLE}.sale_month || '-01' AS DATE) ;;
  }

  dimension: category {
    type: string
    sql: ${TABLE}.category ;;
  }

  dimension: revenue {
    type: number
    hidden: yes
    sql: ${TABLE}.revenue ;;
  }

  dimension: items_sold {
    type: number
    sql: ${TABLE}.items_sold ;;
  }

  dimension: order_count {
    type: number
    hidden: yes
    sql: ${TABLE}.order_count ;;
  }

  dimension: average_item_price {
    type: number
    sql: ${TABLE}.average_item_price ;;
    value_format_name: usd
  }

  measure: total_revenue {
    type: sum
    sql: ${revenue} ;;
    value_format_name: usd
  }

  measure: total_items_sold {
    type: sum
    sql: ${items_sold} ;;
  }

  measure: revenue_per_item {
    type: number
    sql: ${total_revenue} / NULLIF(${total_items_sold}, 0) ;;
    value_format_name: usd
  }

  measure: best_month_revenue {
    type: max
    sql: ${revenue} ;;
    value_format_name: usd
  }
}
