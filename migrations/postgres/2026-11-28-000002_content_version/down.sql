DROP TABLE site_state;
