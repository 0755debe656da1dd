"""SolrCloud administration the archive needs: collections from a configset, aliases, and the
field analysis a test compares with the Python one. Each call tries the nodes in turn."""

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence


class SolrAdminError(RuntimeError):
    """Solr refused an administrative request, or no node answered it."""


def request(urls: Sequence[str], path: str, params: dict | None = None, timeout=120) -> dict:
    """POST `params` as a form to `path` (below a node's base URL, e.g. "admin/collections") on
    the first node that answers; the JSON response. A node that cannot be reached is skipped; an
    error that Solr reports is raised at once, with its message."""
    form = urllib.parse.urlencode({**(params or {}), "wt": "json"}, doseq=True).encode()
    reasons = []
    for url in urls:
        address = f"{url.rstrip('/')}/{path.lstrip('/')}"
        try:
            with urllib.request.urlopen(address, data=form, timeout=timeout) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            raise SolrAdminError(f"{path}: {_message(error)}") from error
        except OSError as error:
            reasons.append(f"{url}: {error}")
    raise SolrAdminError(f"{path}: no Solr node answered ({'; '.join(reasons) or 'no nodes'})")


def _message(error: urllib.error.HTTPError) -> str:
    try:
        body = json.load(error)
    except ValueError:
        return f"HTTP {error.code}"
    message = body.get("error", {}).get("msg") or f"HTTP {error.code}"
    # A failed CREATE says why each node failed (a schema error, say) beside the message.
    failures = [str(reason) for reason in (body.get("failure") or {}).values()]
    return "; ".join([message, *failures])


def collections(urls: Sequence[str], action: str, **params) -> dict:
    """One action of the Collections API (CREATE, DELETE, CREATEALIAS, LIST, ...)."""
    return request(urls, "admin/collections", {"action": action, **params})


def create_collection(
    urls: Sequence[str], name: str, configset: str, shards: int = 1, replicas: int = 1
) -> None:
    """Create collection `name` from the uploaded `configset`, and wait until it is active."""
    collections(
        urls,
        "CREATE",
        name=name,
        **{"collection.configName": configset},
        numShards=shards,
        replicationFactor=replicas,
        waitForFinalState="true",
    )


def delete_collection(urls: Sequence[str], name: str) -> None:
    """Delete collection `name`; nothing to do if there is none."""
    if name in collections(urls, "LIST").get("collections", []):
        collections(urls, "DELETE", name=name)


def set_alias(urls: Sequence[str], alias: str, collection: str) -> None:
    """Point `alias` at `collection` (created, or moved from the collection it named)."""
    collections(urls, "CREATEALIAS", name=alias, collections=collection)


def aliases(urls: Sequence[str]) -> dict[str, str]:
    """Each alias and the collection(s) it names, comma-separated."""
    return collections(urls, "LISTALIASES").get("aliases", {})


def field_analysis(
    urls: Sequence[str], collection: str, field: str, text: str, query: bool = False
) -> list[dict]:
    """The tokens Solr's analysis of `field` makes of `text` at indexing (or for a query): its
    last stage, each token a dict with "text", "position", "start" and "end"."""
    kind = "query" if query else "index"
    params = {"analysis.fieldname": field, f"analysis.{'query' if query else 'fieldvalue'}": text}
    body = request(urls, f"{collection}/analysis/field", params)
    stages = body["analysis"]["field_names"][field][kind]
    # Stages alternate a stage's name and its tokens; a text with no word has no tokens.
    return stages[-1] if stages and isinstance(stages[-1], list) else []
