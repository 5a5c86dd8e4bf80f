include: "base_entity.view.lkml"

# One row per unit sold. Every explore that includes this view also joins `orders` and
# `products` (gross margin and the shipping roll-up reference them).
view: order_items {
  extends: [base_entity]
  sql_table_name: @{schema}.order_items ;;

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

  dimension: inventory_item_id {
    type: number
    hidden: yes
    sql: ${TABLE}.inventory_item_id ;;
  }

  dimension: sale_price {
    type: number
    sql: ${TABLE}.sale_price ;;
    value_format_name: usd
  }

  dimension: sale_price_tier {
    type: tier
    tiers: [0, 25, 50, 100, 150]
    style: interval
    sql: ${sale_price} ;;
  }

  dimension_group: returned {
    type: time
    timeframes: [raw, date, week, month]
    sql: ${TABLE}.returned_at ;;
  }

  dimension: is_returned {
    type: yesno
    sql: ${returned_raw} IS NOT NULL ;;
  }

  dimension: gross_margin {
    type: number
    sql: ${sale_price} - ${products.cost} ;;
    value_format_name: usd
  }

  parameter: metric_selector {
    type: unquoted
    allowed_value: {
      label: "Revenue"
      value: "revenue"
    }
    allowed_value: {
      label: "Gross margin"
      value: "margin"
    }
    allowed_value: {
      label: "Units"
      value: "units"
    }
    default_value: "revenue"
  }

  measure: count {
    drill_fields: [id, order_id, products.name, sale_price, created_date]
  }

  measure: total_sale_price {
    type: sum
    sql: ${sale_price} ;;
    value_format_name: usd
  }

  measure: net_revenue {
    description: "Sale price of items that were not returned."
    type: sum
    sql: ${sale_price} ;;
    filters: [is_returned: "no"]
    value_format_name: usd
  }

  measure: average_sale_price {
    type: average
    sql: ${sale_price} ;;
    value_format_name: usd
  }

  measure: max_sale_price {
    type: max
    sql: ${sale_price} ;;
    value_format_name: usd
  }

  measure: returned_count {
    type: count
    filters: [is_returned: "yes"]
  }

  measure: return_rate {
    type: number
    sql: 1.0 * ${returned_count} / NULLIF(${count}, 0) ;;
    value_format_name: percent_1
  }

  measure: order_count {
    type: count_distinct
    sql: ${order_id} ;;
  }

  measure: total_gross_margin {
    type: sum
    sql: ${gross_margin} ;;
    value_format_name: usd
  }

  # Shipping lives on the order header: sum it once per order, however many items it has.
  measure: total_order_shipping {
    type: sum_distinct
    sql: ${orders.shipping_cost} ;;
    sql_distinct_key: ${order_id} ;;
    value_format_name: usd
  }

  measure: selected_metric {
    label_from_parameter: metric_selector
    type: number
    sql:
      {% if metric_selector._parameter_value == 'margin' %}
        ${total_gross_margin}
      {% elsif metric_selector._parameter_value == 'units' %}
        ${count}
      {% else %}
        ${total_sale_price}
      {% endif %} ;;
  }
}
