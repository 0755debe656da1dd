"""An answer written as JSON straight from the archive's own objects, by the fields its response
schema lists, with no validation on the way.

Pydantic validates an answer by building a model object for each of its parts. A page of search
results has some two hundred (hits, their documents, facet rows); under load that work, and the
garbage collection it set off, took a tenth of the web workers' time. The archive's outcome is
typed already, so the search answer is written from the schema's fields alone; tests check
that every answer so written is, byte for byte, the one the schema's own serialiser writes.
"""

import inspect
import types
import typing
from functools import cache

from pydantic import BaseModel
from pydantic_core import PydanticUndefined, to_json


def as_json(schema: type[BaseModel], found) -> bytes:
    """`found` (an object or a dict) as JSON of `schema`'s fields, in its order."""
    return to_json(plain(schema, found))


def plain(schema: type[BaseModel], found) -> dict:
    return {name: convert(read(found)) for name, read, convert in fields(schema)}


@cache
def fields(schema: type[BaseModel]) -> tuple:
    """(name, how to read it, how to write it) for each field: a resolver (`resolve_<name>`, of
    the object alone) computes it, else it is the key or attribute of that name (its default if
    absent)."""
    found = []
    for name, info in schema.model_fields.items():
        resolver = getattr(schema, f"resolve_{name}", None)
        if resolver is not None and len(inspect.signature(resolver).parameters) != 1:
            raise TypeError(f"{schema.__name__}.resolve_{name} needs more than the object")
        read = resolver if resolver is not None else reader(name, info.default)
        found.append((name, read, converter(info.annotation)))
    return tuple(found)


def reader(name: str, default):
    missing = None if default is PydanticUndefined else default

    def read(found):
        if isinstance(found, dict):
            return found.get(name, missing)
        return getattr(found, name, missing)

    return read


def as_is(value):
    return value


def converter(annotation):
    """How a value of the type is written: a response object by its schema's fields, lists and
    dicts of them item by item; anything else (text, numbers, None) as it is."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return lambda value: plain(annotation, value)
    if origin is typing.Annotated:
        return converter(args[0])
    if origin in (list, tuple):
        each = converter(args[0]) if args else as_is
        return as_is if each is as_is else lambda value: [each(item) for item in value]
    if origin is dict:
        each = converter(args[1]) if len(args) == 2 else as_is
        return as_is if each is as_is else lambda value: {k: each(v) for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):
        converters = [converter(arg) for arg in args if arg is not type(None)]
        if len(converters) == 1 and converters[0] is not as_is:
            only = converters[0]
            return lambda value: None if value is None else only(value)
        if any(c is not as_is for c in converters):
            raise TypeError(f"{annotation}: a union of several response objects")
    return as_is
