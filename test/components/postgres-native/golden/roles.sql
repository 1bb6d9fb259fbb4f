-- Managed by openclaw-infra (Pulumi). This text holds the role passwords: it travels on stdin
-- only, and this session logs none of its statements, not even a failing one.
SET log_statement = 'none';
SET log_min_error_statement = 'panic';
SET log_min_duration_statement = -1;
SET client_min_messages = 'warning';
SET password_encryption = 'scram-sha-256';
SELECT 'CREATE ROLE "openclaw"' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'openclaw')\gexec
ALTER ROLE "openclaw" WITH LOGIN NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS NOCREATEDB PASSWORD 'pw-openclaw-0123456789';
SELECT 'CREATE ROLE "memory"' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'memory')\gexec
ALTER ROLE "memory" WITH LOGIN NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS CREATEDB PASSWORD 'it''s a "quoted" pw';
