"""The ingest API token the tests use: as long as the service demands (32 or more)."""

from __future__ import annotations

#: What ``$SYNDICATOR_API_TOKEN`` or ``create_app``'s ``API_TOKEN`` holds in tests.
API_TOKEN = "syndicator-tests-api-token-0123456789abcdef"
