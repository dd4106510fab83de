# ediary-bot as schools deploy it: `ediary run` (webhook or polling, HTTP on 8080) or
# `ediary worker`, configured by environment variables (see .env.example and the README).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY db ./db
COPY locales ./locales
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
# A user of its own: the bot never needs root, and a compromise stays in its home.
RUN useradd --create-home --uid 10001 ediary
COPY --from=build /install /usr/local
USER ediary
WORKDIR /home/ediary
ENV HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    PYTHONUNBUFFERED=1
EXPOSE 8080
# /healthz answers 503 when the database is down or no instance has run the scheduler for
# two minutes; the first start migrates the database, hence the grace period.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"]
CMD ["ediary", "run"]
