project_name: "bq_ecommerce"

constant: gcp_project {
  value: "acme-prod"
}
