-- Sample tables for the filter tests: values chosen to sit on both sides of every boundary
-- in filter-expressions.md §11 (test clock 2024-03-02 12:00:00 UTC). Each table has an `id`
-- so tests compare the *set of rows* a condition selects.
SET TimeZone = 'UTC';

CREATE TABLE strings AS
SELECT row_number() OVER () AS id, v AS x, v AS status FROM (VALUES
  ('FOO'), ('BAR'), ('BAZ'), ('FOOD'), ('foo'), ('Foo'), ('food'), ('FOOLISH'), ('buffoon'), ('fast food'),
  ('fast foo'), ('buffoo'), ('BUFFOO'), ('QUX'), ('aQUXb'), ('FUF'), ('RUF'), ('UF'), ('xRUF'), ('sub_region'),
  ('subxregion'), ('sub region'), (''), ('Null'), ('NULL'), ('null'), ('EMPTY'), ('Santa Cruz, CA'),
  ('Santa Cruz'), ('CA'), ('100%'), ('x100%y'), ('1000'), ('100'), ('100%_^ FOO'), ('100%x^ FOO'),
  ('a100%_^ FOOb'), ('Intentional^caret'), ('t-shirt "new" style'), ('-FOO'), ('t-shirt'), ('a^b'),
  ('say "hi"'), ('O''Brien'), ('hello'), ('hello '), ('  hello  '), (' hello'), ('whitespace'),
  ('my whitespace here'), ('white space'), ('West'), ('London'), ('Paris'), ('London, Paris'),
  ('sf_jsmith'), ('jsmith'), ('F'), ('FxOD'), ('FOOBAR'), ('BARFOO'), ('pizza'), ('back\slash'),
  (NULL), (NULL)
) AS t(v);

CREATE TABLE numbers AS
SELECT row_number() OVER () AS id, CAST(v AS DOUBLE) AS x FROM (VALUES
  (-1), (0), (0.5), (1), (1.5), (2), (2.5), (3), (4), (5), (5.5), (6), (7), (8), (9), (9.5), (10), (11),
  (12), (13), (19), (20), (21), (23), (29), (30), (50), (66), (80.44), (80.45), (90), (99), (100), (101),
  (499), (500), (501), (600), (700), (800), (850), (900), (901), (1999), (2000), (2001), (NULL), (NULL)
) AS t(v);

-- Every hour from Dec 2020 to Mar 2025, each hour's last second, the seconds around "now",
-- the minutes around 2024-03-01 10:30 and 12:00, and NULL.
CREATE TABLE dates AS
SELECT row_number() OVER () AS id, x FROM (
  SELECT generate_series AS x
  FROM generate_series(TIMESTAMP '2020-12-01 00:00:00', TIMESTAMP '2025-03-01 00:00:00', INTERVAL 1 HOUR)
  UNION ALL
  SELECT generate_series - INTERVAL 1 SECOND
  FROM generate_series(TIMESTAMP '2020-12-01 00:00:00', TIMESTAMP '2025-03-01 00:00:00', INTERVAL 1 HOUR)
  UNION ALL
  SELECT generate_series
  FROM generate_series(TIMESTAMP '2024-03-02 11:58:00', TIMESTAMP '2024-03-02 12:02:00', INTERVAL 1 SECOND)
  UNION ALL
  SELECT generate_series
  FROM generate_series(TIMESTAMP '2024-03-01 10:20:00', TIMESTAMP '2024-03-01 12:10:00', INTERVAL 1 MINUTE)
  UNION ALL
  SELECT NULL
);

CREATE TABLE days AS
SELECT row_number() OVER () AS id, x FROM (
  SELECT CAST(generate_series AS DATE) AS x
  FROM generate_series(TIMESTAMP '2020-12-01', TIMESTAMP '2025-03-01', INTERVAL 1 DAY)
  UNION ALL SELECT NULL
);

CREATE TABLE tiers AS
SELECT row_number() OVER () AS id, v AS t FROM (VALUES
  ('Below 10'), ('10 to 29'), ('30 to 59'), ('600 or Above'), ('Undefined'), ('10 to 29x'), ('sub_region')
) AS t(v);

CREATE TABLE yesno AS
SELECT row_number() OVER () AS id, v AS c FROM (VALUES (TRUE), (FALSE), (NULL), (TRUE), (FALSE)) AS t(v);

-- 37.5417 is ~39.5 miles north of 36.97, 37.5561 ~40.5 miles: robust to the Earth-radius choice.
CREATE TABLE locations AS
SELECT row_number() OVER () AS id, CAST(lat AS DOUBLE) AS lat, CAST(lon AS DOUBLE) AS lon FROM (VALUES
  (36.97, -122.03), (37.0, -122.03), (37.5417, -122.03), (37.5561, -122.03), (34.05, -118.24),
  (50, -100), (10, -100), (50, -60), (50, -175), (72.33, -173.14), (14.39, -61.70), (36.97, -122.04),
  (NULL, -100), (50, NULL), (NULL, NULL)
) AS t(lat, lon);

-- The spec's DIST_M: great-circle (haversine) distance in metres, mean Earth radius.
CREATE MACRO dist_m(lat1, lon1, lat2, lon2) AS
  2 * 6371008.8 * asin(least(1.0, sqrt(
    pow(sin(radians(lat1 - lat2) / 2), 2)
    + cos(radians(lat1)) * cos(radians(lat2)) * pow(sin(radians(lon1 - lon2) / 2), 2))));
