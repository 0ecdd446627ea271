"""The FastAPI application, settings, the JSON API, the web UI and the CLI."""
