"""Helpers shared by tests."""


def form_data(response):
    """The values a browser would submit for the change form as rendered."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for form in inline.formset.forms:
            for name in form.fields:
                if form[name].value() is not None:
                    data[form.add_prefix(name)] = form[name].value()
    return data


def index_differences():
    """Drain the index queue here, then compare the index with the database (what
    `check_index` reports): a write path that reaches the index leaves no difference."""
    from search.consistency import compare
    from search.indexing import drain_if_free

    drain_if_free()
    return compare()
