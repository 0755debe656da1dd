"""Talking to SolrCloud over HTTP: every node URL tried in turn, with short timeouts.

Any node of a SolrCloud cluster answers for every collection (it forwards to the replicas that
hold it), so a request that cannot reach one node, or gets its "not ready" answer, is sent to
the next. The node that answered last is tried first next time. Only when none answers does
the request fail, with `EngineUnavailable` saying why.
"""

import json
import logging
import threading
from collections.abc import Sequence

import requests

from search.engine import EngineUnavailable

logger = logging.getLogger(__name__)
# Seconds to open a connection to a node (loopback or a LAN: a live node answers in
# milliseconds, a dead one is skipped quickly).
CONNECT_TIMEOUT = 1.0
# Answers a node gives while it cannot serve yet (no leader elected, replica recovering):
# another node may.
RETRY_STATUS = {500, 502, 503, 504}


class CollectionMissing(EngineUnavailable):
    """Solr has no collection (or alias) of that name: nothing was indexed there yet."""


class SolrError(Exception):
    """Solr refused a request (a bad query or update): retrying elsewhere would not help."""

    def __init__(self, status: int, message: str):
        super().__init__(f"Solr answered {status}: {message}")
        self.status = status


class SolrClient:
    """The cluster's nodes, as `http://host:port/solr` base URLs."""

    def __init__(self, urls: Sequence[str], *, timeout: float = 5.0):
        if not urls:
            raise EngineUnavailable("No Solr node is configured (ARCHIVE_SOLR_URLS is empty).")
        self.urls = [url.rstrip("/") for url in urls]
        self.timeout = timeout
        self.preferred = 0
        self.local = threading.local()

    def session(self) -> requests.Session:
        # One session per thread: requests' sessions are not thread-safe, and each keeps its
        # connections to the nodes open between requests.
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        body: dict | str | None = None,
        timeout: float | None = None,
    ) -> dict:
        """Solr's JSON answer to `path` (below the node's base URL), from the first node that
        gives one. A string body is sent as it is (JSON)."""
        data = body if isinstance(body, str) or body is None else json.dumps(body)
        headers = {"Content-Type": "application/json"} if data is not None else {}
        reasons = []
        count = len(self.urls)
        for attempt in range(count):
            i = (self.preferred + attempt) % count
            url = f"{self.urls[i]}/{path.lstrip('/')}"
            try:
                response = self.session().request(
                    method,
                    url,
                    params={"wt": "json", **(params or {})},
                    data=data.encode("utf-8") if data is not None else None,
                    headers=headers,
                    timeout=(CONNECT_TIMEOUT, timeout or self.timeout),
                )
            except requests.RequestException as error:
                reasons.append(f"{self.urls[i]}: {type(error).__name__}")
                continue
            if response.status_code == 404:
                # Every node knows the same collections: another would say the same.
                self.preferred = i
                raise CollectionMissing(f"Solr has no {path.split('/')[0]!r}: {message(response)}")
            if response.status_code in RETRY_STATUS:
                reasons.append(f"{self.urls[i]}: {response.status_code} {message(response)}")
                continue
            self.preferred = i
            if response.status_code >= 400:
                raise SolrError(response.status_code, message(response))
            return response.json()
        logger.warning("No Solr node answered %s %s: %s", method, path, "; ".join(reasons))
        raise EngineUnavailable("No Solr node answered: " + "; ".join(reasons))


def message(response: requests.Response) -> str:
    """Solr's own error message, or the start of the body."""
    try:
        return str(response.json()["error"]["msg"])[:300]
    except (ValueError, KeyError, TypeError):
        return response.text[:300].strip()
