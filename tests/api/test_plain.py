"""Answers written from a schema's fields alone are the schema's own serialisation."""

from dataclasses import dataclass

import pytest
from pydantic import Field

from api.plain import as_json
from api.schemas import Out, Resolved


class Part(Out):
    name: str
    weight: float


class Whole(Resolved):
    title: str
    note: str = ""
    main: Part | None
    parts: list[Part]
    by_kind: dict[str, list[Part]]
    numbers: list[int] = Field(default_factory=list)
    total: int

    @staticmethod
    def resolve_total(found) -> int:
        return len(found.parts)


@dataclass
class Found:
    title: str
    main: object
    parts: list
    by_kind: dict
    numbers: tuple = (1, 2)


@pytest.mark.parametrize("main", [None, {"name": "hub", "weight": 1.5e-05}])
def test_an_object_is_written_as_its_schema_writes_it(main):
    found = Found(
        "Naslov: Ugovor ‹o› nenapadanju",
        main,
        [{"name": "a", "weight": 2.0}, Found("x", None, [], {})],
        {"kind": [{"name": "b", "weight": 0.1, "extra": "left out"}]},
    )
    found.parts[1].name, found.parts[1].weight = "c", 3.25
    assert as_json(Whole, found) == Whole.model_validate(found).model_dump_json().encode()


def test_a_resolver_that_needs_more_than_the_object_is_refused():
    class Linked(Resolved):
        url: str

        @staticmethod
        def resolve_url(found, context) -> str:
            return ""

    with pytest.raises(TypeError, match="resolve_url"):
        as_json(Linked, object())
