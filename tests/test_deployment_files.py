"""The files that run the portal at scale stay valid: docker-compose, the Dockerfile, CI."""

from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_runs_postgres_redis_web_worker_and_beat_from_one_image():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "migrate"} <= set(services)
    assert services["web"]["command"][0] == "gunicorn"
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert environment["DEBUG"] == "false"


def test_compose_migrates_as_the_tables_owner_and_runs_the_portal_as_a_role_that_owns_nothing():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    postgres = services["postgres"]["environment"]
    migrate = services["migrate"]["environment"]
    owner = urlsplit(migrate["DATABASE_URL"]).username
    assert owner == "portal" and owner != postgres["POSTGRES_USER"], "migrate connects as the owner, no superuser"
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        portal = urlsplit(environment["DATABASE_URL"])
        assert portal.username == migrate["DATABASE_APP_ROLE"] == "portal_app", name
        assert portal.username not in (owner, postgres["POSTGRES_USER"]), name
        others = [
            value for value in environment.values() if "DB_OWNER_PASSWORD" in value or "POSTGRES_PASSWORD" in value
        ]
        assert others == [], f"{name} knows no other role's password"
    # The roles are made by an init script the postgres image runs on an empty volume: the owner owns the
    # database (and so the tables migrate creates), the portal's role only connects.
    (init,) = [volume for volume in services["postgres"]["volumes"] if "/docker-entrypoint-initdb.d/" in volume]
    script = (ROOT / init.split(":")[0]).read_text()
    assert "CREATE ROLE portal LOGIN PASSWORD" in script and "CREATE ROLE portal_app LOGIN PASSWORD" in script
    assert "OWNER TO portal;" in script and "SUPERUSER" not in script and "CREATEDB" not in script


def test_dockerfile_collects_static_files_and_runs_unprivileged():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "collectstatic --noinput" in dockerfile
    assert "USER portal" in dockerfile


def test_ci_runs_the_readmes_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "make test" in (ROOT / "README.md").read_text()
    assert "make run" in (ROOT / "README.md").read_text()


def test_the_web_access_log_never_writes_a_query_string_or_referer():
    """What people search for (a consumer's name) is in the query string and the Referer: gunicorn's own logger,
    with the portal's settings, writes the path alone."""
    import datetime
    import importlib
    import logging
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    settings = importlib.import_module("config.gunicorn")
    config = Config()
    for name in ("accesslog", "access_log_format"):
        config.set(name, getattr(settings, name))
    logger = Logger(config)
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logger.access_log.handlers = [handler]
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/search/?q=Vandermolen", "PATH_INFO": "/search/",
               "QUERY_STRING": "q=Vandermolen", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.9",
               "HTTP_REFERER": "https://portal.example/book/?q=Vandermolen", "HTTP_USER_AGENT": "Chromium"}  # fmt: skip
    response = SimpleNamespace(status="200 OK", status_code=200, sent=512, response_length=512, headers=[])
    request = SimpleNamespace(headers=[], method="GET", path="/search/", query="q=Vandermolen", uri=environ["RAW_URI"])
    logger.access(response, request, environ, datetime.timedelta(milliseconds=42))
    assert len(lines) == 1 and '"GET /search/ HTTP/1.1" 200' in lines[0], lines
    assert "Vandermolen" not in lines[0]
    for command in (ROOT / "Dockerfile", ROOT / "docker-compose.yml"):
        assert "python:config.gunicorn" in command.read_text(), f"{command.name} runs gunicorn with these settings"


def test_compose_serves_online_chat_from_daphne_behind_a_load_balancer_that_sends_it_websockets():
    import shutil
    import subprocess

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert services["chat"]["command"][0] == "daphne" and services["chat"]["command"][-1] == "config.asgi:application"
    assert services["chat"]["environment"]["REDIS_URL"], "every chat process on the one Redis"
    config = (ROOT / "scripts" / "compose-haproxy.cfg").read_text()
    assert "acl chat path_beg /ws/" in config and "server-template chat" in config and "server-template web" in config
    assert any("compose-haproxy.cfg" in volume for volume in services["proxy"]["volumes"])
    haproxy = shutil.which("haproxy")  # make system-packages installs Debian's
    assert haproxy, "HAProxy checks the configuration: make system-packages installs it"
    checked = subprocess.run([haproxy, "-c", "-f", str(ROOT / "scripts" / "compose-haproxy.cfg")],
                             capture_output=True, text=True)  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_compose_offers_a_streaming_replica_and_an_object_store_as_optional_profiles():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    replica, store = services["postgres-replica"], services["objectstore"]
    assert replica["profiles"] == ["replica"] and store["profiles"] == ["s3"]
    assert services["objectstore-bucket"]["profiles"] == ["s3"]
    # The replica is a copy of the primary made by pg_basebackup as the replication role, then a hot standby.
    script = replica["command"][0]
    assert "pg_basebackup -h postgres -U replicator" in script and " -R " in script and "hot_standby=on" in script
    assert replica["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "wal_level=replica" in services["postgres"]["command"]
    (init,) = [volume for volume in services["postgres"]["volumes"] if "/docker-entrypoint-initdb.d/" in volume]
    roles = (ROOT / init.split(":")[0]).read_text()
    assert "CREATE ROLE replicator LOGIN REPLICATION PASSWORD" in roles
    assert "host replication replicator all scram-sha-256" in roles
    # Every process can be pointed at both; unset, the portal runs on the primary and its folder as before.
    for name in ("web", "worker", "beat", "chat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_REPLICA_URL"] == "${DATABASE_REPLICA_URL:-}"
        assert environment["AWS_STORAGE_BUCKET_NAME"] == "${AWS_STORAGE_BUCKET_NAME:-}"
        assert "OBJECTSTORE_PASSWORD" in environment["AWS_SECRET_ACCESS_KEY"]
    # The store never starts on default keys, and its data outlives the container.
    assert "MINIO_ROOT_PASSWORD" in store["command"][0] and "exit 1" in store["command"][0]
    assert "objectstore-data:/data" in store["volumes"] and "objectstore-data" in compose["volumes"]
    assert "postgres-replica-data" in compose["volumes"]
