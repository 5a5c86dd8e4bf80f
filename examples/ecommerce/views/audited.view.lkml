include: "base_entity.view.lkml"

# Abstract base for the tables the application also updates in place: adds `updated_at`.
view: audited {
  extension: required
  extends: [base_entity]

  dimension_group: updated {
    type: time
    timeframes: [raw, time, date, month]
    sql: ${TABLE}.updated_at ;;
  }

  dimension: is_modified_after_creation {
    type: yesno
    sql: ${updated_raw} > ${created_raw} ;;
  }
}
