"""Generate the deterministic seed data of the ``ecommerce`` example project.

Usage::

    python examples/ecommerce/seeds/generate.py [--out DIR]

Writes ``DIR/ecommerce/<table>.csv`` (``DIR`` defaults to this script's directory, so the
committed CSVs are regenerated in place). Pure standard library: one ``random.Random(SEED)``
drives every choice, all dates derive from fixed reference dates (never the clock), money is
computed in integer cents, and rows are written in a fixed order, so the output is byte-identical
on every run and every platform.

The story the data tells (and that the LookML relies on):

* A small apparel shop: users sign up from 2022-01-01, orders run from 2022-02-01 to 2024-12-31
  and grow every year; the extract was taken at ``SNAPSHOT`` (2025-01-01 00:00:00 UTC). All
  timestamps are UTC, ``YYYY-MM-DD HH:MM:SS``.
* ``orders.status`` comes from two checkout systems: orders placed before 2023 were written by
  the legacy system in Title case (``Complete``), later orders in lower case, except the ones a
  bulk-import job wrote in UPPER case. The LookML refinement normalises with ``LOWER()``.
* Every order has 1-5 items, except some cancelled orders whose basket was never persisted
  (zero items). ``order_total = sum(item sale_price) + shipping_cost``.
* Each sold item consumed exactly one inventory item (one_to_one); unsold stock has
  ``sold_at`` NULL. Items of cancelled orders went back to stock (``sold_at`` NULL too).
* Web events come in sessions; some sessions are anonymous (``user_id`` NULL) and some are bot
  traffic (``is_bot`` true), which the ``events`` explore filters out.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from pathlib import Path
from random import Random

SEED = 20240601
SCHEMA = "ecommerce"

FIRST_DAY = dt.datetime(2022, 1, 1)
FIRST_ORDER = dt.datetime(2022, 2, 1)
SNAPSHOT = dt.datetime(2025, 1, 1)  # extract time: nothing happens at or after this instant
LEGACY_CUTOVER = dt.datetime(2023, 1, 1)  # legacy checkout wrote Title-case statuses before this
CATALOG_START = dt.datetime(2021, 9, 1)
CATALOG_END = dt.datetime(2021, 12, 31)
LAST_SIGNUP = dt.datetime(2024, 9, 30)

N_USERS = 150
N_ORDERS = 500
N_PRODUCTS = 80
N_UNSOLD_STOCK = 250
N_SESSIONS = 320
FREE_SHIPPING_CENTS = 10000  # keep in sync with the `free_shipping_threshold` constant
SHIPPING_FEE_CENTS = 695

DISTRIBUTION_CENTERS = [
    # id, name, city, state, latitude, longitude
    (1, "Reno Fulfilment", "Reno", "Nevada", "39.5296", "-119.8138"),
    (2, "Columbus Hub", "Columbus", "Ohio", "39.9612", "-82.9988"),
    (3, "Atlanta South", "Atlanta", "Georgia", "33.7490", "-84.3880"),
    (4, "Dallas Crossdock", "Dallas", "Texas", "32.7767", "-96.7970"),
    (5, "Allentown East", "Allentown", "Pennsylvania", "40.6084", "-75.4902"),
    (6, "Kent Northwest", "Kent", "Washington", "47.3809", "-122.2348"),
]

# category: (code, min price, max price)
CATEGORIES = {
    "Outerwear": ("OW", 60, 220),
    "Jeans": ("JN", 40, 140),
    "Tops": ("TP", 15, 60),
    "Sweaters": ("SW", 35, 120),
    "Shoes": ("SH", 45, 180),
    "Accessories": ("AC", 10, 80),
    "Activewear": ("AW", 20, 90),
    "Socks": ("SK", 5, 20),
}
NOUNS = {
    "Outerwear": ["Parka", "Rain Shell", "Quilted Jacket", "Wool Coat", "Field Jacket"],
    "Jeans": ["Slim Jeans", "Straight Jeans", "Relaxed Jeans", "Selvedge Jeans"],
    "Tops": ["Crew Tee", "Oxford Shirt", "Henley", "Linen Shirt", "Polo"],
    "Sweaters": ["Merino Crew", "Cable Knit", "Half-Zip", "Cardigan"],
    "Shoes": ["Runner", "Chelsea Boot", "Canvas Sneaker", "Trail Shoe"],
    "Accessories": ["Beanie", "Leather Belt", "Tote Bag", "Scarf", "Cap"],
    "Activewear": ["Training Short", "Running Tight", "Track Jacket", "Sports Bra"],
    "Socks": ["Crew Socks 3-Pack", "Ankle Socks", "Hiking Socks"],
}
ADJECTIVES = ["Classic", "Everyday", "Heritage", "Lightweight", "Organic", "Recycled", "Studio", "Coastal"]
BRANDS = [
    "Alder & Co",
    "Bluewater",
    "Cinder",
    "Driftline",
    "Everpine",
    "Foxglove",
    "Granite Peak",
    "Harbor Row",
    "Ironbark",
    "Juniper Lane",
    "Kestrel",
    "Larkspur",
]

FIRST_NAMES = [
    "Ava", "Ben", "Chloe", "Daniel", "Elena", "Felix", "Grace", "Hugo", "Isla", "Jonah",
    "Keira", "Liam", "Maya", "Noah", "Olivia", "Pablo", "Quinn", "Rosa", "Samir", "Tara",
    "Uma", "Victor", "Wen", "Xavier", "Yara", "Zane", "Amara", "Bruno", "Carmen", "Dmitri",
    "Esme", "Farah", "Gil", "Hana", "Ivan", "Jade", "Kofi", "Lena", "Marco", "Nia",
]  # fmt: skip
LAST_NAMES = [
    "Abbott", "Baker", "Castillo", "Dawson", "Eriksen", "Fischer", "Garcia", "Hughes", "Ito",
    "Jensen", "Kowalski", "Lopez", "Mensah", "Nakamura", "Okafor", "Patel", "Quintero", "Reyes",
    "Schmidt", "Tanaka", "Underwood", "Vasquez", "Walsh", "Xu", "Young", "Zimmerman", "Brennan",
    "Chen", "Duarte", "Ferreira",
]  # fmt: skip
US_STATES = [
    "California", "Texas", "New York", "Florida", "Illinois", "Washington", "Oregon",
    "Georgia", "Ohio", "Colorado", "Massachusetts", "Arizona",
]  # fmt: skip
CA_PROVINCES = ["Ontario", "Quebec", "British Columbia", "Alberta"]
TRAFFIC_SOURCES = [("Search", 40), ("Organic", 20), ("Email", 15), ("Facebook", 15), ("Display", 10)]
BROWSERS = [("Chrome", 55), ("Safari", 25), ("Firefox", 10), ("Edge", 10)]
EVENT_FUNNEL = ["home", "category", "product", "cart", "checkout", "purchase"]


# Output columns per table, in CSV order.
COLUMNS = {
    "distribution_centers": ["id", "name", "city", "state", "latitude", "longitude"],
    "products": [
        "id", "name", "brand", "category", "department", "sku", "retail_price", "cost",
        "distribution_center_id", "created_at", "updated_at",
    ],
    "users": [
        "id", "first_name", "last_name", "email", "age", "gender", "state", "country",
        "traffic_source", "referrer_user_id", "created_at", "updated_at",
    ],
    "orders": [
        "id", "user_id", "status", "shipping_cost", "order_total", "created_at", "shipped_at",
        "delivered_at", "returned_at", "updated_at",
    ],
    "order_items": [
        "id", "order_id", "product_id", "inventory_item_id", "sale_price", "created_at", "returned_at",
    ],
    "inventory_items": ["id", "product_id", "distribution_center_id", "cost", "created_at", "sold_at"],
    "events": [
        "id", "session_id", "user_id", "sequence_number", "event_type", "uri", "browser",
        "traffic_source", "is_bot", "created_at",
    ],
}  # fmt: skip


# --------------------------------------------------------------------------- helpers


def weighted(rng: Random, options: list[tuple[object, int]]) -> object:
    """Pick one value from ``[(value, integer weight), ...]`` (integer arithmetic only)."""
    total = sum(weight for _, weight in options)
    ticket = rng.randrange(total)
    for value, weight in options:
        if ticket < weight:
            return value
        ticket -= weight
    raise AssertionError("unreachable")


def random_instant(rng: Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """A whole-second instant in ``[start, end)``."""
    span = int((end - start).total_seconds())
    return start + dt.timedelta(seconds=rng.randrange(span))


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def cell(value: object) -> str:
    """CSV text of a value: NULL is an empty field, timestamps ``YYYY-MM-DD HH:MM:SS``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def write_csv(path: Path, columns: list[str], records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for record in records:
            writer.writerow([cell(record[column]) for column in columns])


# --------------------------------------------------------------------------- tables


def make_products(rng: Random) -> list[dict]:
    categories = list(CATEGORIES)
    products = []
    for product_id in range(1, N_PRODUCTS + 1):
        category = categories[(product_id - 1) % len(categories)]
        code, low, high = CATEGORIES[category]
        retail_cents = rng.randint(low, high) * 100 - 1  # prices end in .99
        cost_cents = retail_cents * rng.randint(38, 62) // 100
        # A few private-label products carry no brand.
        brand = None if product_id in (17, 58) else rng.choice(BRANDS)
        name = f"{brand or 'House'} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS[category])}"
        created = random_instant(rng, CATALOG_START, CATALOG_END)
        products.append(
            {
                "id": product_id,
                "name": name,
                "brand": brand,
                "category": category,
                "department": "Women" if rng.randrange(100) < 55 else "Men",
                "sku": f"{code}-{product_id:04d}",
                "retail_price_cents": retail_cents,
                "cost_cents": cost_cents,
                "retail_price": money(retail_cents),
                "cost": money(cost_cents),
                "distribution_center_id": rng.randint(1, len(DISTRIBUTION_CENTERS)),
                "created_at": created,
                "updated_at": random_instant(rng, FIRST_DAY, SNAPSHOT),
            }
        )
    return products


def make_users(rng: Random) -> list[dict]:
    signups = sorted(random_instant(rng, FIRST_DAY, LAST_SIGNUP) for _ in range(N_USERS))
    users = []
    for user_id, created in enumerate(signups, start=1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        in_canada = rng.randrange(100) < 15
        referrer = rng.randint(1, user_id - 1) if user_id > 10 and rng.randrange(100) < 15 else None
        loyalty = weighted(rng, [(0, 15), (1, 40), (2, 25), (4, 15), (8, 5)])  # 0 = never orders
        users.append(
            {
                "id": user_id,
                "first_name": first,
                "last_name": last,
                "email": f"{first}.{last}{user_id}@example.com".lower(),
                "age": None if rng.randrange(100) < 4 else rng.randint(18, 74),
                "gender": weighted(rng, [("F", 52), ("M", 45), (None, 3)]),
                "state": rng.choice(CA_PROVINCES if in_canada else US_STATES),
                "country": "Canada" if in_canada else "USA",
                "traffic_source": weighted(rng, TRAFFIC_SOURCES),
                "referrer_user_id": referrer,
                "created_at": created,
                "updated_at": min(created + dt.timedelta(days=rng.randint(0, 400)), SNAPSHOT),
                "loyalty": loyalty,
            }
        )
    return users


def order_status(rng: Random, created: dt.datetime) -> str:
    age_days = (SNAPSHOT - created).days
    if age_days < 2:
        return weighted(rng, [("processing", 80), ("cancelled", 20)])
    if age_days < 14:
        return weighted(rng, [("shipped", 70), ("processing", 15), ("cancelled", 15)])
    return weighted(rng, [("complete", 72), ("returned", 12), ("cancelled", 16)])


def stored_status(rng: Random, status: str, created: dt.datetime) -> str:
    """The status as the checkout system of the day wrote it (mixed case)."""
    if created < LEGACY_CUTOVER:
        return status.title()
    if rng.randrange(100) < 7:
        return status.upper()
    return status


def make_orders(rng: Random, users: list[dict], products: list[dict]) -> tuple[list, list, list]:
    # Draw an instant (the shop grows every year), then a customer who had signed up by then,
    # favouring loyal customers; finally number the orders chronologically.
    drafts = []
    for _ in range(N_ORDERS):
        year = weighted(rng, [(2022, 25), (2023, 33), (2024, 42)])
        created = random_instant(rng, max(dt.datetime(year, 1, 1), FIRST_ORDER), dt.datetime(year + 1, 1, 1))
        signed_up = [user for user in users if user["created_at"] <= created]
        buyers = [(user["id"], user["loyalty"]) for user in signed_up if user["loyalty"] > 0]
        drafts.append((created, weighted(rng, buyers or [(user["id"], 1) for user in signed_up])))
    drafts.sort()

    orders, items, inventory = [], [], []
    for order_id, (created, user_id) in enumerate(drafts, start=1):
        status = order_status(rng, created)
        shipped = delivered = returned = None
        if status in ("shipped", "complete", "returned"):
            shipped = created + dt.timedelta(minutes=rng.randint(30, 72 * 60))
        if status in ("complete", "returned"):
            delivered = shipped + dt.timedelta(hours=rng.randint(20, 7 * 24))
        if status == "returned":
            returned = delivered + dt.timedelta(days=rng.randint(2, 20), minutes=rng.randint(0, 600))
        if status == "cancelled" and rng.randrange(100) < 30:
            n_items = 0  # payment failed before the basket was persisted
        else:
            n_items = weighted(rng, [(1, 30), (2, 25), (3, 20), (4, 15), (5, 10)])

        subtotal = 0
        for _ in range(n_items):
            product = rng.choice(products)
            discount = weighted(rng, [(0, 70), (10, 15), (20, 10), (30, 5)])
            sale_cents = product["retail_price_cents"] * (100 - discount) // 100
            subtotal += sale_cents
            item_returned = returned
            if status == "complete" and rng.randrange(100) < 4:  # partial return
                item_returned = delivered + dt.timedelta(days=rng.randint(3, 25), hours=rng.randint(0, 12))
            stocked = created - dt.timedelta(days=rng.randint(3, 120), seconds=rng.randrange(86400))
            inventory.append(
                {
                    "key": ("sold", len(items)),
                    "product_id": product["id"],
                    "distribution_center_id": product["distribution_center_id"],
                    "cost": product["cost"],
                    "created_at": stocked,
                    "sold_at": None if status == "cancelled" else created,
                }
            )
            items.append(
                {
                    "id": len(items) + 1,
                    "order_id": order_id,
                    "product_id": product["id"],
                    "inventory_key": ("sold", len(items)),
                    "sale_price": money(sale_cents),
                    "created_at": created,
                    "returned_at": item_returned,
                }
            )
        shipping = 0 if n_items == 0 or subtotal >= FREE_SHIPPING_CENTS else SHIPPING_FEE_CENTS
        last_change = max(t for t in (created, shipped, delivered, returned) if t is not None)
        orders.append(
            {
                "id": order_id,
                "user_id": user_id,
                "status": stored_status(rng, status, created),
                "shipping_cost": money(shipping),
                "order_total": money(subtotal + shipping),
                "created_at": created,
                "shipped_at": shipped,
                "delivered_at": delivered,
                "returned_at": returned,
                "updated_at": min(last_change + dt.timedelta(minutes=rng.randint(1, 240)), SNAPSHOT),
            }
        )

    # Stock that has not sold yet (received in the second half of 2024).
    for n in range(N_UNSOLD_STOCK):
        product = rng.choice(products)
        inventory.append(
            {
                "key": ("unsold", n),
                "product_id": product["id"],
                "distribution_center_id": product["distribution_center_id"],
                "cost": product["cost"],
                "created_at": random_instant(rng, dt.datetime(2024, 7, 1), SNAPSHOT),
                "sold_at": None,
            }
        )
    # Inventory ids follow receipt order; ties keep generation order (sort is stable).
    inventory.sort(key=lambda row: row["created_at"])
    ids = {row["key"]: inventory_id for inventory_id, row in enumerate(inventory, start=1)}
    for item in items:
        item["inventory_item_id"] = ids[item["inventory_key"]]
    for row in inventory:
        row["id"] = ids[row["key"]]
    return orders, items, inventory


def make_events(rng: Random, users: list[dict]) -> list[dict]:
    last_start = SNAPSHOT - dt.timedelta(hours=1)
    sessions = sorted(random_instant(rng, FIRST_DAY, last_start) for _ in range(N_SESSIONS))
    events = []
    for started in sessions:
        session_id = f"sess-{rng.getrandbits(48):012x}"
        is_bot = rng.randrange(100) < 5
        signed_up = [user for user in users if user["created_at"] <= started]
        user_id = None
        if not is_bot and signed_up and rng.randrange(100) < 65:
            user_id = rng.choice(signed_up)["id"]
        browser = "Other" if is_bot else weighted(rng, BROWSERS)
        source = "Bot" if is_bot else weighted(rng, TRAFFIC_SOURCES)
        steps = weighted(rng, [(1, 20), (2, 20), (3, 20), (4, 20), (5, 10), (6, 10)])
        if user_id is None:
            steps = min(steps, 5)  # anonymous visitors cannot purchase
        at = started
        for sequence in range(1, steps + 1):
            event_type = "product" if is_bot else EVENT_FUNNEL[sequence - 1]
            category = rng.choice(list(CATEGORIES)).lower()
            uri = {
                "home": "/",
                "category": f"/category/{category}",
                "product": f"/product/{rng.randint(1, N_PRODUCTS)}",
                "cart": "/cart",
                "checkout": "/checkout",
                "purchase": "/checkout/complete",
            }[event_type]
            events.append(
                {
                    "session_id": session_id,
                    "user_id": user_id,
                    "sequence_number": sequence,
                    "event_type": event_type,
                    "uri": uri,
                    "browser": browser,
                    "traffic_source": source,
                    "is_bot": is_bot,
                    "created_at": at,
                }
            )
            at += dt.timedelta(seconds=rng.randint(5, 600))
    events.sort(key=lambda event: (event["created_at"], event["session_id"], event["sequence_number"]))
    for event_id, event in enumerate(events, start=1):
        event["id"] = event_id
    return events


# --------------------------------------------------------------------------- main


def generate(out_dir: Path) -> list[Path]:
    """Write every table under ``out_dir/<schema>/``; return the written paths."""
    rng = Random(SEED)
    products = make_products(rng)
    users = make_users(rng)
    orders, items, inventory = make_orders(rng, users, products)
    events = make_events(rng, users)

    target = out_dir / SCHEMA
    tables: dict[str, list[dict]] = {
        "distribution_centers": [
            dict(zip(COLUMNS["distribution_centers"], row, strict=True)) for row in DISTRIBUTION_CENTERS
        ],
        "products": products,
        "users": users,
        "orders": orders,
        "order_items": items,
        "inventory_items": inventory,
        "events": events,
    }
    written = []
    for name, records in tables.items():
        path = target / f"{name}.csv"
        write_csv(path, COLUMNS[name], records)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent, help="output directory")
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
