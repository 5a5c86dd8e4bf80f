"""Generate a deterministic LookML project shaped like the largest public ones.

Usage::

    .venv/bin/python benchmarks/generate_project.py --size-mb 10 [--out DIR] [--seed 8]

Public giants reach 50 MB, 13,000 views, 120,000 dimensions, an explore with 678 joins and
derived tables full of ``{% if view.field._is_selected %}``. Benchmarks need such a project
without shipping one, so this script writes one: the same seed and size always give the same
bytes (a ``random.Random(seed)`` drives every choice, nothing reads the clock or the
environment), so figures taken on two machines describe the same input.

What it contains, per size (roughly proportional; the ``--size-mb`` budget decides how many
views are written):

* ``manifest.lkml`` with constants used in ``sql_table_name`` (``@{schema}``);
* ``views/dNN/*.view.lkml``: ordinary views (a handful of dimensions, a time dimension group,
  foreign keys, measures of every common type, filtered measures, tiers, yesno), about one in
  ten extending an ``extension: required`` base view, one in 400 *wide* (1,000-3,000 fields with
  ``set``s), one in twelve a SQL derived table with Liquid (``_is_selected``, ``_in_query``,
  ``{% condition %}``, ``_parameter_value``) reading another view's ``SQL_TABLE_NAME``;
* ``refinements/*.lkml``: ``view: +name`` refinements adding and overriding fields, and explore
  refinements adding joins;
* ``explores/*.explore.lkml``: explores with 3-30 joins, some with hundreds, one with ~650 (for
  projects of 5 MB or more), template explores (``extension: required``) and explores that
  extend them, ``fields:`` restrictions, ``always_filter`` and ``sql_always_where``;
* two models: ``main`` includes everything; ``finance`` includes every view but only the
  finance explores (a model seeing the same views is the common case the loader must not pay
  for twice);
* ``dashboards/*.dashboard.lookml``: LookML dashboards (YAML, ~15 KB each, tiles querying the
  generated explores and fields, filters that ``listen``, some ``!ruby/`` tags as Looker's
  exports have) making up ``--dashboard-share`` of all bytes. Public projects have a median of
  45% of their bytes in dashboards (7% in the largest), and they cost more to read than LookML.

``--size-mb`` is the size of the LookML; dashboards come on top of it. The project is written
under ``--out`` (default ``.benchmarks/project-<size>mb-seed<seed>-dash<share>``; ``.benchmarks``
is git-ignored). An existing directory is replaced.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

#: Fraction of the byte budget spent on views; explores and refinements take the rest.
_VIEW_SHARE = 0.91
_WIDE_EVERY = 400
_DERIVED_EVERY = 12
_EXTENDS_EVERY = 10
_BASES = 6
#: Share of all bytes in dashboards: the median over 21 public projects (``public_projects.json``).
DASHBOARD_SHARE = 0.45
_DASHBOARD_BYTES = 15_000
_WORDS = [
    "account",
    "amount",
    "balance",
    "campaign",
    "channel",
    "city",
    "country",
    "coupon",
    "currency",
    "customer",
    "device",
    "discount",
    "email",
    "event",
    "fee",
    "gross",
    "item",
    "margin",
    "market",
    "net",
    "order",
    "partner",
    "payment",
    "plan",
    "price",
    "product",
    "promo",
    "quantity",
    "rate",
    "refund",
    "region",
    "revenue",
    "segment",
    "session",
    "shipment",
    "sku",
    "source",
    "status",
    "store",
    "tax",
    "tier",
    "unit",
    "user",
    "vendor",
    "visit",
    "warehouse",
    "weight",
]
_TIMEFRAME_SETS = (
    ("raw", "time", "date", "week", "month", "quarter", "year"),
    ("raw", "date", "month", "year"),
    ("raw", "date", "week", "month"),
)


@dataclass
class ViewInfo:
    """What explores need to know about a generated view."""

    name: str
    directory: str
    derived: bool = False
    wide: bool = False
    dimensions: list[str] = field(default_factory=list)


@dataclass
class Generated:
    """Files written (relative path → text) and the views they define."""

    files: dict[str, str] = field(default_factory=dict)
    views: list[ViewInfo] = field(default_factory=list)
    #: (model, explore, base view) of every explore a dashboard tile may query.
    explores: list[tuple[str, str, ViewInfo]] = field(default_factory=list)

    def size(self) -> int:
        return sum(len(text.encode()) for text in self.files.values())


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(count))


def _dimension(rng: random.Random, view: str, name: str) -> str:
    kind = rng.random()
    description = f'    description: "The {_words(rng, rng.randint(3, 9))} of the {view} row."\n'
    label = f'    label: "{name.replace("_", " ").title()}"\n' if rng.random() < 0.5 else ""
    if kind < 0.45:
        body = f"    type: string\n    sql: ${{TABLE}}.{name} ;;\n"
    elif kind < 0.75:
        body = f"    type: number\n    sql: ${{TABLE}}.{name} ;;\n    value_format_name: decimal_2\n"
    elif kind < 0.88:
        body = f"    type: yesno\n    sql: ${{TABLE}}.{name} = 1 ;;\n"
    elif kind < 0.95:
        body = (
            f"    type: tier\n    tiers: [0, 10, 50, 100, 500]\n    style: integer\n"
            f"    sql: CAST(${{TABLE}}.{name} AS INTEGER) ;;\n"
        )
    else:
        body = (
            "    type: string\n"
            f"    sql: CASE WHEN ${{TABLE}}.{name} IS NULL THEN 'unknown' ELSE LOWER(${{TABLE}}.{name}) END ;;\n"
        )
    return f"  dimension: {name} {{\n{body}{label}{description}  }}\n"


def _measures(rng: random.Random, numbers: list[str], dims: list[str], *, count: bool = True) -> str:
    out = ["  measure: count {\n    type: count\n    drill_fields: [id]\n  }\n"] if count else []
    for index, number in enumerate(numbers[:3]):
        kind = ("sum", "average", "max")[index % 3]
        out.append(
            f"  measure: {kind}_{number} {{\n    type: {kind}\n    sql: ${{{number}}} ;;\n"
            f"    value_format_name: decimal_2\n  }}\n"
        )
    if numbers:
        out.append(
            f"  measure: {numbers[0]}_per_row {{\n    type: number\n"
            f"    sql: ${{sum_{numbers[0]}}} / NULLIF(${{count}}, 0) ;;\n  }}\n"
        )
    if dims and rng.random() < 0.6:
        out.append(
            f"  measure: count_distinct_{dims[0]} {{\n    type: count_distinct\n    sql: ${{{dims[0]}}} ;;\n  }}\n"
        )
    if dims and rng.random() < 0.4:
        out.append(f'  measure: count_known_{dims[0]} {{\n    type: count\n    filters: [id: ">0"]\n  }}\n')
    return "".join(out)


def _time_group(rng: random.Random, name: str = "created") -> str:
    frames = rng.choice(_TIMEFRAME_SETS)
    return (
        f"  dimension_group: {name} {{\n    type: time\n    timeframes: [{', '.join(frames)}]\n"
        f"    sql: ${{TABLE}}.{name}_at ;;\n  }}\n"
    )


def _foreign_keys() -> str:
    return "".join(
        f"  dimension: ref_{k}_id {{\n    type: number\n    hidden: yes\n    sql: ${{TABLE}}.ref_{k}_id ;;\n  }}\n"
        for k in range(3)
    )


def _primary_key() -> str:
    return "  dimension: id {\n    primary_key: yes\n    type: number\n    sql: ${TABLE}.id ;;\n  }\n"


def _base_views() -> str:
    out = []
    for k in range(_BASES):
        out.append(
            f"# Shared columns of entity family {k}; views extend it.\n"
            f"view: base_entity_{k} {{\n  extension: required\n"
            + _primary_key()
            + _foreign_keys()
            + "  dimension_group: created {\n    type: time\n    timeframes: [raw, date, week, month, year]\n"
            "    sql: ${TABLE}.created_at ;;\n  }\n"
            "  measure: count {\n    type: count\n  }\n}\n\n"
        )
    return "".join(out)


def _ordinary_view(rng: random.Random, info: ViewInfo, extends: int | None) -> str:
    name = info.name
    columns = [f"{rng.choice(_WORDS)}_{i}" for i in range(rng.randint(3, 9))]
    numbers = [c for c in columns if rng.random() < 0.5] or columns[:1]
    info.dimensions = ["id", *columns]
    parts = [f"# {name}: {_words(rng, 6)}.\nview: {name} {{\n"]
    parts.append(f"  sql_table_name: @{{schema}}.{name} ;;\n")
    if extends is not None:
        parts.append(f"  extends: [base_entity_{extends}]\n")
    else:
        parts.append(_primary_key() + _foreign_keys() + _time_group(rng))
    parts.append(f'  label: "{_words(rng, 2).title()}"\n')
    for column in columns:
        parts.append(_dimension(rng, name, column))
    if rng.random() < 0.15:
        parts.append(
            "  dimension_group: since_created {\n    type: duration\n    intervals: [day, week, month]\n"
            "    sql_start: ${TABLE}.created_at ;;\n    sql_end: CURRENT_TIMESTAMP ;;\n  }\n"
        )
    # A view extending a base inherits its ``count``.
    parts.append(_measures(rng, numbers, columns, count=extends is None))
    parts.append("}\n")
    return "".join(parts)


def _wide_view(rng: random.Random, info: ViewInfo) -> str:
    name = info.name
    count = rng.randint(1000, 3000)
    columns = [f"c{i:04d}_{rng.choice(_WORDS)}" for i in range(count)]
    info.dimensions = ["id", *columns]
    parts = [f"# {name}: a wide denormalised table ({count} columns).\nview: {name} {{\n"]
    parts.append(f"  sql_table_name: @{{schema}}.{name} ;;\n")
    parts.append(_primary_key() + _foreign_keys() + _time_group(rng))
    for column in columns:
        parts.append(_dimension(rng, name, column))
    numbers = columns[::50]
    for number in numbers:
        parts.append(f"  measure: total_{number} {{\n    type: sum\n    sql: ${{TABLE}}.{number} ;;\n  }}\n")
    parts.append("  measure: count {\n    type: count\n  }\n")
    for s in range(4):
        members = ", ".join(columns[s * 20 : s * 20 + 20])
        parts.append(f"  set: group_{s} {{\n    fields: [{members}]\n  }}\n")
    parts.append("}\n")
    return "".join(parts)


def _derived_view(rng: random.Random, info: ViewInfo, source: ViewInfo) -> str:
    name = info.name
    columns = [f"{rng.choice(_WORDS)}_{i}" for i in range(rng.randint(3, 7))]
    info.dimensions = ["id", *columns]
    selects = []
    for column in columns:
        if rng.random() < 0.6:
            selects.append(f"        {{% if {name}.{column}._is_selected %}}t.{column},{{% endif %}}\n")
        else:
            selects.append(f"        t.{column},\n")
    sql = (
        "      SELECT\n        t.id,\n        t.ref_0_id, t.ref_1_id, t.ref_2_id,\n"
        + "".join(selects)
        + f"        {{% if {name}.created_date._in_query or {name}.created_month._is_selected %}}"
        "t.created_at,{% else %}CAST(NULL AS TIMESTAMP) AS created_at_unused, t.created_at,{% endif %}\n"
        "        t.created_at AS loaded_at\n"
        f"      FROM ${{{source.name}.SQL_TABLE_NAME}} AS t\n"
        f"      WHERE {{% condition {name}.created_filter %}} t.created_at {{% endcondition %}}\n"
        f"      {{% if {name}.grain._parameter_value == 'recent' %}}AND t.created_at > CURRENT_DATE - 30{{% endif %}}\n"
    )
    parts = [
        f"# {name}: derived from {source.name} with Liquid.\nview: {name} {{\n",
        f"  derived_table: {{\n    sql:\n{sql}      ;;\n    datagroup_trigger: nightly\n  }}\n",
        "  filter: created_filter {\n    type: date\n  }\n",
        '  parameter: grain {\n    type: unquoted\n    allowed_value: { value: "recent" }\n'
        '    allowed_value: { value: "all" }\n    default_value: "all"\n  }\n',
        _primary_key(),
        _foreign_keys(),
        _time_group(rng),
    ]
    for column in columns:
        parts.append(f"  dimension: {column} {{\n    type: string\n    sql: ${{TABLE}}.{column} ;;\n  }}\n")
    parts.append(
        "  dimension: grain_bucket {\n    type: string\n"
        "    sql: {% if grain._parameter_value == 'recent' %}${created_date}{% else %}'all'{% endif %} ;;\n  }\n"
    )
    parts.append("  measure: count {\n    type: count\n  }\n")
    parts.append("}\n")
    return "".join(parts)


def _refinement(rng: random.Random, info: ViewInfo) -> str:
    target = rng.choice(info.dimensions[1:]) if len(info.dimensions) > 1 else "id"
    return (
        f"view: +{info.name} {{\n"
        f'  dimension: {target} {{\n    label: "Refined {target}"\n  }}\n'
        f"  dimension: refined_flag {{\n    type: yesno\n    sql: ${{{target}}} IS NOT NULL ;;\n  }}\n"
        '  measure: refined_count {\n    type: count\n    filters: [refined_flag: "yes"]\n  }\n'
        "}\n\n"
    )


def _join(alias: str, parent: str, view: str, rng: random.Random) -> str:
    relationship = rng.choice(("many_to_one", "many_to_one", "many_to_one", "one_to_one", "one_to_many"))
    source = f"    from: {view}\n" if alias != view else ""
    return (
        f"  join: {alias} {{\n{source}    type: left_outer\n    relationship: {relationship}\n"
        f"    sql_on: ${{{parent}.ref_{rng.randint(0, 2)}_id}} = ${{{alias}.id}} ;;\n  }}\n"
    )


def _explore(rng: random.Random, name: str, base: ViewInfo, joined: list[ViewInfo], *, extras: bool) -> str:
    parts = [f"explore: {name} {{\n"]
    if name != base.name:
        # view_name, not from: Liquid in derived tables names the view, so keep its alias.
        parts.append(f"  view_name: {base.name}\n")
    alias_of_base = base.name
    aliases = [alias_of_base]
    used = {alias_of_base}
    for index, view in enumerate(joined):
        if view.derived and view.name in used:
            continue  # its Liquid names the view: join a derived table under its own name only
        alias = view.name if view.name not in used else f"{view.name}_{index}"
        used.add(alias)
        parent = aliases[rng.randrange(len(aliases))] if rng.random() < 0.7 else alias_of_base
        parts.append(_join(alias, parent, view.name, rng))
        aliases.append(alias)
    if extras and rng.random() < 0.3:
        parts.append(f"  sql_always_where: ${{{alias_of_base}.id}} IS NOT NULL ;;\n")
    if extras and rng.random() < 0.2:
        parts.append(f'  always_filter: {{\n    filters: [{alias_of_base}.id: "NOT NULL"]\n  }}\n')
    if extras and rng.random() < 0.15 and len(aliases) > 1:
        parts.append(f"  fields: [ALL_FIELDS*, -{aliases[1]}.count]\n")
    parts.append("}\n\n")
    return "".join(parts)


def generate(size_mb: float, seed: int, dashboard_share: float = DASHBOARD_SHARE) -> Generated:
    """Build the project in memory (deterministic in its arguments).

    The LookML depends on ``size_mb`` and ``seed`` only: dashboards are drawn from their own
    random generator after it, so the same LookML is written whatever ``dashboard_share``.
    """
    rng = random.Random(seed)
    out = Generated()
    budget = int(size_mb * 1_000_000)
    out.files["manifest.lkml"] = (
        'project_name: "generated_giant"\n\nconstant: schema {\n  value: "analytics"\n}\n\n'
        'constant: company {\n  value: "Giant Corp"\n}\n'
    )
    out.files["views/base/base_entities.view.lkml"] = _base_views()
    view_bytes = 0
    index = 0
    per_dir: dict[str, list[str]] = {}
    plain: list[ViewInfo] = []
    while view_bytes < budget * _VIEW_SHARE:
        directory = f"d{index // 250:02d}"
        if index % _WIDE_EVERY == 150:
            info = ViewInfo(f"wide_{index:05d}", directory, wide=True)
            text = _wide_view(rng, info)
        elif index % _DERIVED_EVERY == 5 and plain:
            info = ViewInfo(f"dt_{index:05d}", directory, derived=True)
            text = _derived_view(rng, info, rng.choice(plain[-50:]))
        else:
            info = ViewInfo(f"v_{index:05d}", directory)
            extends = rng.randrange(_BASES) if index % _EXTENDS_EVERY == 3 else None
            text = _ordinary_view(rng, info, extends)
            plain.append(info)
        out.views.append(info)
        # Most files hold one view; about one in six views shares the previous view's file.
        files = per_dir.setdefault(directory, [])
        if files and rng.random() < 0.17:
            out.files[files[-1]] += "\n" + text
        else:
            path = f"views/{directory}/{info.name}.view.lkml"
            files.append(path)
            out.files[path] = text
        view_bytes += len(text)
        index += 1

    refinements: list[str] = []
    for info in out.views[::20]:
        refinements.append(_refinement(rng, info))
    for chunk in range(0, len(refinements), 100):
        out.files[f"refinements/refinements_{chunk // 100:03d}.lkml"] = "".join(refinements[chunk : chunk + 100])

    views = out.views
    explores: dict[str, list[str]] = {"main": [], "finance": []}
    # The giant explore: hundreds of joins (~650 when the project is big enough).
    giant_joins = min(650, max(len(views) - 1, 1) if len(views) < 700 else 650)
    giant = [v for v in views[1 : giant_joins + 1] if not v.wide][:giant_joins]
    explores["main"].append(_explore(rng, "everything", views[0], giant, extras=True))
    # A few big explores (hundreds of joins) and many small ones.
    position = 0
    count = 0
    while position < len(views):
        base = views[position]
        big = count % 60 == 7
        size = rng.randint(100, 300) if big else rng.randint(3, 30)
        joined = [rng.choice(views) for _ in range(size)]
        joined = [v for v in joined if v.name != base.name and (not v.wide or rng.random() < 0.05)]
        bucket = "finance" if count % 5 == 0 else "main"
        explores[bucket].append(_explore(rng, f"e_{count:05d}", base, joined, extras=True))
        out.explores.append((bucket, f"e_{count:05d}", base))
        if count % 25 == 3:
            template = f"tmpl_{count:05d}"
            body = _explore(rng, template, base, joined[:5], extras=False)
            body = body.replace(f"explore: {template} {{\n", f"explore: {template} {{\n  extension: required\n", 1)
            explores[bucket].append(body)
            extra = rng.choice(plain)
            alias = f"{extra.name}_extra"
            explores[bucket].append(
                f"explore: {template}_child {{\n  extends: [{template}]\n"
                + _join(alias, base.name, extra.name, rng)
                + "}\n\n"
            )
        position += rng.randint(6, 12)
        count += 1
    for bucket, texts in explores.items():
        for chunk in range(0, len(texts), 40):
            out.files[f"explores/{bucket}_{chunk // 40:03d}.explore.lkml"] = "".join(texts[chunk : chunk + 40])
    # Explore refinements add a join to some explores of the main model.
    refined = []
    for number in range(1, count, 17):
        if number % 5 == 0:
            continue
        extra = rng.choice(plain)
        base_alias = views[0].name
        refined.append(
            f"explore: +e_{number:05d} {{\n  join: {extra.name}_refined {{\n    from: {extra.name}\n"
            f"    relationship: many_to_one\n    sql_on: ${{{extra.name}_refined.id}} IS NOT NULL ;;\n  }}\n}}\n\n"
        )
        del base_alias
    out.files["refinements/explores.lkml"] = "".join(refined)

    out.files["main.model.lkml"] = (
        'connection: "warehouse"\nlabel: "@{company} (main)"\n\n'
        'include: "/views/**/*.view.lkml"\ninclude: "/refinements/*.lkml"\ninclude: "/explores/main_*.explore.lkml"\n\n'
        "datagroup: nightly {\n  sql_trigger: SELECT CURRENT_DATE ;;\n}\n"
    )
    out.files["finance.model.lkml"] = (
        'connection: "warehouse"\n\ninclude: "/views/**/*.view.lkml"\ninclude: "/explores/finance_*.explore.lkml"\n\n'
        "datagroup: nightly {\n  sql_trigger: SELECT CURRENT_DATE ;;\n}\n"
    )
    _add_dashboards(out, random.Random(seed + 1), dashboard_share)
    return out


def _add_dashboards(out: Generated, rng: random.Random, share: float) -> None:
    """Dashboards making up ``share`` of all bytes (LookML + dashboards)."""
    if share <= 0 or not out.explores:
        return
    lookml = out.size()
    budget = int(lookml * share / (1 - share))
    written = 0
    number = 0
    while written < budget:
        text = _dashboard(rng, number, out.explores)
        out.files[f"dashboards/board_{number:04d}.dashboard.lookml"] = text
        written += len(text.encode())
        number += 1


def _dashboard(rng: random.Random, number: int, explores: list[tuple[str, str, ViewInfo]]) -> str:
    name = f"board_{number:04d}"
    exported = number % 3 == 0  # Looker's exports carry Ruby type tags
    listen_tag = " !ruby/hash:ActiveSupport::HashWithIndifferentAccess" if exported else ""
    lines = [
        f"- dashboard: {name}",
        f"  title: {_words(rng, 3).title()}",
        "  layout: newspaper",
        "  preferred_viewer: dashboards-next",
        f"  description: '{_words(rng, 12)}'",
        "  elements:",
    ]
    size = sum(len(line) + 1 for line in lines)
    row = 0
    while size < _DASHBOARD_BYTES:
        model, explore, base = rng.choice(explores)
        dimensions = [d for d in base.dimensions[1:] if d] or ["id"]
        picked = rng.sample(dimensions, k=min(len(dimensions), rng.randint(1, 3)))
        fields = [f"{base.name}.{d}" for d in picked] + [f"{base.name}.count"]
        title = _words(rng, rng.randint(2, 4)).title()
        kind = rng.choice(("looker_column", "looker_line", "table", "single_value", "looker_pie", "looker_grid"))
        element = [
            f"  - title: {title}",
            f"    name: {title.lower().replace(' ', '_')}_{row}",
            f"    model: {model}",
            f"    explore: {explore}",
            f"    type: {kind}",
            f"    fields: [{', '.join(fields)}]",
            f"    sorts: [{base.name}.count desc]",
            f"    limit: {rng.choice((10, 50, 500, 5000))}",
            "    column_limit: 50",
            f"    filters:\n      {base.name}.{picked[0]}: '-NULL'",
            "    x_axis_gridlines: false",
            "    y_axis_gridlines: true",
            "    show_view_names: false",
            "    show_y_axis_labels: true",
            "    show_y_axis_ticks: true",
            "    y_axis_tick_density: default",
            "    show_x_axis_label: true",
            "    show_x_axis_ticks: true",
            "    legend_position: center",
            "    point_style: none",
            "    show_value_labels: false",
            "    label_density: 25",
            "    x_axis_scale: auto",
            "    y_axis_combined: true",
            "    ordering: none",
            "    show_null_labels: false",
            "    stacking: ''",
            "    series_colors:",
            *(f"      {f}: '#{rng.randrange(16**6):06x}'" for f in fields),
            "    y_axes: [{label: '', orientation: left, series: [{axisId: "
            + f"{fields[-1]}, id: {fields[-1]}, name: Count}}], showLabels: true, showValues: true,",
            "        unpinAxis: false, tickDensity: default, type: linear}]",
            f"    note_text: '{_words(rng, 8)}'",
            f"    listen:{listen_tag}",
            f"      Date: {base.name}.id",
            f"    row: {row * 6}",
            f"    col: {rng.choice((0, 8, 12, 16))}",
            "    width: 8",
            "    height: 6",
        ]
        lines.extend(element)
        size += sum(len(line) + 1 for line in element)
        row += 1
    default = ' !ruby/object:ActiveSupport::SafeBuffer "7 days"' if exported else " 7 days"
    lines += [
        "  filters:",
        "  - name: Date",
        "    title: Date",
        "    type: field_filter",
        f"    default_value:{default}",
        "    allow_multiple_values: true",
        "    required: false",
        "    ui_config:",
        "      type: relative_timeframes",
        "      display: inline",
        "      options: []",
    ]
    return "\n".join(lines) + "\n"


def write(generated: Generated, directory: Path) -> None:
    """Write the files under ``directory`` (replaced when it exists)."""
    if directory.exists():
        shutil.rmtree(directory)
    for relative, text in generated.files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def ensure_project(
    size_mb: float, seed: int = 8, root: Path | None = None, dashboard_share: float = DASHBOARD_SHARE
) -> Path:
    """The generated project for ``size_mb``, written once under ``.benchmarks/`` and reused."""
    base = root or Path(__file__).resolve().parent.parent / ".benchmarks"
    directory = base / _directory_name(size_mb, seed, dashboard_share)
    marker = directory / ".complete"
    if not marker.exists():
        write(generate(size_mb, seed, dashboard_share), directory)
        marker.write_text("ok\n", encoding="utf-8")
    return directory


def _directory_name(size_mb: float, seed: int, dashboard_share: float) -> str:
    return f"project-{size_mb:g}mb-seed{seed}-dash{dashboard_share:g}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=float, default=1.0, help="approximate project size (1, 10, 50...)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--dashboard-share", type=float, default=DASHBOARD_SHARE, help="share of all bytes in dashboards (0 = none)"
    )
    args = parser.parse_args(argv)
    generated = generate(args.size_mb, args.seed, args.dashboard_share)
    directory = args.out or Path(".benchmarks") / _directory_name(args.size_mb, args.seed, args.dashboard_share)
    write(generated, directory)
    views = generated.views
    fields = sum(len(v.dimensions) for v in views)
    boards = sum(len(t.encode()) for p, t in generated.files.items() if p.endswith(".dashboard.lookml"))
    print(
        f"{directory}: {generated.size() / 1e6:.1f} MB in {len(generated.files)} files, {len(views)} views "
        f"({sum(v.wide for v in views)} wide, {sum(v.derived for v in views)} derived), ~{fields} declared dimensions, "
        f"{boards / 1e6:.1f} MB of dashboards ({boards / max(generated.size(), 1):.0%})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
