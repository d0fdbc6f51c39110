ALTER TABLE users DROP COLUMN signin_notice;
DROP TABLE signin_browsers;
DROP TABLE two_factor_challenges;
DROP TABLE two_factor_recovery_codes;
DROP TABLE two_factor;
