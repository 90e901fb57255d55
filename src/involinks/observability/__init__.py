"""Production observability: request ids, Prometheus metrics, the /metrics endpoint."""
