DROP TABLE manifesto_signatures;
DROP TABLE deployment_revisions;
DROP TABLE deployment_sources;
DROP TABLE deployment_companies;
DROP TABLE deployments;
DROP TABLE companies;
DROP TABLE technologies;
