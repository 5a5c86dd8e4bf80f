connection: "thelook"
include: "*.view.lkml"

explore: order_items {
  join: users {
    relationship: many_to_one
    sql_on: ${order_items.user_id} = ${users.id} ;;
  }
}

explore: events {
  join: event_days {
    relationship: many_to_one
    sql_on: ${events.event_date} = ${event_days.day} ;;
  }
}
