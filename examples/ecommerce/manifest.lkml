project_name: "ecommerce"

# The warehouse schema that holds the shop's OLTP extract. Deployments override it
# (e.g. "ecommerce_staging"); the seed CSVs live under seeds/<schema>/.
constant: schema {
  value: "ecommerce"
  export: override_optional
}

# Orders whose merchandise subtotal reaches this amount ship for free
# (keep in sync with FREE_SHIPPING_CENTS in seeds/generate.py).
constant: free_shipping_threshold {
  value: "100"
}

constant: company_name {
  value: "Larkspur & Pine"
}
