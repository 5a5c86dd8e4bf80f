"""Records behave as the frozen dataclasses they replace: compared with ``dataclasses`` on the same classes."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import Any

import pytest

from pytest_looker import immutable
from pytest_looker.errors import Location
from pytest_looker.lookml.fields import new_field
from pytest_looker.lookml.model import Explore, FieldCategory, FilterCondition, Join
from pytest_looker.lookml.model import Field as LookMLField


def _pair(frozen: bool = True) -> tuple[type, type]:
    """The same class as a record and as a dataclass (distinct class objects, same body)."""

    def body() -> dict[str, Any]:
        return {
            "__annotations__": {"name": "str", "size": "int", "tags": "tuple[str, ...]", "raw": "Mapping[str, Any]"},
            "__module__": __name__,
            "size": 0,
            "tags": (),
        }

    rec_body, dc_body = body(), body()
    rec_body["raw"] = immutable.field(default_factory=dict, compare=False, repr=False)
    dc_body["raw"] = dataclasses.field(default_factory=dict, compare=False, repr=False)
    rec = immutable.record(frozen=frozen)(type("Thing", (), rec_body))
    dc = dataclasses.dataclass(frozen=frozen)(type("Thing", (), dc_body))
    return rec, dc


CASES: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    (("a",), {}),
    (("a", 3), {}),
    (("a",), {"tags": ("x", "y")}),
    ((), {"name": "b", "size": -1, "raw": {"k": 1}}),
    (("a", 3, ("t",), {"other": 2}), {}),
]


@pytest.mark.parametrize(("args", "kwargs"), CASES)
def test_construction_repr_fields_as_dataclasses(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    rec, dc = _pair()
    r, d = rec(*args, **kwargs), dc(*args, **kwargs)
    assert repr(r) == repr(d)
    assert vars(r) == vars(d)
    assert [f.name for f in dataclasses.fields(r)] == [f.name for f in dataclasses.fields(d)]
    assert [(f.compare, f.repr) for f in dataclasses.fields(rec)] == [
        (f.compare, f.repr) for f in dataclasses.fields(dc)
    ]
    assert dataclasses.is_dataclass(r)
    assert dataclasses.asdict(r) == dataclasses.asdict(d)
    assert rec.__match_args__ == dc.__match_args__


def test_equality_and_hash_follow_compared_fields() -> None:
    rec, dc = _pair()
    for make in (rec, dc):
        a, b = make("a", 1), make("a", 1, raw={"ignored": True})
        assert a == b and hash(a) == hash(b)  # raw is compare=False
        assert a != make("a", 2) and a != make("b", 1)
        assert len({a, b, make("a", 2)}) == 2
        assert a.__eq__(("a", 1)) is NotImplemented
    other_rec, _ = _pair()
    assert rec("a") != other_rec("a")  # another class with the same fields is not equal, as for dataclasses


def test_frozen_and_mutable() -> None:
    rec, _ = _pair()
    thing = rec("a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        thing.name = "b"
    with pytest.raises(dataclasses.FrozenInstanceError):
        del thing.name
    mutable, mutable_dc = _pair(frozen=False)
    changed = mutable("a")
    changed.size = 5
    assert changed == mutable("a", 5)
    assert mutable.__hash__ is None and mutable_dc.__hash__ is None  # compared by value and mutable: unhashable


def test_errors_as_dataclasses() -> None:
    rec, dc = _pair()
    for make in (rec, dc):
        with pytest.raises(TypeError):
            make()
        with pytest.raises(TypeError):
            make("a", unknown=1)
    with pytest.raises(TypeError, match="non-default argument"):
        immutable.record(type("Bad", (), {"__annotations__": {"a": "int", "b": "int"}, "a": 1}))
    with pytest.raises(ValueError, match="mutable default"):
        immutable.record(type("Bad", (), {"__annotations__": {"a": "list[int]"}, "a": []}))


def test_defaults_stay_class_attributes_and_factories_run_per_instance() -> None:
    rec, dc = _pair()
    assert rec.size == dc.size == 0
    assert "raw" not in vars(rec) and "raw" not in vars(dc)
    made: list[int] = []

    @immutable.record
    class Counted:
        items: list[int] = immutable.field(default_factory=lambda: made.append(1) or [])  # type: ignore[func-returns-value]

    first, second = Counted(), Counted()
    assert first.items is not second.items and made == [1, 1]


def test_post_init_runs() -> None:
    seen: list[str] = []

    @immutable.record
    class Checked:
        name: str

        def __post_init__(self) -> None:
            seen.append(self.name)

    Checked("x")
    assert seen == ["x"]


def test_replace_pickle_copy() -> None:
    join = Join("j", "v", Location("a.lkml", 3), sql_on="${a.id} = ${j.id}")
    moved = immutable.replace(join, name="k")
    assert moved == dataclasses.replace(join, name="k") and moved.name == "k" and moved.sql_on == join.sql_on
    explore = Explore("e", "m", Location("m.model.lkml", 1), "e", "v", joins=(join,))
    copied = copy.copy(explore)
    assert copied == explore and hash(copied) == hash(explore) and vars(copied) == vars(explore)
    location = Location("a.lkml", 3)
    for again in (pickle.loads(pickle.dumps(location)), copy.deepcopy(location)):
        assert again == location and hash(again) == hash(location) and again is not location
    condition = FilterCondition("v.f", ">0")
    assert {condition: 1}[FilterCondition("v.f", ">0")] == 1


def test_compact_fields_equal_constructed_ones() -> None:
    """The loader's ``new_field`` (an instance dict of the non-defaults) equals ``Field(**values)``."""
    values = {
        "view": "v",
        "name": "f",
        "category": FieldCategory.DIMENSION,
        "type": "string",
        "location": Location("v", 1),
    }
    compact, full = new_field(dict(values)), LookMLField(**values)
    assert compact == full and hash(compact) == hash(full) and repr(compact) == repr(full)
    assert immutable.replace(compact, hidden=True) == LookMLField(**{**values, "hidden": True})


@pytest.mark.parametrize(("args", "kwargs"), CASES)
def test_the_shared_and_the_compiled_init_make_the_same_objects(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    rec, dc = _pair()
    shared = [rec(*args, **kwargs) for _ in range(immutable.COMPILE_AFTER)]
    compiled = rec(*args, **kwargs)  # the one that compiles the class's own __init__
    assert "_lazy_init" not in rec.__init__.__qualname__
    for made in shared:
        assert made == compiled and vars(made) == vars(compiled) and list(vars(made)) == list(vars(compiled))
    assert vars(compiled) == vars(dc(*args, **kwargs))
    for bad_args, bad_kwargs in [((), {}), (("a", 1, (), {}, 5), {}), (("a",), {"name": "b"}), (("a",), {"x": 1})]:
        with pytest.raises(TypeError):
            rec(*bad_args, **bad_kwargs)  # compiled now
        fresh, _ = _pair()
        with pytest.raises(TypeError):
            fresh(*bad_args, **bad_kwargs)  # shared
