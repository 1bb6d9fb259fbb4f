-- Managed by openclaw-infra (Pulumi): databases, owners and extensions. Nothing is ever dropped.
SET client_min_messages = 'warning';
SELECT 'CREATE DATABASE "openclaw" OWNER "openclaw" ENCODING ''UTF8'' TEMPLATE template0' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = 'openclaw')\gexec
ALTER DATABASE "openclaw" OWNER TO "openclaw";
REVOKE CONNECT, TEMPORARY ON DATABASE "openclaw" FROM PUBLIC;
\connect "openclaw"
SET client_min_messages = 'warning';
CREATE EXTENSION IF NOT EXISTS "vector";
ALTER EXTENSION "vector" UPDATE;
SELECT 'CREATE DATABASE "memory" OWNER "memory" ENCODING ''UTF8'' TEMPLATE template0' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = 'memory')\gexec
ALTER DATABASE "memory" OWNER TO "memory";
REVOKE CONNECT, TEMPORARY ON DATABASE "memory" FROM PUBLIC;
\connect "memory"
SET client_min_messages = 'warning';
CREATE EXTENSION IF NOT EXISTS "vector";
ALTER EXTENSION "vector" UPDATE;
CREATE EXTENSION IF NOT EXISTS "pg_trgm";
ALTER EXTENSION "pg_trgm" UPDATE;
