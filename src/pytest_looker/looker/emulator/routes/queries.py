"""Queries: create, get, run (saved and inline), async query tasks and cancelling."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pytest_looker.looker.emulator.errors import ApiError, validation_error
from pytest_looker.looker.emulator.formats import FORMATS, Answer, check_format, run_write
from pytest_looker.looker.emulator.queries import check_write_query, query_json
from pytest_looker.looker.emulator.routes.common import (
    authenticate,
    blocking,
    body_json,
    csv_param,
    emulator,
    flag,
    json_response,
    no_content,
    path_param,
)
from pytest_looker.looker.emulator.select import select_fields
from pytest_looker.looker.emulator.tasks import FINAL

#: ``result_format`` values a task may ask for that the emulator can produce.
TASK_FORMATS = tuple(f for f in FORMATS if f != "xlsx")


def with_links(request: Request, stored: dict[str, Any]) -> dict[str, Any]:
    """A stored ``Query`` with its ``share_url`` on this server (``{web_server_url}/x/{slug}``)."""
    base = str(request.base_url).rstrip("/")
    slug = stored.get("slug")
    share = f"{base}/x/{slug}" if slug else None
    return {**stored, "share_url": share, "expanded_share_url": f"{base}{stored['url']}" if stored.get("url") else None}


async def create_query(request: Request) -> Response:
    """``POST /queries``: store the ``WriteQuery`` (deduplicated) and answer the ``Query``."""
    authenticate(request)
    write = check_write_query(await body_json(request))
    stored = emulator(request).queries.create(write)
    return json_response(select_fields(with_links(request, stored), request.query_params.get("fields")))


async def get_query(request: Request) -> Response:
    authenticate(request)
    stored = emulator(request).queries.get(path_param(request, "query_id"))
    return json_response(select_fields(with_links(request, stored), request.query_params.get("fields")))


async def run_query(request: Request) -> Response:
    """``GET /queries/{id}/run/{format}``; ``limit`` overrides the saved query's limit."""
    authenticate(request)
    result_format = check_format(path_param(request, "result_format"))
    stored = emulator(request).queries.get(path_param(request, "query_id"))
    return await run_answer(request, stored, result_format)


async def run_inline_query(request: Request) -> Response:
    """``POST /queries/run/{format}`` with a ``WriteQuery`` body."""
    authenticate(request)
    result_format = check_format(path_param(request, "result_format"))
    write = check_write_query(await body_json(request))
    return await run_answer(request, query_json(write, None, None), result_format)


async def run_answer(request: Request, query: dict[str, Any], result_format: str) -> Response:
    """Run ``query`` in the caller's workspace; a failed query is answered in the formats that carry errors."""
    state = emulator(request)
    engine = state.engine_for(authenticate(request))
    limit = request.query_params.get("limit")
    profile = state.settings.shape_profile
    answer = await blocking(lambda: run_write(engine, query, result_format, limit=limit, profile=profile))
    return Response(answer.body, media_type=answer.content_type)


async def create_query_task(request: Request) -> Response:
    """``POST /query_tasks`` ``{"query_id", "result_format", ...}`` → ``QueryTask`` (``added``)."""
    session = authenticate(request)
    state = emulator(request)
    body = await body_json(request)
    if not isinstance(body, dict):
        raise validation_error("body", "the body must be a JSON object (a CreateQueryTask)")
    query_id = body.get("query_id")
    if not query_id:
        raise validation_error("query_id", "query_id is required", "missing_field")
    result_format = body.get("result_format")
    if result_format not in TASK_FORMATS:
        raise validation_error("result_format", f"result_format must be one of {', '.join(TASK_FORMATS)}")
    stored = state.queries.get(str(query_id))
    options: dict[str, Any] = {k: body.get(k) for k in ("source", "look_id", "dashboard_id", "deferred")}
    for name in (
        "cache",
        "cache_only",
        "force_production",
        "generate_drill_links",
        "rebuild_pdts",
        "server_table_calcs",
    ):
        value = flag(request, name)
        if value is not None:
            options[name] = value
    options["path_prefix"] = request.query_params.get("path_prefix")
    engine, profile, fmt = state.engine_for(session), state.settings.shape_profile, str(result_format)

    def run(task_id: str) -> Answer:
        return run_write(engine, stored, fmt, profile=profile, result_id=task_id)

    task = state.tasks.create(stored, fmt, options, run)
    return json_response(select_fields(task.as_json(), request.query_params.get("fields")))


async def get_query_task(request: Request) -> Response:
    authenticate(request)
    task = emulator(request).tasks.get(path_param(request, "task_id"))
    return json_response(select_fields(task.as_json(), request.query_params.get("fields")))


async def query_task_results(request: Request) -> Response:
    """200 with the result, 202 while the task runs, 404 for unknown or killed.

    A failed query is 400 with its message, except in ``json_detail``, whose 200 answer carries
    the ``errors`` (the spec's description of this endpoint).
    """
    authenticate(request)
    task = emulator(request).tasks.get(path_param(request, "task_id"))
    if task.status not in FINAL:
        return Response("", status_code=202, media_type="text/plain; charset=utf-8")
    if task.status == "killed":
        raise ApiError(404, "Not found")
    answer = task.answer
    if task.status == "error" and (answer is None or task.result_format != "json_detail"):
        raise ApiError(400, task.error)
    assert answer is not None
    return Response(answer.body, media_type=answer.content_type)


async def multi_results(request: Request) -> Response:
    """``GET /query_tasks/multi_results?query_task_ids=a,b`` → ``{id: {"status", "data"?}}``."""
    authenticate(request)
    ids = csv_param(request, "query_task_ids")
    if not ids:
        raise ApiError(400, "query_task_ids is required")
    return json_response(emulator(request).tasks.multi_results(ids))


async def running_queries(request: Request) -> Response:
    authenticate(request)
    found = [
        {
            "id": task.id,
            "query_id": task.query.get("id"),
            "query": task.query,
            "query_task_id": task.id,
            "status": task.status,
            "source": task.options.get("source"),
            "slug": task.query.get("slug"),
            "can": {},
        }
        for task in emulator(request).tasks.running()
    ]
    return json_response(found)


async def kill_query(request: Request) -> Response:
    """``DELETE /running_queries/{task_id}``: 204; 404 once the task has finished."""
    authenticate(request)
    emulator(request).tasks.kill(path_param(request, "task_id"))
    return no_content()


def routes() -> list[Route]:
    return [
        Route("/api/4.0/queries", create_query, methods=["POST"]),
        Route("/api/4.0/queries/run/{result_format}", run_inline_query, methods=["POST"]),
        Route("/api/4.0/queries/{query_id}", get_query, methods=["GET"]),
        Route("/api/4.0/queries/{query_id}/run/{result_format}", run_query, methods=["GET"]),
        Route("/api/4.0/query_tasks", create_query_task, methods=["POST"]),
        Route("/api/4.0/query_tasks/multi_results", multi_results, methods=["GET"]),
        Route("/api/4.0/query_tasks/{task_id}", get_query_task, methods=["GET"]),
        Route("/api/4.0/query_tasks/{task_id}/results", query_task_results, methods=["GET"]),
        Route("/api/4.0/running_queries", running_queries, methods=["GET"]),
        Route("/api/4.0/running_queries/{task_id}", kill_query, methods=["DELETE"]),
    ]
