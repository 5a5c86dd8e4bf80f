"""One workspace per run: the settings, the loaded LookML project and the runner.

The CLI commands, the pytest plugin, the emulator, scaffold and impact all start from a
:class:`Workspace`, so a project is opened one way everywhere (the same pyproject.toml, the same
constants and dependency paths) and queries get the same clock, time zone and user attributes
whichever tool asks. Loading and connecting are lazy: a command that only compiles never opens
a database, and one that only replays never connects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pytest_looker import immutable
from pytest_looker.errors import ConfigurationError, LookerError, LookMLError
from pytest_looker.settings import Settings, load_settings

if TYPE_CHECKING:
    # The loader, the compiler and the runners (and tempfile, decimal...) load when a command
    # first reads the project, compiles or runs a query: `inspect` never imports the compiler,
    # and a pytest run whose items come from the collection cache imports neither.
    from pytest_looker.compile import CompiledQuery, Query
    from pytest_looker.lookml import Project
    from pytest_looker.lookml.inputs import Recorded
    from pytest_looker.run.runner import Runner

__all__ = ["Workspace", "filter_text"]

T = TypeVar("T")

_NOT_CONFIGURED = (
    "no LookML project configured: set project in [tool.pytest-looker] of pyproject.toml, PYTEST_LOOKER_PROJECT"
    " or --looker-project DIR"
)


class Workspace:
    """The settings, the project (loaded once) and the runner (built once) of one run."""

    def __init__(self, settings: Settings, *, project: Project | None = None) -> None:
        if settings.project is None:
            raise ConfigurationError(_NOT_CONFIGURED)
        self.settings = settings
        self.root: Path = settings.project
        self._project = project
        #: What the project was loaded from (files, digests, stats), when the load went through
        #: the project cache: caches derived from the project are keyed by it.
        self.recorded: Recorded | None = None
        self._runner: Runner | None = None
        self._wrappers: list[Callable[[Runner], Runner]] = []
        self._cache: dict[str, Any] = {}

    @classmethod
    def open(
        cls,
        *,
        project_dir: Path | None = None,
        options: Mapping[str, Any] | None = None,
        environment: str | None = None,
        cwd: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Workspace:
        """Settings from the pyproject.toml that governs ``project_dir`` (else the working
        directory), with ``project_dir`` as the project when given."""
        here = (cwd or Path.cwd()).resolve()
        start = (here / project_dir).resolve() if project_dir is not None else here
        settings = load_settings(start, environ=environ, options=options, environment=environment, cwd=here)
        if project_dir is not None:
            settings = immutable.replace(settings, project=start)
        elif settings.project is None:
            settings = immutable.replace(settings, project=here)
        return cls(settings)

    # -- the project -----------------------------------------------------------------------------
    @property
    def project(self) -> Project:
        """The loaded project (loaded once)."""
        if self._project is None:
            if not self.root.is_dir():
                raise ConfigurationError(f"project directory {str(self.root)!r} does not exist")
            from pytest_looker.lookml.loader import load_project

            record: list[Recorded] = []
            self._project = load_project(
                self.root,
                constants=self.settings.constants,
                dependency_paths=self.settings.dependency_paths,
                record=record,
            )
            self.recorded = record[0] if record else None
        return self._project

    def reload(self) -> None:
        """Forget the loaded project and what was derived from it (the files changed: git)."""
        self._project = None
        self.recorded = None
        self._cache.clear()

    def cached(self, key: str, build: Callable[[], T]) -> T:
        """A value derived from the project, built once per workspace (e.g. key checks' helper project)."""
        if key not in self._cache:
            self._cache[key] = build()
        value: T = self._cache[key]
        return value

    def dialect_for(self, model: str) -> str:
        """The dialect the model's connection writes SQL in."""
        return self.settings.dialect_for(self.project.model(model).connection)

    # -- the runner ------------------------------------------------------------------------------
    @property
    def runner(self) -> Runner:
        """The runner ``settings.backend`` names, wrapped by the features that asked to."""
        if self._runner is None:
            from pytest_looker.run.runner import open_runner

            runner = open_runner(self.settings, lambda: self.project)
            for wrap in self._wrappers:
                runner = wrap(runner)
            self._runner = runner
        return self._runner

    def wrap_runner(self, wrap: Callable[[Runner], Runner]) -> None:
        """Let a feature (record/replay) wrap the runner; only before it is first used."""
        if self._runner is not None:
            raise RuntimeError("wrap_runner() after the runner was built")
        self._wrappers.append(wrap)

    # -- queries ---------------------------------------------------------------------------------
    def query(
        self,
        target: str,
        *,
        fields: Sequence[str],
        filters: Mapping[str, Any] | None = None,
        sorts: Sequence[str] = (),
        limit: int | None = None,
        user_attributes: Mapping[str, str] | None = None,
        timezone: str | None = None,
        filter_expression: str | None = None,
    ) -> Query:
        """A :class:`Query` on ``model/explore`` with the run's clock, time zones, user attributes
        and environment (development mode when the active Looker environment is ``dev``).

        ``filter_expression`` is a custom filter (a Looker expression), as in Looker's API."""
        model, slash, explore = target.partition("/")
        if not slash or not model or not explore:
            raise LookMLError(f"{target!r} must be written model/explore")
        if isinstance(fields, str):
            raise LookMLError("fields must be a list of view.field names, not one string")
        from pytest_looker.compile import Query

        attributes = {**self.settings.user_attributes, **(user_attributes or {})}
        given = {str(k): filter_text(v) for k, v in (filters or {}).items()}
        return Query(
            model,
            explore,
            fields=list(fields),
            filters=self._with_parameters(model, explore, given),
            sorts=list(sorts),
            limit=limit,
            user_attributes=attributes,
            timezone=timezone or self.settings.timezone,
            now=self.settings.now,
            filter_expression=filter_expression,
            dev_mode=self.settings.looker.needs_dev_mode,
            database_timezone=self.settings.database_timezone,
        )

    def with_settings(self, query: Query) -> Query:
        """``query`` completed with the run's clock, time zones, user attributes and environment
        where it has none."""
        return immutable.replace(
            query,
            filters=self._with_parameters(query.model, query.explore, query.filters),
            now=query.now or self.settings.now,
            timezone=query.timezone or self.settings.timezone,
            database_timezone=query.database_timezone or self.settings.database_timezone,
            dev_mode=query.dev_mode or self.settings.looker.needs_dev_mode,
            user_attributes={**self.settings.user_attributes, **query.user_attributes},
        )

    def _with_parameters(self, model: str, explore: str, filters: Mapping[str, str]) -> Mapping[str, str]:
        """``filters`` plus the configured ``parameters`` of this explore the query does not set.

        A filter on a parameter is how a Looker query sets its value; a configured value is the
        user's choice for every query that makes none (validation, tests).
        """
        configured = self.settings.parameters
        if not configured:
            return filters
        found = self.project.models.get(model)
        target = found.explores.get(explore) if found is not None else None
        if target is None:
            return filters
        from pytest_looker.lookml.model import FieldCategory

        aliases = target.aliases()
        added = dict(filters)
        for name, value in configured.items():
            alias, _, parameter = name.partition(".")
            view = found.views.get(aliases.get(alias, "")) if found is not None else None
            field = view.fields.get(parameter) if view is not None else None
            if field is not None and field.category is FieldCategory.PARAMETER and name not in added:
                added[name] = value
        return added

    def compile(self, query: Query, *, target: str | None = None, project: Project | None = None) -> CompiledQuery:
        """Compile in the model's dialect for ``target`` (default: the runner's dialect)."""
        from pytest_looker.compile import compile_query

        source = project or self.project
        dialect = self.settings.dialect_for(source.model(query.model).connection)
        return compile_query(source, query, dialect=dialect, target=target or self.runner.dialect)

    def fingerprint(self, query: Query) -> str | None:
        """The SQL the local LookML compiles ``query`` to, in the model's own dialect (``None``
        when it does not compile): what a recording's staleness is judged by."""
        from pytest_looker.compile import compile_query

        try:
            model_dialect = self.dialect_for(query.model)
            return compile_query(self.project, query, dialect=model_dialect).sql
        except LookerError:
            return None

    def close(self) -> None:
        if self._runner is not None:
            self._runner.close()
            self._runner = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def filter_text(value: Any) -> str:
    """Python filter values as Looker filter expressions (``True`` → ``yes``, ``3`` → ``3``)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
