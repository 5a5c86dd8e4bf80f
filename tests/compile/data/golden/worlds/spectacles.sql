-- The users tables of Spectacles' test project (eye_exam), as its recorded Looker queries read
-- them: BigQuery's looker-private-demo.ecomm.users and Snowflake's "PUBLIC"."USERS" (whose
-- views name EMAIL_ADDRESS or EMAIL, ID or IDS). Cities repeat and some values are NULL.
ATTACH ':memory:' AS "looker-private-demo";
CREATE SCHEMA "looker-private-demo".ecomm;
CREATE TABLE "looker-private-demo".ecomm.users AS
SELECT
    i AS id,
    ['Berlin', 'Paris', NULL, 'Austin'][1 + i % 4] AS city,
    CASE WHEN i % 6 = 0 THEN NULL ELSE 'u' || i || '@example.com' END AS email,
    'first' || (i % 5) AS first_name,
    'last' || (i % 3) AS last_name,
    i % 7 AS state
FROM range(1, 41) AS t(i);
CREATE SCHEMA "PUBLIC";
CREATE TABLE "PUBLIC"."USERS" AS
SELECT id AS "ID", id AS "IDS", city AS "CITY", email AS "EMAIL_ADDRESS", email AS "EMAIL",
       first_name AS "FIRST_NAME", last_name AS "LAST_NAME", state AS "STATE"
FROM "looker-private-demo".ecomm.users;
