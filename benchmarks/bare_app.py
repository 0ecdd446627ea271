"""The baseline for benchmarks/webhook.py: a bare FastAPI app answering fixed TwiML.

One ``POST /twilio/voice`` that reads and parses the form body, as the real webhook does,
and answers, as application/xml, the TwiML the real endpoint returned for a typical call
(captured by the benchmark and handed over in a file named by BENCH_TWIML_FILE). No
signature check, no routing, no database: what is left is the cost of uvicorn, Starlette
and FastAPI themselves.

Started by the benchmark with the same uvicorn options `dutyline serve` uses (one process,
httptools and uvloop, no uvicorn access log, no proxy headers), so the two servers differ
only in what the endpoint does:

    BENCH_TWIML_FILE=/tmp/twiml.xml python benchmarks/bare_app.py --port 8001
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request, Response

TWIML = (
    Path(os.environ["BENCH_TWIML_FILE"]).read_bytes()
    if "BENCH_TWIML_FILE" in os.environ
    else (b'<?xml version="1.0" encoding="UTF-8"?><Response><Hangup /></Response>')
)

app = FastAPI(title="bare TwiML baseline")


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/twilio/voice")
async def voice(request: Request) -> Response:
    # Read and parse the form like the real webhook (telephony.webhooks.twilio_request),
    # so the comparison is not flattered by skipping the body.
    params = dict(parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True))
    if not params.get("CallSid"):
        return Response(status_code=400)
    return Response(content=TWIML, media_type="application/xml")


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--log-level", default=os.environ.get("DUTYLINE_LOG_LEVEL", "WARNING"))
    args = parser.parse_args()
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level.lower(),
        access_log=False,
        proxy_headers=False,
        http="httptools",
        loop="uvloop",
    )


if __name__ == "__main__":
    main()
