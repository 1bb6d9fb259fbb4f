runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p '5432' -d postgres
echo "role postgres_exporter: login, pg_monitor"
