"""The response schemas themselves, without a request."""

import pytest

from api.schemas import Out, Resolved


def test_a_response_object_with_resolvers_must_be_resolved():
    # Pydantic alone would leave the resolver uncalled and the field unfilled.
    with pytest.raises(TypeError, match="must be a Resolved"):

        class Counted(Out):
            count: int

            @staticmethod
            def resolve_count(thing) -> int:
                return len(thing)


def test_a_resolved_object_computes_its_fields_from_a_plain_object():
    class Counted(Resolved):
        count: int

        @staticmethod
        def resolve_count(thing) -> int:
            return len(thing)

    assert Counted.model_validate(["a", "b"]).count == 2
