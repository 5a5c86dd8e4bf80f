"""The ``pytest-looker`` command: a group whose commands are imported only when they run.

Exit codes (DESIGN.md §4): 0 success, 1 the checked thing failed (errors found, tests failed),
2 bad usage or configuration. A :class:`~pytest_looker.errors.LookerError` is printed to stderr
as one sentence with its file:line (:mod:`.errors`); any other exception is a bug and keeps its
traceback.

Each command lives in a module of its own. ``pytest-looker --help`` lists them from
:data:`COMMANDS` without importing any, so start-up costs click and this module only — the
compiler, DuckDB, looker-sdk and the emulator's web stack load when a command needs them.
"""

from __future__ import annotations

import importlib

import click

__all__ = ["COMMANDS", "main"]

#: name → (module under pytest_looker.cli, attribute, one-line help for the command list).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "audit": ("audit", "audit", "Inspect and verify the tamper-evident audit log."),
    "connect": ("looker", "connect", "Log in to a Looker environment and report who, where and which API."),
    "content-validate": ("looker", "content_validate", "Run Looker's content validator."),
    "diff": ("diff", "diff", "What a change since REF affects: explores, tests and dashboards."),
    "inspect": ("inspect", "inspect", "Load the project and report its contents and every problem."),
    "lookml-validate": ("looker", "lookml_validate", "Run Looker's LookML validator on the environment's branch."),
    "query": ("query", "query", "Compile an explore query and run it, printing rows keyed view.field."),
    "scaffold": ("scaffold", "scaffold", "Generate sample data and starter tests from the LookML."),
    "serve": ("serve", "serve", "Serve a local emulator of the Looker API 4.0 for the project."),
    "sql": ("sql", "sql", "Print the SQL Looker would write for an explore query."),
    "test": ("test", "test", "Run pytest with the pytest-looker plugin on the configured project."),
    "validate": ("validate", "validate", "Check that every dimension and measure compiles (and runs)."),
}


class LazyGroup(click.Group):
    """A click group that imports a command's module only when that command is invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, attribute, _ = entry
        command: click.Command = getattr(importlib.import_module(f"{__name__}.{module_name}"), attribute)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pytest-looker")
def main() -> None:
    """Treat Looker metrics like code: load, compile and test a LookML project."""


if __name__ == "__main__":  # pragma: no cover
    main()
