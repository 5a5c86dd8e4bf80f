-- A small e-commerce warehouse for the golden-SQL cases: orders fan out into items, users have
-- several orders, some keys and values are NULL or match nothing, and timestamps crowd the
-- edges of the cases' clock (2026-12-06 01:10 UTC): local midnights in New York, Los Angeles,
-- Madrid and Kolkata, the first of the month in UTC and in Madrid, the US DST change.
CREATE SCHEMA shop;

CREATE TABLE shop.users AS
SELECT
    i AS id,
    CASE WHEN i % 9 = 0 THEN NULL ELSE 'first' || (i % 13) END AS first_name,
    'last' || (i % 7) AS last_name,
    CASE WHEN i % 11 = 0 THEN NULL ELSE 'user' || i || '@example.com' END AS email,
    ['Berlin', 'Paris', 'Austin', NULL, 'Kyoto'][1 + i % 5] AS city,
    i % 50 AS state,
    ['US', 'FR', 'DE', NULL][1 + i % 4] AS country,
    18 + (i * 7) % 60 AS age,
    ['Search', 'Email', NULL, 'Display', 'Facebook'][1 + i % 5] AS traffic_source,
    TIMESTAMP '2026-12-06 01:10:00' - INTERVAL (i * i * 97) MINUTE AS created_at
FROM range(1, 81) AS t(i);

CREATE TABLE shop.products AS
SELECT
    i AS id,
    ['Jeans', 'Tops', 'Shoes', NULL, 'Coats'][1 + i % 5] AS category,
    ['Levi''s', 'Acme', 'Zed', 'Nord', NULL, 'Acme'][1 + i % 6] AS brand,
    ['Men', 'Women'][1 + i % 2] AS department,
    CASE WHEN i % 10 = 0 THEN NULL ELSE 5 + (i * 13) % 90 + 0.25 END AS retail_price,
    'product ' || i AS name
FROM range(1, 31) AS t(i);

CREATE TABLE shop.inventory_items AS
SELECT
    i AS id,
    CASE WHEN i % 17 = 0 THEN NULL ELSE 1 + i % 30 END AS product_id,
    CASE WHEN i % 8 = 0 THEN NULL ELSE 1 + (i * 7) % 40 + 0.5 END AS cost,
    TIMESTAMP '2026-12-06 01:10:00' - INTERVAL (i * 53) HOUR AS created_at
FROM range(1, 201) AS t(i);

-- Orders: dense near the clock, sparse years back (i*i*41 minutes), plus edge instants.
CREATE TABLE shop.orders AS
SELECT
    i AS id,
    CASE WHEN i % 10 = 0 THEN NULL WHEN i % 10 = 1 THEN 999 ELSE 1 + i % 79 END AS user_id,
    ['complete', 'Cancelled', 'Returned', 'pending', NULL, 'complete'][1 + i % 6] AS status,
    CASE WHEN i % 12 = 0 THEN NULL ELSE 10 + (i * 37) % 400 + 0.75 END AS amount,
    CASE WHEN i % 15 = 0 THEN NULL ELSE TIMESTAMP '2026-12-06 01:10:00' - INTERVAL (i * i * 41) MINUTE END
        AS created_at
FROM range(1, 301) AS t(i)
UNION ALL
SELECT 300 + row_number() OVER () AS id, 2 AS user_id, 'complete' AS status, 50.5 AS amount, edge AS created_at
FROM (VALUES
    (TIMESTAMP '2026-12-06 00:00:00'), (TIMESTAMP '2026-12-05 23:59:59'),   -- UTC midnight
    (TIMESTAMP '2026-12-05 05:00:00'), (TIMESTAMP '2026-12-05 04:59:59'),   -- New York midnight (EST)
    (TIMESTAMP '2026-12-05 08:00:00'), (TIMESTAMP '2026-12-05 07:59:59'),   -- Los Angeles midnight (PST)
    (TIMESTAMP '2026-11-30 23:00:00'), (TIMESTAMP '2026-11-30 23:30:00'),   -- Madrid: already December
    (TIMESTAMP '2026-12-01 00:00:00'), (TIMESTAMP '2026-11-30 22:59:59'),
    (TIMESTAMP '2026-12-05 18:30:00'), (TIMESTAMP '2026-12-05 18:29:59'),   -- Kolkata midnight
    (TIMESTAMP '2026-11-06 05:00:00'), (TIMESTAMP '2026-11-06 04:59:59'),   -- 30 days back in New York
    (TIMESTAMP '2026-03-08 07:00:00'), (TIMESTAMP '2026-03-08 08:00:00'),   -- US DST change
    (TIMESTAMP '2026-01-01 00:00:00'), (TIMESTAMP '2025-12-31 23:59:59'),   -- the year boundary
    (TIMESTAMP '2024-01-01 00:00:00'), (TIMESTAMP '2023-12-31 23:59:59')
) AS e(edge);

-- Items: 0 to 4 per order, some orders have none, some items point at no order.
CREATE TABLE shop.order_items AS
SELECT
    o.id * 10 + k AS id,
    CASE WHEN o.id % 37 = 0 THEN 9999 ELSE o.id END AS order_id,
    CASE WHEN (o.id + k) % 19 = 0 THEN NULL ELSE 1 + (o.id * 3 + k) % 200 END AS inventory_item_id,
    CASE WHEN (o.id * k) % 13 = 0 THEN NULL ELSE 5 + (o.id * 11 + k * 7) % 120 + 0.99 END AS sale_price,
    ['complete', 'Cancelled', 'Returned', 'shipped', NULL][1 + (o.id + k) % 5] AS status,
    o.user_id AS user_id,
    o.created_at + INTERVAL (k * 17) MINUTE AS created_at,
    CASE WHEN k = 1 THEN NULL ELSE o.created_at + INTERVAL (k) DAY END AS returned_at
FROM shop.orders AS o, range(1, 5) AS r(k)
WHERE k <= o.id % 5;
