- dashboard: revenue
  title: Revenue
  layout: newspaper
  elements:
  - name: revenue_by_month
    title: Revenue by Month
    model: bq_ecommerce
    explore: orders
    type: looker_line
    fields: [orders.created_month, orders.total_amount, orders.count]
    sorts: [orders.created_month desc]
    filters:
      orders.status: "-cancelled"
    limit: 500
  - name: margin_by_category
    title: Margin by Category
    model: bq_ecommerce
    explore: order_items
    type: looker_bar
    fields: [products.category, order_items.gross_margin]
    sorts: [order_items.gross_margin desc]
