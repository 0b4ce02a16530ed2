# Jol: a small image that runs the bot as a non-root user, with compiled catalogues and the
# data folder (SQLite database, pseudonym key) on a volume.
#
#   docker build -t jol .
#   docker run -d --name jol --env-file .env -v jol-data:/data jol
#   docker run --rm -it jol console --lang ru        # the terminal demo

FROM python:3.11-slim AS build
WORKDIR /src
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY db ./db
RUN python -m venv /venv && /venv/bin/pip install '.[redis,postgres]'
COPY flows ./flows
COPY content ./content
# Compile the catalogues so the bot does not parse .po files at start.
RUN /venv/bin/python -m bot i18n compile && /venv/bin/python -m bot check

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 jol && mkdir /data && chown jol:jol /data
COPY --from=build /venv /venv
COPY --from=build /src/flows /app/flows
COPY --from=build /src/content /app/content
WORKDIR /app
USER jol
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    FLOWS_DIR=/app/flows \
    CONTENT_DIR=/app/content \
    DATA_DIR=/data \
    DATABASE_URL=sqlite+aiosqlite:////data/jol.sqlite
VOLUME ["/data"]
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
