connection: "warehouse"
label: "@{company_name} E-commerce"

include: "/views/*.view.lkml"                         # every base view
include: "/derived/**/*.view.lkml"                    # SQL and native derived tables, any depth
include: "refinements/orders.refinements.lkml"        # relative to this file; after the views
include: "/tests/*.lkml"                              # LookML data tests
include: "/dashboards/*.dashboard.lookml"

week_start_day: monday

datagroup: nightly_etl {
  sql_trigger: SELECT MAX(updated_at) FROM @{schema}.orders ;;
  max_cache_age: "24 hours"
}

persist_with: nightly_etl

# Order headers, with their items (one_to_many: the item join fans orders out), the buyer and
# the buyer's lifetime facts (a many_to_one then one_to_one chain). Refined in
# refinements/orders.refinements.lkml (adds the `referrer` join).
explore: orders {
  view_name: orders
  description: "Checkouts with items, buyer and buyer lifetime facts."

  join: users {
    type: left_outer
    relationship: many_to_one
    sql_on: ${orders.user_id} = ${users.id} ;;
  }

  join: user_order_facts {
    type: left_outer
    relationship: one_to_one
    sql_on: ${users.id} = ${user_order_facts.user_id} ;;
  }

  join: order_items {
    type: left_outer
    relationship: one_to_many
    sql_on: ${orders.id} = ${order_items.order_id} ;;
  }

  join: products {
    type: left_outer
    relationship: many_to_one
    sql_on: ${order_items.product_id} = ${products.id} ;;
  }
}

# Item-grain sales. The base for `returns` (extends) and for the monthly_sales native derived
# table, hence view_name.
explore: order_items {
  view_name: order_items
  label: "Sales (items)"

  join: orders {
    type: left_outer
    relationship: many_to_one
    sql_on: ${order_items.order_id} = ${orders.id} ;;
  }

  join: users {
    type: left_outer
    relationship: many_to_one
    sql_on: ${orders.user_id} = ${users.id} ;;
  }

  join: products {
    type: left_outer
    relationship: many_to_one
    sql_on: ${order_items.product_id} = ${products.id} ;;
  }

  join: inventory_items {
    type: left_outer
    relationship: one_to_one
    foreign_key: order_items.inventory_item_id
  }

  join: distribution_centers {
    type: left_outer
    relationship: many_to_one
    sql_on: ${inventory_items.distribution_center_id} = ${distribution_centers.id} ;;
  }
}

# Returned items only, for the returns desk. Inherits all joins of order_items; hides e-mail.
explore: returns {
  extends: [order_items]
  label: "Returns"
  always_filter: {
    filters: [order_items.is_returned: "yes"]
  }
  fields: [ALL_FIELDS*, -users.email]
}

# Customers and what they bought. `referrer` aliases the users view a second time.
explore: users {
  join: referrer {
    from: users
    type: left_outer
    relationship: many_to_one
    sql_on: ${users.referrer_user_id} = ${referrer.id} ;;
    fields: [referrer.public_profile*]
  }

  join: user_order_facts {
    type: left_outer
    relationship: one_to_one
    sql_on: ${users.id} = ${user_order_facts.user_id} ;;
  }

  join: orders {
    type: left_outer
    relationship: one_to_many
    sql_on: ${users.id} = ${orders.user_id} ;;
  }
}

# Clickstream without bot traffic.
explore: events {
  sql_always_where: NOT ${events.is_bot} ;;

  join: users {
    type: left_outer
    relationship: many_to_one
    sql_on: ${events.user_id} = ${users.id} ;;
  }
}

explore: monthly_sales {
  label: "Monthly sales by category"
}
