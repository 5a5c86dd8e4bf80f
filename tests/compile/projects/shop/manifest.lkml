project_name: "shop"

constant: schema {
  value: "main"
}
