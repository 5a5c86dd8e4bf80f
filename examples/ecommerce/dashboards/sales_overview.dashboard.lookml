- dashboard: sales_overview
  title: Sales Overview
  description: Revenue, orders and returns of the web shop.
  layout: newspaper
  preferred_viewer: dashboards-next

  filters:
  - name: order_status
    title: Order Status
    type: field_filter
    default_value: complete
    allow_multiple_values: true
    required: false
    model: ecommerce
    explore: orders
    field: orders.status
  - name: created_date
    title: Order Date
    type: field_filter
    default_value: '2023'
    model: ecommerce
    explore: orders
    field: orders.created_date

  elements:
  - name: total_revenue
    title: Total Revenue
    model: ecommerce
    explore: orders
    type: single_value
    fields: [orders.total_amount]
    listen:
      order_status: orders.status
      created_date: orders.created_date
    row: 0
    col: 0
    width: 8
    height: 4

  - name: average_order_value
    title: Average Order Value
    model: ecommerce
    explore: orders
    type: single_value
    fields: [orders.average_order_value, orders.count]
    listen:
      order_status: orders.status
      created_date: orders.created_date
    row: 0
    col: 8
    width: 8
    height: 4

  - name: return_rate
    title: Item Return Rate
    model: ecommerce
    explore: order_items
    type: single_value
    fields: [order_items.return_rate]
    listen:
      created_date: orders.created_date
    row: 0
    col: 16
    width: 8
    height: 4

  - name: revenue_by_month
    title: Revenue by Month
    model: ecommerce
    explore: orders
    type: looker_line
    fields: [orders.created_month, orders.total_amount, orders.count]
    sorts: [orders.created_month desc]
    limit: 500
    listen:
      order_status: orders.status
      created_date: orders.created_date
    row: 4
    col: 0
    width: 24
    height: 8

  - name: revenue_by_category
    title: Revenue by Category
    model: ecommerce
    explore: order_items
    type: looker_bar
    fields: [products.category, order_items.total_sale_price, order_items.count]
    filters:
      orders.status: "-cancelled"
    sorts: [order_items.total_sale_price desc]
    limit: 10
    listen:
      created_date: orders.created_date
    row: 12
    col: 0
    width: 12
    height: 8

  - name: customers_by_tier
    title: Customers by Lifetime Orders
    model: ecommerce
    explore: users
    type: looker_column
    fields: [user_order_facts.lifetime_orders_tier, users.count]
    filters:
      user_order_facts.lifetime_orders: NOT NULL
    sorts: [user_order_facts.lifetime_orders_tier]
    limit: 50
    row: 12
    col: 12
    width: 12
    height: 8
