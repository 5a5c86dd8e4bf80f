CREATE TABLE users (id INTEGER, name VARCHAR, age INTEGER, country VARCHAR);
INSERT INTO users VALUES (1, 'Ann', 30, 'US'), (2, 'Bob', 40, 'FR'), (3, 'Cy', NULL, 'US'), (4, 'Dee', 25, 'FR');
CREATE TABLE orders (id INTEGER, user_id INTEGER, status VARCHAR, amount DOUBLE, created_at TIMESTAMP);
INSERT INTO orders VALUES
  (1, 1, 'Complete', 120.0, TIMESTAMP '2024-01-15 10:00:00'),
  (2, 1, 'cancelled', 30.5, TIMESTAMP '2024-02-20 23:30:00'),
  (3, 2, 'COMPLETE', 80.25, TIMESTAMP '2024-02-03 08:00:00'),
  (4, 3, 'pending', NULL, TIMESTAMP '2023-12-31 22:00:00'),
  (5, NULL, 'complete', 200.0, TIMESTAMP '2024-06-14 09:00:00'),
  (6, 99, 'complete', -10.0, TIMESTAMP '2024-03-01 00:00:00');
CREATE TABLE order_items (id INTEGER, order_id INTEGER, product_id INTEGER, price DOUBLE);
INSERT INTO order_items VALUES
  (1, 1, 10, 50.0), (2, 1, 11, 70.0), (3, 1, 10, 0.1), (4, 2, 11, 30.5),
  (5, 3, 12, 80.25), (6, 5, 10, 100.0), (7, 5, 10, NULL);
CREATE TABLE products (id INTEGER, category VARCHAR);
INSERT INTO products VALUES (10, 'toys'), (11, 'books'), (12, 'toys');
CREATE TABLE tags (order_id INTEGER, tag VARCHAR);
INSERT INTO tags VALUES (1, 'a'), (1, 'b'), (2, 'a'), (3, 'c'), (5, 'a'), (5, 'b'), (5, 'c');
CREATE TABLE secret_notes (order_id INTEGER, note VARCHAR);
INSERT INTO secret_notes VALUES (1, 'n1'), (3, 'n3');
