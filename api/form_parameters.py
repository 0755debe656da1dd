"""OpenAPI query parameters read off a Django form: the form validates, the document says so.

A parameter's type, choices and limits come from its form field. What a field checks only for
the values given (a document slug, a concept) is listed from a vocabulary the caller passes.
"""

from django import forms

# A vocabulary longer than this is described by its pattern rather than listed value by value
# (a synthetic corpus of a million passages has tens of thousands of documents).
ENUM_LIMIT = 1000


def vocabulary(values, pattern: str | None = None) -> dict:
    """A string from a vocabulary: listed when it is short enough, else by its pattern."""
    values = sorted(set(values))
    if not values:
        # An empty enum is not valid JSON Schema; a value nothing matches is refused anyway.
        return {"type": "string", "not": {}}
    if len(values) <= ENUM_LIMIT:
        return {"type": "string", "enum": values}
    described = {"type": "string", "description": "The archive holds too many to list here."}
    return {**described, "pattern": pattern} if pattern else described


def field_schema(field: forms.Field) -> dict:
    """The JSON Schema of one value of a form field."""
    if isinstance(field, forms.IntegerField):
        limits = {"minimum": field.min_value, "maximum": field.max_value}
        return {"type": "integer", **{k: v for k, v in limits.items() if v is not None}}
    if isinstance(field, forms.ChoiceField) and field.choices:
        return {"type": "string", "enum": [str(value) for value, _ in field.choices if value != ""]}
    return {"type": "string"}


def form_parameters(form_class, descriptions: dict, schemas: dict) -> list[dict]:
    """The query parameters of a form, in its field order. `schemas` gives the schema of one
    value of a field the form cannot describe itself (a vocabulary, a range checked in code)."""
    parameters = []
    # An unbound form's fields: a form may add some as it is made (the search form its facets).
    for name, field in form_class().fields.items():
        schema = schemas.get(name) or field_schema(field)
        multi = isinstance(field, forms.MultipleChoiceField)
        parameter = {
            "name": name,
            "in": "query",
            "required": field.required,
            "description": descriptions.get(name, ""),
            "schema": {"type": "array", "items": schema} if multi else schema,
        }
        if multi:
            parameter.update(style="form", explode=True)
        parameters.append(parameter)
    return parameters
