connection: "warehouse"

include: "/views/*.view.lkml"

explore: orders {
  join: users {
    type: left_outer
    relationship: many_to_one
    sql_on: ${orders.user_id} = ${users.id} ;;
  }
  join: user_facts {
    relationship: one_to_one
    sql_on: ${users.id} = ${user_facts.user_id} ;;
  }
  join: order_items {
    relationship: one_to_many
    sql_on: ${orders.id} = ${order_items.order_id} ;;
  }
  join: products {
    relationship: many_to_one
    sql_on: ${order_items.product_id} = ${products.id} ;;
  }
  join: secret_notes {
    relationship: one_to_one
    sql_on: ${orders.id} = ${secret_notes.order_id} ;;
  }
  join: all_bound_stats {
    relationship: many_to_one
    sql_on: ${orders.user_id} = ${all_bound_stats.user_id} ;;
  }
}

explore: users {
  join: orders {
    relationship: one_to_many
    sql_on: ${users.id} = ${orders.user_id} ;;
  }
}

explore: tags_m2m {
  view_name: orders
  from: orders
  join: tags {
    relationship: many_to_many
    sql_on: ${orders.id} = ${tags.order_id} ;;
  }
}

explore: restricted {
  from: orders
  view_name: orders
  fields: [ALL_FIELDS*, -orders.amount, -users.age]
  join: users {
    foreign_key: orders.user_id
    fields: [id, name, count]
  }
}

explore: no_pk {
  view_name: orders
  from: orders
  join: buyers {
    from: nopk_users
    relationship: many_to_one
    sql_on: ${orders.user_id} = ${buyers.id} ;;
  }
}

explore: cyclic {
  view_name: loops
  from: loops
}

explore: guarded {
  view_name: orders
  from: orders
  sql_always_where: ${orders.amount} >= 0 ;;
  always_filter: {
    filters: [orders.status: "-cancelled"]
  }
  conditionally_filter: {
    filters: [orders.created_date: "2024"]
    unless: [orders.id, users.name]
  }
  access_filter: {
    field: users.country
    user_attribute: country
  }
  join: users {
    relationship: many_to_one
    sql_on: ${orders.user_id} = ${users.id} ;;
  }
}

explore: native_user_stats {
  join: users {
    relationship: one_to_one
    sql_on: ${native_user_stats.user_id} = ${users.id} ;;
  }
}

explore: naive {
  view_name: orders
  from: orders
  symmetric_aggregates: no
  join: order_items {
    relationship: one_to_many
    sql_on: ${orders.id} = ${order_items.order_id} ;;
  }
}

explore: forced {
  view_name: orders
  from: orders
  always_join: [secret_notes]
  join: secret_notes {
    type: inner
    relationship: one_to_one
    sql_on: ${orders.id} = ${secret_notes.order_id} ;;
  }
  join: order_items {
    relationship: one_to_many
    sql_on: ${orders.id} = ${order_items.order_id} ;;
  }
  join: item_products {
    from: products
    relationship: many_to_one
    required_joins: [order_items]
    sql_on: order_items.product_id = item_products.id ;;
  }
  join: buyers {
    from: users
    foreign_key: user_id
  }
}

explore: bound {
  view_name: orders
  from: orders
  join: bound_stats {
    relationship: many_to_one
    sql_on: ${orders.user_id} = ${bound_stats.user_id} ;;
  }
}

explore: stacked {
  sql_preamble: CREATE TEMP MACRO double_it(x) AS x * 2; ;;
}

explore: dt_a {}

explore: joins_zoo {
  view_name: orders
  from: orders
  join: raw_notes {
    from: secret_notes
    relationship: one_to_one
    sql: LEFT JOIN @{schema}.secret_notes AS raw_notes ON ${orders.id} = raw_notes.order_id ;;
  }
  join: everyone {
    from: users
    type: full_outer
    relationship: many_to_one
    sql_on: ${orders.user_id} = ${everyone.id} ;;
  }
  join: all_products {
    from: products
    type: cross
    relationship: many_to_many
  }
  join: pricey_items {
    from: order_items
    relationship: one_to_many
    sql_on: ${orders.id} = ${pricey_items.order_id} ;;
    sql_where: ${pricey_items.price} > 40 ;;
  }
}
