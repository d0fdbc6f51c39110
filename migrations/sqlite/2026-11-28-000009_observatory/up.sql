-- The observatory: a catalogue of surveillance technologies, the companies behind deployments,
-- deployments (one technology in one city) with their sources, every proposed and published
-- version of a deployment as a revision (a JSON snapshot of the record), and the manifesto's
-- signatures.
CREATE TABLE technologies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    position BIGINT NOT NULL
);

CREATE TABLE companies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE deployments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    city_id BIGINT NOT NULL REFERENCES cities (id),
    technology_id BIGINT NOT NULL REFERENCES technologies (id),
    title TEXT NOT NULL,
    title_key TEXT NOT NULL,
    status TEXT NOT NULL,
    started TEXT NOT NULL,
    ended TEXT,
    funding TEXT NOT NULL DEFAULT '',
    description_md TEXT NOT NULL DEFAULT '',
    description_html TEXT NOT NULL DEFAULT '',
    thread_id BIGINT REFERENCES threads (id) ON DELETE SET NULL,
    proposed_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX deployments_city ON deployments (city_id) WHERE published_at IS NOT NULL;
CREATE INDEX deployments_technology ON deployments (technology_id) WHERE published_at IS NOT NULL;
CREATE INDEX deployments_updated ON deployments (updated_at, id);
CREATE INDEX deployments_duplicate ON deployments (city_id, technology_id, title_key);

CREATE TABLE deployment_companies (
    deployment_id BIGINT NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    company_id BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    PRIMARY KEY (deployment_id, company_id)
);
CREATE INDEX deployment_companies_company ON deployment_companies (company_id);

CREATE TABLE deployment_sources (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    deployment_id BIGINT NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    publisher TEXT NOT NULL DEFAULT '',
    published_on TEXT,
    archive_url TEXT
);
CREATE INDEX deployment_sources_deployment ON deployment_sources (deployment_id, position);

CREATE TABLE deployment_revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    deployment_id BIGINT NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    state TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    reviewer_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    review_reason TEXT NOT NULL DEFAULT '',
    reviewed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX deployment_revisions_deployment ON deployment_revisions (deployment_id, id);
CREATE INDEX deployment_revisions_pending ON deployment_revisions (state, id);

CREATE TABLE manifesto_signatures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    website TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    token_hash TEXT,
    confirmed_at TIMESTAMP,
    approved_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX manifesto_signatures_public ON manifesto_signatures (kind, approved_at);
