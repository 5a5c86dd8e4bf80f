include: "audited.view.lkml"

view: users {
  extends: [audited]
  sql_table_name: @{schema}.users ;;

  dimension: first_name {
    type: string
    sql: ${TABLE}.first_name ;;
  }

  dimension: last_name {
    type: string
    sql: ${TABLE}.last_name ;;
  }

  dimension: full_name {
    type: string
    sql: ${first_name} || ' ' || ${last_name} ;;
  }

  dimension: email {
    type: string
    sql: ${TABLE}.email ;;
    tags: ["pii"]
  }

  dimension: age {
    type: number
    sql: ${TABLE}.age ;;
  }

  dimension: age_tier {
    type: tier
    tiers: [18, 25, 35, 45, 55, 65]
    style: integer
    sql: ${age} ;;
  }

  dimension: gender {
    type: string
    sql: ${TABLE}.gender ;;
  }

  dimension: state {
    type: string
    sql: ${TABLE}.state ;;
  }

  dimension: country {
    type: string
    map_layer_name: countries
    sql: ${TABLE}.country ;;
  }

  dimension: sales_region {
    type: case
    case: {
      when: {
        sql: ${country} = 'Canada' ;;
        label: "Canada"
      }
      when: {
        sql: ${state} IN ('California', 'Oregon', 'Washington', 'Arizona', 'Colorado') ;;
        label: "US West"
      }
      when: {
        sql: ${state} IN ('Texas', 'Florida', 'Georgia') ;;
        label: "US South"
      }
      else: "US Northeast & Midwest"
    }
  }

  dimension: traffic_source {
    type: string
    sql: ${TABLE}.traffic_source ;;
  }

  dimension: referrer_user_id {
    type: number
    hidden: yes
    sql: ${TABLE}.referrer_user_id ;;
  }

  dimension: is_referred {
    type: yesno
    sql: ${referrer_user_id} IS NOT NULL ;;
  }

  measure: count {
    drill_fields: [detail*]
  }

  measure: average_age {
    type: average
    sql: ${age} ;;
    value_format_name: decimal_1
  }

  measure: referred_user_count {
    type: count
    filters: [is_referred: "yes"]
  }

  set: detail {
    fields: [id, full_name, country, state, traffic_source, created_date]
  }

  # What other explores may show about a user in another role (e.g. as a referrer).
  set: public_profile {
    fields: [id, first_name, last_name, full_name, country, traffic_source, count]
  }
}
