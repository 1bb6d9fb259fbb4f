DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'postgres_exporter') THEN CREATE ROLE "postgres_exporter" LOGIN; END IF;
END $$;
ALTER ROLE "postgres_exporter" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'pw-example''quoted';
GRANT pg_monitor TO "postgres_exporter";
