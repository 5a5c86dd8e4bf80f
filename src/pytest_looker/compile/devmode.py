"""``-- if dev --`` / ``-- if prod --``: the SQL of one Looker environment.

Looker reads the SQL of derived tables and of ``sql_table_name`` line by line. In development
mode the marker ``-- if dev --`` is deleted from its line, so what follows it becomes live SQL
(the space after the marker included), and a ``-- if prod --`` line stays an SQL comment; in
production mode (the default: API sessions are production until they switch to the ``dev``
workspace) the reverse. Nothing else changes. Evidence: Spectacles' recorded Looker responses
for the same view in both modes (``select * from\\n         "PUBLIC"."USERS"\\n        -- if prod
-- "PUBLIC"."USERS"`` in dev mode) and Looker's docs and community answers; ``sql_always_where``
does not support the markers.
"""

from __future__ import annotations

import re

#: The markers as Looker writes them; spacing inside them is tolerated.
_MARKER = re.compile(r"--[ \t]*if[ \t]+(?P<mode>dev|prod)[ \t]*--")


def environment_lines(sql: str, *, dev: bool) -> str:
    """``sql`` with the current environment's markers deleted (their lines become live)."""
    if "if" not in sql or _MARKER.search(sql) is None:
        return sql
    live = "dev" if dev else "prod"
    lines = []
    for line in sql.split("\n"):
        match = _MARKER.search(line)
        if match is not None and match.group("mode") == live:
            line = line[: match.start()] + line[match.end() :]
        lines.append(line)
    return "\n".join(lines)


def table_text(text: str) -> str:
    """A ``sql_table_name`` ready for ``FROM <text> AS alias``: when its last line is a comment
    (an inactive ``-- if dev --`` line), the alias goes on a line of its own, as Looker puts it."""
    last = text.rsplit("\n", 1)[-1]
    return text + "\n" if "--" in last else text
