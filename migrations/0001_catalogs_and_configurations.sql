-- Car lines, their versioned catalogs, pre-sale campaigns and saved configurations.
-- Times are UTC milliseconds since the epoch (BIGINT); money is integer fen (BIGINT).
-- The same statements run on SQLite and PostgreSQL.

CREATE TABLE car_lines (
    id          TEXT PRIMARY KEY,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- A catalog version is immutable once stored; publishing a new one retires the old.
CREATE TABLE catalog_versions (
    car_line     TEXT NOT NULL REFERENCES car_lines (id),
    version      BIGINT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
    body         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    published_at BIGINT,
    PRIMARY KEY (car_line, version)
);

CREATE TABLE campaigns (
    id               TEXT PRIMARY KEY,
    car_line         TEXT NOT NULL REFERENCES car_lines (id),
    catalog_version  BIGINT NOT NULL,
    content          TEXT NOT NULL,
    warmup_at        BIGINT NOT NULL,
    opens_at         BIGINT NOT NULL,
    closes_at        BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    FOREIGN KEY (car_line, catalog_version) REFERENCES catalog_versions (car_line, version)
);

-- Every saved configuration is a demand signal; it keeps its catalog version and a snapshot
-- of its price breakdown.
CREATE TABLE configurations (
    code             TEXT PRIMARY KEY,
    car_line         TEXT NOT NULL REFERENCES car_lines (id),
    catalog_version  BIGINT NOT NULL,
    selections       TEXT NOT NULL,
    sales_mode       TEXT NOT NULL CHECK (sales_mode IN ('purchase', 'lease')),
    total_fen        BIGINT NOT NULL,
    price            TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    FOREIGN KEY (car_line, catalog_version) REFERENCES catalog_versions (car_line, version)
);

CREATE INDEX configurations_by_line ON configurations (car_line, created_at);
