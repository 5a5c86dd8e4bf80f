# A smaller model for the marketing team: customers and web traffic only. It sees neither
# orders nor the refinements, derived tables, tests or dashboards of ecommerce.model.lkml.
connection: "warehouse"
label: "@{company_name} Marketing"

include: "/views/users.view.lkml"
include: "/views/events.view.lkml"

explore: customers {
  from: users
  description: "Customers and their web sessions (bots excluded)."

  join: events {
    type: left_outer
    relationship: one_to_many
    sql_on: ${customers.id} = ${events.user_id} AND NOT ${events.is_bot} ;;
  }
}
