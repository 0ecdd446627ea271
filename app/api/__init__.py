"""The JSON API under /api, one module per domain; ``app.api.routes`` gathers them."""
