# Abstract base for every table of the OLTP extract: an integer surrogate key `id`,
# a `created_at` timestamp and a row count. Never queried directly.
view: base_entity {
  extension: required

  dimension: id {
    primary_key: yes
    type: number
    sql: ${TABLE}.id ;;
  }

  dimension_group: created {
    type: time
    timeframes: [
      raw,
      time,
      date,
      week,
      month,
      quarter,
      year,
      day_of_week,
      day_of_week_index,
      hour_of_day
    ]
    sql: ${TABLE}.created_at ;;
  }

  measure: count {
    type: count
    drill_fields: [id]
  }
}
