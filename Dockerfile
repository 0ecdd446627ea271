# Dutyline: a small, non-root image. Migrations are applied at start; /healthz is checked.
#   docker build -t dutyline .
#   docker run -p 8000:8000 -e DUTYLINE_DATABASE_URL=postgresql+psycopg://... \
#     -e DUTYLINE_TWILIO_AUTH_TOKEN=... -e DUTYLINE_PUBLIC_BASE_URL=https://... \
#     -e DUTYLINE_FALLBACK_NUMBER=+44... -e DUTYLINE_ENVIRONMENT=production \
#     -v dutyline-state:/var/lib/dutyline/state dutyline

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY models ./models
COPY migrations ./migrations
COPY routing ./routing
COPY telephony ./telephony
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DUTYLINE_DATABASE_URL=sqlite:////var/lib/dutyline/dutyline.db \
    DUTYLINE_STATE_DIR=/var/lib/dutyline/state
RUN useradd --system --uid 10001 --home-dir /var/lib/dutyline --create-home dutyline \
    && install -d -o dutyline -g dutyline -m 700 /var/lib/dutyline/state
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER dutyline
WORKDIR /var/lib/dutyline
# The routing snapshot and the journal of what was not written during a database outage:
# keep them across restarts (a volume), so a container started in an outage still routes
# and nothing journaled is lost.
VOLUME /var/lib/dutyline/state
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["sh", "-c", "dutyline migrate && exec dutyline serve --host 0.0.0.0 --port 8000"]
