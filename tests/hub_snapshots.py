"""The province snapshots the hub's tests send: bench/hub_snapshots.py builds them
(the benchmark sends the same bodies at L), following the agreed format on its own,
not through the province side's builder."""

from __future__ import annotations

from bench.hub_snapshots import L_SIZES, body, content, headers

__all__ = ["L_SIZES", "body", "content", "headers"]
