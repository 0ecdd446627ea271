"""The call path's Prometheus metrics, in the default registry (served by /metrics).

Module-level, as prometheus-client intends: a metric is created once per process.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge

CALLS_ROUTED_FROM_SNAPSHOT = Counter(
    "dutyline_calls_routed_from_snapshot",
    "Calls routed from the process's routing snapshot because the database was not reachable.",
    ["line"],
)
FALLBACKS = Counter(
    "dutyline_fallbacks",
    "Times the call path went on without the database or past its ring plan, by reason.",
    ["reason"],
)
DATABASE_ERRORS = Counter(
    "dutyline_database_errors",
    "Database work of a webhook that failed or ran past its budget, by endpoint.",
    ["endpoint"],
)
JOURNAL_BACKLOG = Gauge(
    "dutyline_journal_backlog",
    "Journal entries written by this process and not yet replayed into the database.",
)
