# Vigie: build the release binary, then run it in a small Debian image.
FROM rust:1-bookworm AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY migrations ./migrations
COPY templates ./templates
COPY locales ./locales
COPY static ./static
COPY data ./data
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /srv/vigie vigie
WORKDIR /srv/vigie
COPY --from=build /src/target/release/vigie /usr/local/bin/vigie
COPY config ./config
COPY data/cities-fr-be-ch-lu.csv data/city-names.csv ./data/
RUN chown -R vigie /srv/vigie
USER vigie
ENV VIGIE_ENV=production
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["vigie"]
CMD ["serve"]
