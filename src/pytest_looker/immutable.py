"""Immutable records: what ``@dataclass(frozen=True)`` gives, without its cost at import.

Why: ``dataclasses`` writes and compiles six methods per class each time a module is imported
(Python 3.11 runs one ``exec`` per method): the LookML model's 25 classes and the settings' 7
took ~20–40 ms of every command's start-up, a fifth of a small project's cold ``inspect``.
Here only ``__init__`` is compiled — the one method whose speed matters (a large project
makes hundreds of thousands of objects) — and only once its class has made
:data:`COMPILE_AFTER` instances with the shared one (compiling costs as much as a few hundred
calls), so a run pays for the classes it makes many of. Equality, hashing, ``repr`` and immutability are
shared functions over one ``operator.attrgetter`` per class (C code: no slower than the
generated methods).

The semantics are the dataclass ones the code relies on (``tests/test_immutable.py`` compares
them with ``dataclasses`` on the same classes): fields in annotation order, defaults and
``field(default_factory=..., compare=..., repr=...)``, defaults kept as class attributes (a
default-factory field has none), ``==`` between instances of the same class over the compared
fields, the hash of their tuple, ``repr`` of the shown fields, ``FrozenInstanceError`` on
assignment, ``__post_init__``, pickling by ``__dict__``. ``dataclasses.fields``, ``replace``,
``asdict`` and ``is_dataclass`` keep working: ``__dataclass_fields__`` is made on first
access, by ``dataclasses`` itself from a class with the same annotations and defaults.
Not supported (raises at definition): ``ClassVar``/``InitVar`` annotations, ordering,
``kw_only``, ``slots``.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar, overload

_T = TypeVar("_T")
_C = TypeVar("_C", bound=type)

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:  # only type checkers read it (typing has it from 3.11; typing_extensions is not a dependency)

    def dataclass_transform(**_: Any) -> Callable[[_T], _T]:
        return lambda decorated: decorated


__all__ = ["field", "record", "replace"]

_MISSING: Any = object()


class _FieldSpec:
    """What :func:`field` returns in a class body: read (and removed) by :func:`record`."""

    __slots__ = ("compare", "default", "default_factory", "repr")

    def __init__(self, default: Any, default_factory: Any, compare: bool, repr: bool) -> None:
        if default is not _MISSING and default_factory is not _MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.default, self.default_factory, self.compare, self.repr = default, default_factory, compare, repr


@overload
def field(*, default: _T, compare: bool = True, repr: bool = True) -> _T: ...
@overload
def field(*, default_factory: Callable[[], _T], compare: bool = True, repr: bool = True) -> _T: ...
@overload
def field(*, compare: bool = True, repr: bool = True) -> Any: ...
def field(
    *,
    default: Any = _MISSING,
    default_factory: Any = _MISSING,
    compare: bool = True,
    repr: bool = True,
) -> Any:
    """A field with a default factory or excluded from ``==``/``hash``/``repr`` (as ``dataclasses.field``)."""
    return _FieldSpec(default, default_factory, compare, repr)


class _Spec:
    """A record class's fields: names in order, defaults, factories, compared and shown names."""

    __slots__ = ("annotations", "compared", "defaults", "factories", "frozen", "key", "made", "names", "shown", "specs")

    def __init__(self, cls: type, frozen: bool) -> None:
        self.frozen = frozen
        self.annotations: dict[str, Any] = {}
        self.specs: dict[str, _FieldSpec] = {}
        for base in reversed(cls.__mro__[1:]):
            inherited: _Spec | None = base.__dict__.get("_record_spec")
            if inherited is not None:
                self.annotations.update(inherited.annotations)
                self.specs.update(inherited.specs)
        own_annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 -- `inspect` is a heavy import
        for name, annotation in own_annotations.items():
            text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
            if text.startswith(("ClassVar", "typing.ClassVar", "InitVar", "dataclasses.InitVar")):
                raise TypeError(f"{cls.__qualname__}.{name}: ClassVar and InitVar are not supported by @record")
            value = cls.__dict__.get(name, _MISSING)
            if isinstance(value, _FieldSpec):
                spec = value
                if spec.default is _MISSING:
                    delattr(cls, name)  # as dataclasses: a factory's field has no class attribute
                else:
                    setattr(cls, name, spec.default)
            else:
                spec = _FieldSpec(value, _MISSING, True, True)
            if spec.default is not _MISSING and type(spec.default).__hash__ is None:
                raise ValueError(
                    f"mutable default {type(spec.default)} for field {name} is not allowed: use default_factory"
                )
            self.annotations[name] = annotation
            self.specs[name] = spec
        self.names = tuple(self.specs)
        self.defaults = {n: s.default for n, s in self.specs.items() if s.default is not _MISSING}
        self.factories = {n: s.default_factory for n, s in self.specs.items() if s.default_factory is not _MISSING}
        seen_default = False
        for name in self.names:
            if name in self.defaults or name in self.factories:
                seen_default = True
            elif seen_default:
                raise TypeError(f"non-default argument {name!r} follows default argument")
        self.compared = tuple(n for n in self.names if self.specs[n].compare)
        self.shown = tuple(n for n in self.names if self.specs[n].repr)
        self.key = _tuple_getter(self.compared)
        self.made = 0


def _tuple_getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """``lambda o: (o.a, o.b, ...)`` as C code (``attrgetter`` returns a bare value for one name)."""
    if len(names) >= 2:
        return attrgetter(*names)
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda o: (one(o),)
    return lambda o: ()


@overload
@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: _C, /) -> _C: ...
@overload
def record(*, frozen: bool = True) -> Callable[[_C], _C]: ...
def record(cls: Any = None, /, *, frozen: bool = True) -> Any:
    """Make ``cls`` a record (frozen unless ``frozen=False``), as ``@dataclass(frozen=True)`` would."""

    def wrap(cls: type) -> type:
        spec = _Spec(cls, frozen)
        type.__setattr__(cls, "_record_spec", spec)
        own = cls.__dict__
        if "__init__" not in own:
            type.__setattr__(cls, "__init__", _lazy_init)
        if "__repr__" not in own:
            type.__setattr__(cls, "__repr__", _repr)
        if "__eq__" not in own:
            type.__setattr__(cls, "__eq__", _eq)
        if frozen:
            if own.get("__hash__") is None:
                type.__setattr__(cls, "__hash__", _hash)
            type.__setattr__(cls, "__setattr__", _frozen_setattr)
            type.__setattr__(cls, "__delattr__", _frozen_delattr)
        elif "__hash__" not in own or own["__hash__"] is None:
            type.__setattr__(cls, "__hash__", None)  # mutable and compared by value: unhashable
        type.__setattr__(cls, "__match_args__", spec.names)
        type.__setattr__(cls, "__dataclass_fields__", _DataclassFields())
        return cls

    return wrap if cls is None else wrap(cls)


#: Instances a class makes with the shared ``__init__`` before its own is compiled: compiling one
#: costs as much as a few hundred calls of the shared one, and most classes of a run make a handful.
COMPILE_AFTER = 64


def _lazy_init(self: Any, *args: Any, **kwargs: Any) -> None:
    """The shared ``__init__``; after :data:`COMPILE_AFTER` instances the class gets its own, compiled."""
    cls = type(self)
    spec: _Spec = cls._record_spec
    spec.made += 1
    if spec.made > COMPILE_AFTER:
        _compile_init(cls)(self, *args, **kwargs)
        return
    names = spec.names
    if len(args) > len(names):
        raise TypeError(
            f"{cls.__qualname__}.__init__() takes {len(names) + 1} positional arguments but {len(args) + 1} were given"
        )
    values = dict(zip(names, args, strict=False))  # fewer arguments than fields: the rest below
    for key, value in kwargs.items():
        if key not in spec.specs:
            raise TypeError(f"{cls.__qualname__}.__init__() got an unexpected keyword argument {key!r}")
        if key in values:
            raise TypeError(f"{cls.__qualname__}.__init__() got multiple values for argument {key!r}")
        values[key] = value
    if kwargs or len(values) < len(names):
        missing = []
        for name in names:
            if name not in values:
                if name in spec.defaults:
                    values[name] = spec.defaults[name]
                elif name in spec.factories:
                    values[name] = spec.factories[name]()
                else:
                    missing.append(name)
        if missing:
            raise TypeError(
                f"{cls.__qualname__}.__init__() missing required arguments: {', '.join(map(repr, missing))}"
            )
        values = {name: values[name] for name in names}  # declaration order, as the compiled one
    object.__setattr__(self, "__dict__", values)
    if hasattr(cls, "__post_init__"):
        self.__post_init__()


def _compile_init(cls: type) -> Callable[..., None]:
    spec: _Spec = cls._record_spec  # type: ignore[attr-defined]
    scope: dict[str, Any] = {"_r_set": object.__setattr__, "_r_missing": _MISSING}
    parameters, items = [], []
    for index, name in enumerate(spec.names):
        if name in spec.factories:
            scope[f"_r_factory{index}"] = spec.factories[name]
            parameters.append(f"{name}=_r_missing")
            items.append(f"{name!r}: _r_factory{index}() if {name} is _r_missing else {name}")
        else:
            if name in spec.defaults:
                scope[f"_r_default{index}"] = spec.defaults[name]
                parameters.append(f"{name}=_r_default{index}")
            else:
                parameters.append(name)
            items.append(f"{name!r}: {name}")
    body = f"    _r_set(self, '__dict__', {{{', '.join(items)}}})\n"
    if hasattr(cls, "__post_init__"):
        body += "    self.__post_init__()\n"
    source = f"def __init__(self, {', '.join(parameters)}):\n{body}" if parameters else f"def __init__(self):\n{body}"
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<record {cls.__qualname__}>", "exec"), scope, namespace)
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    type.__setattr__(cls, "__init__", init)
    return init


def _repr(self: Any) -> str:
    cls = type(self)
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in cls._record_spec.shown)
    return f"{cls.__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        key = self._record_spec.key
        return key(self) == key(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self._record_spec.key(self))


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    from dataclasses import FrozenInstanceError

    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    from dataclasses import FrozenInstanceError

    raise FrozenInstanceError(f"cannot delete field {name!r}")


class _DataclassFields:
    """``__dataclass_fields__``, made when ``dataclasses`` first asks (``fields``, ``replace``...)."""

    def __get__(self, instance: Any, owner: type) -> dict[str, Any]:
        import dataclasses

        spec: _Spec = owner._record_spec  # type: ignore[attr-defined]
        namespace: dict[str, Any] = {
            "__annotations__": dict(spec.annotations),
            "__module__": owner.__module__,
            "__qualname__": owner.__qualname__,
        }
        for name, item in spec.specs.items():
            if item.default_factory is not _MISSING:
                namespace[name] = dataclasses.field(
                    default_factory=item.default_factory, compare=item.compare, repr=item.repr
                )
            elif item.default is not _MISSING:
                namespace[name] = dataclasses.field(default=item.default, compare=item.compare, repr=item.repr)
            elif not (item.compare and item.repr):
                namespace[name] = dataclasses.field(compare=item.compare, repr=item.repr)
        shadow: Any = dataclasses.dataclass(frozen=spec.frozen)(type(owner.__name__, (), namespace))
        fields: dict[str, Any] = shadow.__dataclass_fields__
        type.__setattr__(owner, "__dataclass_fields__", fields)
        return fields


def replace(obj: _T, /, **changes: Any) -> _T:
    """A copy of ``obj`` with ``changes``: ``dataclasses.replace``, without importing it for a record."""
    spec: _Spec | None = getattr(type(obj), "_record_spec", None)
    if spec is None:
        import dataclasses

        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    values = {name: getattr(obj, name) for name in spec.names}
    values.update(changes)
    return type(obj)(**values)
