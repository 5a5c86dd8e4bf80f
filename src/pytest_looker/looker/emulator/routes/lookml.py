"""LookML metadata: models and explores with their fields."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pytest_looker.errors import LookerError
from pytest_looker.looker.emulator.attributes import stand_in_attributes
from pytest_looker.looker.emulator.errors import ApiError
from pytest_looker.looker.emulator.metadata import explore_json, model_json
from pytest_looker.looker.emulator.routes.common import (
    authenticate,
    blocking,
    emulator,
    flag,
    json_response,
    path_param,
)
from pytest_looker.looker.emulator.select import select_fields


async def all_models(request: Request) -> Response:
    """``GET /lookml_models`` (``limit``, ``offset``, ``exclude_empty``, ``exclude_hidden``)."""
    engine = emulator(request).engine_for(authenticate(request))

    def work() -> list[dict[str, Any]]:
        project = engine.project
        return [model_json(project, m) for m in project.models.values()]

    models = await blocking(engine.locked, work)
    if flag(request, "exclude_empty"):
        models = [m for m in models if m["has_content"]]
    if flag(request, "exclude_hidden"):
        for m in models:
            m["explores"] = [e for e in m["explores"] if not e["hidden"]]
    offset = int(request.query_params.get("offset") or 0)
    limit = request.query_params.get("limit")
    models = models[offset : offset + int(limit)] if limit else models[offset:]
    return json_response(select_fields(models, request.query_params.get("fields")))


async def one_model(request: Request) -> Response:
    engine = emulator(request).engine_for(authenticate(request))
    name = path_param(request, "model")

    def work() -> dict[str, Any]:
        project = engine.project
        model = project.models.get(name)
        if model is None:
            raise ApiError(404, "Not found")
        return model_json(project, model)

    found = await blocking(engine.locked, work)
    return json_response(select_fields(found, request.query_params.get("fields")))


async def one_explore(request: Request) -> Response:
    """``GET /lookml_models/{model}/explores/{explore}``: ``LookmlModelExplore`` with fields."""
    engine = emulator(request).engine_for(authenticate(request))
    model_name, explore_name = path_param(request, "model"), path_param(request, "explore")

    def build() -> dict[str, Any]:
        project = engine.project
        model = project.models.get(model_name)
        explore = model.explores.get(explore_name) if model is not None else None
        if model is None or explore is None or explore.extension_required:
            raise ApiError(404, "Not found")
        attributes = stand_in_attributes(project, engine.settings.user_attributes)
        try:
            return explore_json(project, model, explore, engine.dialect_for(model_name), attributes)
        except LookerError as exc:
            raise ApiError(400, str(exc)) from None

    def work() -> dict[str, Any]:
        # Built once per loaded project: the fields' SQL is compiled for those without sql:.
        return engine.workspace.cached(f"emulator-explore:{model_name}/{explore_name}", build)

    found = await blocking(engine.locked, work)
    return json_response(select_fields(found, request.query_params.get("fields")))


def routes() -> list[Route]:
    return [
        Route("/api/4.0/lookml_models", all_models, methods=["GET"]),
        Route("/api/4.0/lookml_models/{model}", one_model, methods=["GET"]),
        Route("/api/4.0/lookml_models/{model}/explores/{explore}", one_explore, methods=["GET"]),
    ]
