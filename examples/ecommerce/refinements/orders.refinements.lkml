# Refinements of the orders view and explore, kept apart from the generated base view.
#
# Until 2023 the legacy checkout wrote statuses in Title case ('Complete'), and a bulk-import job
# still writes some in UPPER case. Normalising here fixes every filter, filtered measure and
# CASE that references ${status} (e.g. orders.completed_revenue, orders.status_group).
view: +orders {
  dimension: status {
    sql: LOWER(${TABLE}.status) ;;
  }

  dimension: is_cancelled {
    type: yesno
    sql: ${status} = 'cancelled' ;;
  }

  measure: cancelled_count {
    type: count
    filters: [is_cancelled: "yes"]
  }

  measure: cancellation_rate {
    type: number
    sql: 1.0 * ${cancelled_count} / NULLIF(${count}, 0) ;;
    value_format_name: percent_1
  }
}

# Marketing wants to see who referred the buyer. `join` is additive in refinements: this join
# is appended to the joins the model declares for the orders explore.
explore: +orders {
  join: referrer {
    from: users
    type: left_outer
    relationship: many_to_one
    sql_on: ${users.referrer_user_id} = ${referrer.id} ;;
    fields: [referrer.public_profile*]
  }
}
