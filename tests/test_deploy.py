"""The deployment files (deploy/, docs/deploiement.md): what an operator would notice.

Reads the files only (PyYAML, no Docker, no cluster): every Rasa container gets what
endpoints.production.yml needs, no secret is written down, Rasa runs several replicas with
several Sanic workers and no sticky session, nginx knows every replica, the ports agree, and
the commands name files that exist.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from serve.production import TICKET_LOCK_LIFETIME_S

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "kubernetes"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
NGINX_FILE = DEPLOY / "nginx" / "electromob.conf"

SECRET_NAME = re.compile(r"(PASSWORD|TOKEN|SECRET|DATABASE_URL|_AUTH)$", re.IGNORECASE)
COMPOSE_VAR = re.compile(r"^\$\{[A-Z][A-Z0-9_]*(:?[-?][^}]*)?\}$")
K8S_VAR = re.compile(r"^\$\([A-Z][A-Z0-9_]*\)$")
# The secrets a deployment is given from outside the repository (environment file, Kubernetes
# Secret); the containers read them and the catalog URL built with one of them.
SECRETS = {
    "BOT_RASA_TOKEN",
    "BOT_ACTIONS_SECRET",
    "BOT_TRACKER_DB_PASSWORD",
    "BOT_REDIS_PASSWORD",
    "BOT_CONSEILLER_SECRET",
    "BOT_REGION_SECRET",
}
SECRET_VARIABLES = SECRETS | {"BOT_DATABASE_URL"}
SECRET_FLAGS = {"--auth-token", "--requirepass"}
URL_PASSWORD = re.compile(r"^[a-z0-9+]+://(?:\$\{[^}]*\}|[^:@/]*):(\$\{[^}]*\}|[^@]*)@")
# How each role other than the Rasa server starts (entrypoint + command).
ROLE_PREFIXES = {
    "actions": ["python", "-m", "serve.action_server"],
    "web": ["python", "-m", "serve.web"],
    "catalog-refresh": ["python", "-m", "bot", "catalog", "refresh"],
    "retention": ["python", "-m", "serve", "conversations", "purge"],
}


def is_reference(key: str, value: str) -> bool:
    """${VAR} (compose), $(VAR) (Kubernetes), or a URL whose password is one of those."""
    if key.upper().endswith("DATABASE_URL"):
        match = URL_PASSWORD.match(value)
        return bool(match) and bool(COMPOSE_VAR.match(match.group(1)) or K8S_VAR.match(match.group(1)))
    return bool(COMPOSE_VAR.match(value) or K8S_VAR.match(value))


# --- reading the files ---------------------------------------------------------------------


def referenced_variables(node) -> set[str]:
    """The ${VAR} (also ${VAR:-default}, ${VAR:?message}) that a YAML document's values read,
    not its comments."""
    if isinstance(node, dict):
        return set().union(*map(referenced_variables, node.values()))
    if isinstance(node, list):
        return set().union(*map(referenced_variables, node))
    return set(re.findall(r"\$\{(\w+)", node)) if isinstance(node, str) else set()


def endpoint_variables() -> set[str]:
    return referenced_variables(yaml.safe_load((ROOT / "endpoints.production.yml").read_text(encoding="utf-8")))


def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def compose_env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def ours(image: str) -> bool:
    """The image of deploy/Dockerfile, whatever the registry and the tag."""
    return image.rsplit("/", 1)[-1].split(":", 1)[0] == "electromob-assistant"


def compose_command(service: dict) -> list[str]:
    """Entrypoint + command as the container runs them (the image's entrypoint is `rasa`)."""

    def as_list(value) -> list[str]:
        return value.split() if isinstance(value, str) else [str(v) for v in value]

    entrypoint = service.get("entrypoint", ["rasa"] if "build" in service else [])
    return as_list(entrypoint) + as_list(service.get("command", []))


def compose_rasa_services() -> dict[str, dict]:
    return {
        name: svc
        for name, svc in compose()["services"].items()
        if compose_command(svc)[:2] == ["rasa", "run"] and "--enable-api" in compose_command(svc)
    }


def has_role(cmd: list[str], role: str) -> bool:
    return cmd[: len(ROLE_PREFIXES[role])] == ROLE_PREFIXES[role]


def compose_role(role: str) -> dict[str, dict]:
    return {name: svc for name, svc in compose()["services"].items() if has_role(compose_command(svc), role)}


def k8s_objects() -> list[dict]:
    objects = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc:
                doc["_file"] = path.name
                objects.append(doc)
    return objects


def k8s(kind: str) -> list[dict]:
    return [obj for obj in k8s_objects() if obj["kind"] == kind]


def pod_spec(obj: dict) -> dict:
    if obj["kind"] == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return obj["spec"]["template"]["spec"]


def workloads() -> list[dict]:
    return [obj for obj in k8s_objects() if obj["kind"] in ("Deployment", "StatefulSet", "Job", "CronJob")]


def k8s_command(container: dict) -> list[str]:
    """command (else the image's `rasa` entrypoint, for our image) + args."""
    default = ["rasa"] if ours(container["image"]) else []
    return [str(v) for v in container.get("command", default)] + [str(v) for v in container.get("args", [])]


def k8s_env_names(container: dict) -> set[str]:
    names = {item["name"] for item in container.get("env", [])}
    config_maps = {cm["metadata"]["name"]: cm for cm in k8s("ConfigMap")}
    for source in container.get("envFrom", []):
        assert "configMapRef" in source, f"{container['name']}: envFrom other than a ConfigMap"
        names |= set(config_maps[source["configMapRef"]["name"]]["data"])
    return names


def k8s_containers(predicate) -> list[tuple[dict, dict]]:
    return [(obj, c) for obj in workloads() for c in pod_spec(obj)["containers"] if predicate(k8s_command(c))]


def is_rasa_server(cmd: list[str]) -> bool:
    return cmd[:2] == ["rasa", "run"] and "--enable-api" in cmd


def option(cmd: list[str], name: str) -> str:
    assert name in cmd, f"{name} missing from {cmd}"
    return cmd[cmd.index(name) + 1]


def nginx_conf() -> str:
    """nginx.conf without its comments."""
    return "\n".join(line.split("#", 1)[0] for line in NGINX_FILE.read_text(encoding="utf-8").splitlines())


def nginx_upstreams() -> dict[str, list[str]]:
    return {
        name: re.findall(r"^\s*server\s+([^\s;]+)", body, re.MULTILINE)
        for name, body in re.findall(r"upstream\s+(\w+)\s*\{(.*?)\}", nginx_conf(), re.DOTALL)
    }


def nginx_location_upstream(path: str) -> str:
    match = re.search(r"location\s+" + re.escape(path) + r"\s*\{[^}]*?proxy_pass\s+http://(\w+)", nginx_conf())
    assert match, f"nginx: no proxy_pass for location {path}"
    return match.group(1)


# --- every Rasa container gets what endpoints.production.yml reads ---------------------------


def test_endpoints_production_reads_the_documented_variables():
    assert endpoint_variables() == {
        "BOT_ACTION_URL",
        "BOT_ACTIONS_SECRET",
        "BOT_TRACKER_DB_HOST",
        "BOT_TRACKER_DB_PORT",
        "BOT_TRACKER_DB_NAME",
        "BOT_TRACKER_DB_USER",
        "BOT_TRACKER_DB_PASSWORD",
        "BOT_REDIS_HOST",
        "BOT_REDIS_PORT",
        "BOT_REDIS_PASSWORD",
        "BOT_REDIS_DB",
    }


def test_every_compose_rasa_container_gets_every_endpoint_variable():
    needed = endpoint_variables() | {"SANIC_WORKERS", "BOT_ALLOWED_ORIGINS", "BOT_RASA_TOKEN"}
    services = compose_rasa_services()
    assert services
    for name, service in services.items():
        missing = needed - set(compose_env(service))
        assert not missing, f"compose service {name} lacks {sorted(missing)}"


def test_every_k8s_rasa_container_gets_every_endpoint_variable():
    needed = endpoint_variables() | {"SANIC_WORKERS", "BOT_ALLOWED_ORIGINS", "BOT_RASA_TOKEN"}
    containers = k8s_containers(is_rasa_server)
    assert containers
    for obj, container in containers:
        missing = needed - k8s_env_names(container)
        assert not missing, f"{obj['_file']} {container['name']} lacks {sorted(missing)}"


@pytest.mark.parametrize(
    "role, needed",
    [
        ("actions", {"BOT_DATABASE_URL", "BOT_ACTIONS_SECRET"}),
        (
            "web",
            {"BOT_DATABASE_URL", "BOT_RASA_URL", "BOT_ALLOWED_ORIGINS", "BOT_CONSEILLER_SECRET", "BOT_REGION_SECRET"},
        ),
        ("catalog-refresh", {"BOT_DATABASE_URL"}),
        (
            "retention",
            {
                "BOT_TRACKER_DB_HOST",
                "BOT_TRACKER_DB_PORT",
                "BOT_TRACKER_DB_NAME",
                "BOT_TRACKER_DB_USER",
                "BOT_TRACKER_DB_PASSWORD",
            },
        ),
    ],
)
def test_the_other_roles_get_their_variables(role, needed):
    services = compose_role(role)
    assert services, f"compose: no {role} service"
    for name, service in services.items():
        missing = needed - set(compose_env(service))
        assert not missing, f"compose service {name} lacks {sorted(missing)}"
    containers = k8s_containers(lambda cmd: has_role(cmd, role))
    assert containers, f"kubernetes: no {role} container"
    for obj, container in containers:
        missing = needed - k8s_env_names(container)
        assert not missing, f"{obj['_file']} {container['name']} lacks {sorted(missing)}"


# --- no secret written in any deployment file -----------------------------------------------


def test_k8s_secrets_come_only_from_secret_key_refs():
    assert not k8s("Secret"), "a Secret manifest would put the values in the repository"
    checked, flags = set(), set()
    for obj in workloads():
        for container in pod_spec(obj)["containers"]:
            for item in container.get("env", []):
                if SECRET_NAME.search(item["name"]):
                    assert "secretKeyRef" in item.get("valueFrom", {}), (
                        f"{obj['_file']} {container['name']}: {item['name']} must come from a secretKeyRef"
                    )
                    checked.add(item["name"])
            cmd = k8s_command(container)
            for flag in SECRET_FLAGS & set(cmd):
                assert K8S_VAR.match(option(cmd, flag)), f"{obj['_file']}: {flag} written in clear"
                flags.add(flag)
    assert checked >= SECRET_VARIABLES, f"kubernetes: no container reads {sorted(SECRET_VARIABLES - checked)}"
    assert flags == SECRET_FLAGS, f"kubernetes: no command passes {sorted(SECRET_FLAGS - flags)}"
    for config_map in k8s("ConfigMap"):
        for key, value in config_map["data"].items():
            assert not SECRET_NAME.search(key), f"ConfigMap key {key} belongs in the Secret"
            assert "@" not in value, f"ConfigMap {key}: credentials in a URL"


def test_compose_secrets_come_only_from_the_environment():
    checked, flags = set(), set()
    for name, service in compose()["services"].items():
        env = compose_env(service)
        for key, value in env.items():
            if SECRET_NAME.search(key):
                assert is_reference(key, value) and "$(" not in value, (
                    f"compose {name}: {key} must be ${{VAR}}, not a value"
                )
                checked.add(key)
        cmd = compose_command(service)
        for flag in SECRET_FLAGS & set(cmd):
            assert COMPOSE_VAR.match(option(cmd, flag)), f"compose {name}: {flag} written in clear"
            flags.add(flag)
    assert checked >= SECRET_VARIABLES, f"compose: no service reads {sorted(SECRET_VARIABLES - checked)}"
    assert flags == SECRET_FLAGS, f"compose: no command passes {sorted(SECRET_FLAGS - flags)}"


def test_env_example_lists_every_secret_compose_reads_left_empty():
    """The operator fills in a copy of .env.example: every secret is there, without a value."""
    listed = {}
    for line in (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            listed[key.strip()] = value.strip()
    secrets = {key: value for key, value in listed.items() if SECRET_NAME.search(key)}
    assert {name for name in referenced_variables(compose()) if SECRET_NAME.search(name)} == SECRETS
    assert set(secrets) == SECRETS, f".env.example: secrets {sorted(SECRETS ^ set(secrets))} missing or unknown"
    for key, value in secrets.items():
        assert value == "", f".env.example: {key} must be left empty"


def test_no_secret_value_in_any_yaml_of_deploy():
    """A last net over every YAML file of deploy/: a key (or an env item) named like a secret
    never holds a value, only a reference."""

    def walk(node, where: str) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("name"), str) and SECRET_NAME.search(node["name"]):
                assert "value" not in node, f"{where}: {node['name']} has a value"
            for key, value in node.items():
                if isinstance(key, str) and SECRET_NAME.search(key) and isinstance(value, (str, int)) and str(value):
                    assert is_reference(key, str(value)), f"{where}: {key} holds a value"
                walk(value, where)
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    files = sorted(DEPLOY.rglob("*.yml")) + sorted(DEPLOY.rglob("*.yaml"))
    assert len(files) >= 5
    for path in files:
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            walk(doc, str(path.relative_to(ROOT)))


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()}
    for entry in (".git", ".venv", "models", "var", "reports", "**/__pycache__", ".env", "**/.env"):
        assert entry in ignored, f".dockerignore should exclude {entry}"


# --- several replicas, several workers, no sticky session -----------------------------------


def test_endpoints_production_uses_the_redis_lock_store():
    """Rasa honours SANIC_WORKERS > 1 only with a lock store other than the in-memory one."""
    endpoints = yaml.safe_load((ROOT / "endpoints.production.yml").read_text(encoding="utf-8"))
    assert endpoints["lock_store"]["type"] == "redis"


def test_compose_runs_two_rasa_replicas_with_several_workers():
    services = compose_rasa_services()
    replicas = sum(int(svc.get("deploy", {}).get("replicas", 1)) for svc in services.values())
    assert replicas >= 2
    for name, service in services.items():
        assert int(compose_env(service)["SANIC_WORKERS"]) > 1, name


def test_k8s_runs_two_rasa_replicas_with_several_workers():
    deployments = [
        obj for obj in k8s("Deployment") if any(is_rasa_server(k8s_command(c)) for c in pod_spec(obj)["containers"])
    ]
    assert len(deployments) == 1
    assert deployments[0]["spec"]["replicas"] >= 2
    container = next(c for c in pod_spec(deployments[0])["containers"] if is_rasa_server(k8s_command(c)))
    workers = next(item["value"] for item in container["env"] if item["name"] == "SANIC_WORKERS")
    assert int(workers) > 1


def test_a_dead_replica_blocks_a_conversation_as_briefly_everywhere():
    """The lock of a conversation whose replica died mid-turn expires as fast in compose and
    Kubernetes as in make run-production (Rasa's default, 60 s, is as long as nginx waits)."""
    for name, service in compose_rasa_services().items():
        assert compose_env(service).get("TICKET_LOCK_LIFETIME") == TICKET_LOCK_LIFETIME_S, name
    for obj, container in k8s_containers(is_rasa_server):
        env = {item["name"]: item.get("value") for item in container.get("env", [])}
        assert env.get("TICKET_LOCK_LIFETIME") == TICKET_LOCK_LIFETIME_S, obj["_file"]


def test_actions_run_two_pods_in_k8s():
    deployments = [
        obj
        for obj in k8s("Deployment")
        if any(has_role(k8s_command(c), "actions") for c in pod_spec(obj)["containers"])
    ]
    assert len(deployments) == 1 and deployments[0]["spec"]["replicas"] >= 2


def test_no_sticky_session_anywhere():
    for service in k8s("Service"):
        assert service["spec"].get("sessionAffinity", "None") == "None", service["metadata"]["name"]
    for ingress in k8s("Ingress"):
        assert ingress["spec"]["ingressClassName"] == "nginx"
        for annotation in ingress["metadata"].get("annotations", {}):
            assert not re.search(r"affinity|session-cookie|upstream-hash-by|sticky", annotation), annotation
    for directive in ("ip_hash", "hash", "sticky", "least_conn", "random"):
        assert not re.search(rf"^\s*{directive}\b", nginx_conf(), re.MULTILINE), f"nginx: {directive}"


# --- nginx knows every replica --------------------------------------------------------------


def test_nginx_proxies_to_every_rasa_replica():
    services = compose_rasa_services()
    expected = {f"{name}:{option(compose_command(svc), '--port')}" for name, svc in services.items()}
    upstreams = nginx_upstreams()
    for location in ("/webhooks/", "/socket.io"):
        assert set(upstreams[nginx_location_upstream(location)]) == expected, location


def test_nginx_proxies_websockets_and_limits_bodies():
    conf = nginx_conf()
    socket_io = re.search(r"location\s+/socket\.io\s*\{(.*?)\}", conf, re.DOTALL).group(1)
    assert "proxy_read_timeout" in socket_io
    assert re.search(r"proxy_set_header\s+Upgrade\s+\$http_upgrade", conf)
    assert re.search(r"proxy_set_header\s+Connection\s+\$\w+", conf)
    assert re.search(r"proxy_http_version\s+1\.1", conf)
    assert re.search(r"client_max_body_size\s+\d+[km]", conf)


def test_the_web_pages_relay_chat_to_the_load_balancer():
    """BOT_RASA_URL of the compose web service is nginx's internal entrance, which proxies to the replicas."""
    web = next(iter(compose_role("web").values()))
    url = urlsplit(compose_env(web)["BOT_RASA_URL"])
    assert url.hostname in compose()["services"] and "nginx" in compose()["services"][url.hostname]["image"]
    server = next(
        body
        for body in re.findall(r"server\s*\{(.*?)\n\}", nginx_conf(), re.DOTALL)
        if re.search(rf"listen\s+{url.port}\s*;", body)
    )
    assert re.search(r"proxy_pass\s+http://(\w+)", server).group(1) == nginx_location_upstream("/webhooks/")


def test_compose_mounts_the_nginx_config():
    volumes = compose()["services"]["nginx"]["volumes"]
    sources = [(DEPLOY / v.split(":")[0]).resolve() for v in volumes]
    assert NGINX_FILE.resolve() in sources


# --- ports agree ----------------------------------------------------------------------------


def container_ports(container: dict) -> dict[str, int]:
    ports = {}
    for port in container.get("ports", []):
        ports[str(port["containerPort"])] = port["containerPort"]
        if "name" in port:
            ports[port["name"]] = port["containerPort"]
    return ports


def pods_selected(selector: dict) -> list[dict]:
    return [
        obj
        for obj in workloads()
        if obj["kind"] in ("Deployment", "StatefulSet")
        and selector.items() <= obj["spec"]["template"]["metadata"]["labels"].items()
    ]


def test_k8s_container_ports_probes_and_commands_agree():
    for obj in workloads():
        for container in pod_spec(obj)["containers"]:
            ports = container_ports(container)
            cmd = k8s_command(container)
            if "--port" in cmd:
                assert int(option(cmd, "--port")) in ports.values(), f"{obj['_file']}: --port is not a containerPort"
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                http = container.get(probe, {}).get("httpGet")
                if http:
                    assert str(http["port"]) in ports, f"{obj['_file']} {probe}: port {http['port']} not declared"
                    assert int(option(cmd, "--port")) == ports[str(http["port"])]


def test_k8s_services_select_one_workload_and_reach_its_port():
    services = {svc["metadata"]["name"]: svc for svc in k8s("Service")}
    for name, service in services.items():
        pods = pods_selected(service["spec"]["selector"])
        assert len(pods) == 1, f"Service {name} selects {len(pods)} workloads"
        ports = {}
        for container in pod_spec(pods[0])["containers"]:
            ports.update(container_ports(container))
        for port in service["spec"]["ports"]:
            assert str(port.get("targetPort", port["port"])) in ports, f"Service {name}: targetPort not in the pod"
            assert ports[str(port.get("targetPort", port["port"]))] == port["port"], (
                f"Service {name}: port {port['port']} differs from the container's (one port per role everywhere)"
            )


def test_k8s_ingress_and_urls_point_at_existing_services():
    services = {svc["metadata"]["name"]: svc for svc in k8s("Service")}

    def service_port(host: str, port: int) -> None:
        assert host in services, f"no Service {host}"
        assert port in [p["port"] for p in services[host]["spec"]["ports"]], f"Service {host} has no port {port}"

    for ingress in k8s("Ingress"):
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                names = [p.get("name") for p in services[backend["name"]]["spec"]["ports"]]
                assert backend["port"].get("name") in names or backend["port"].get("number"), path["path"]
    data = k8s("ConfigMap")[0]["data"]
    for key in ("BOT_ACTION_URL", "BOT_RASA_URL"):
        url = urlsplit(data[key])
        service_port(url.hostname, url.port)
    service_port(data["BOT_TRACKER_DB_HOST"], int(data["BOT_TRACKER_DB_PORT"]))
    service_port(data["BOT_REDIS_HOST"], int(data["BOT_REDIS_PORT"]))


def test_k8s_ingress_exposes_the_channels_and_the_pages_not_the_rasa_api():
    paths = {
        path["path"]: path["backend"]["service"]["name"]
        for ingress in k8s("Ingress")
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    assert paths == {"/webhooks": "electromob-rasa", "/socket.io": "electromob-rasa", "/": "electromob-web"}


def test_compose_ports_agree():
    services = compose()["services"]
    for name, service in services.items():
        cmd = compose_command(service)
        check = service.get("healthcheck", {}).get("test", [])
        urls = [urlsplit(part) for part in check if str(part).startswith("http://")]
        if "--port" in cmd and urls:
            assert urls[0].port == int(option(cmd, "--port")), f"compose {name}: health check port"
    for rasa in compose_rasa_services().values():
        action_url = urlsplit(compose_env(rasa)["BOT_ACTION_URL"])
        actions = services[action_url.hostname]
        assert int(option(compose_command(actions), "--port")) == action_url.port
        assert compose_env(rasa)["BOT_TRACKER_DB_HOST"] in services and compose_env(rasa)["BOT_REDIS_HOST"] in services
    ((web_name, web),) = compose_role("web").items()
    web_port = option(compose_command(web), "--port")
    assert nginx_upstreams()[nginx_location_upstream("/")] == [f"{web_name}:{web_port}"]


# --- commands name files that exist ---------------------------------------------------------


def all_commands() -> list[tuple[str, list[str]]]:
    commands = [
        (f"compose {name}", compose_command(svc)) for name, svc in compose()["services"].items() if "build" in svc
    ]
    commands += [
        (f"{obj['_file']} {c['name']}", k8s_command(c))
        for obj in workloads()
        for c in pod_spec(obj)["containers"]
        if ours(c["image"])
    ]
    return commands


def test_commands_refer_to_files_that_exist():
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    commands = all_commands()
    assert commands
    for where, cmd in commands:
        if is_rasa_server(cmd):
            assert (ROOT / option(cmd, "--endpoints")).is_file(), where
            assert option(cmd, "--endpoints") == "endpoints.production.yml", where
            assert (ROOT / option(cmd, "--credentials")).is_file(), where
            # The model is the one the image trains: rasa train --fixed-model-name model --out models
            assert option(cmd, "--model") == "models/model.tar.gz", where
            assert re.search(r"rasa train --fixed-model-name model --out models", dockerfile)
        elif cmd[:2] == ["python", "-m"]:
            module = ROOT / cmd[2].replace(".", "/")
            assert module.with_suffix(".py").is_file() or (module / "__main__.py").is_file(), where
        else:
            pytest.fail(f"{where}: unknown role {cmd}")


def holds_lheo_files(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob("*.xml"))


def test_the_catalog_refresh_reads_a_folder_of_lheo_files():
    """Each refresh runs on a folder of the image holding LHEO files (the demo catalog), or on a
    mounted volume: in compose a host folder, by default the demo catalog's."""
    services = compose_role("catalog-refresh")
    assert services
    for name, service in services.items():
        (folder,) = compose_command(service)[5:]
        mounts = {target: source for source, target, *_ in (v.rsplit(":", 2) for v in service.get("volumes", []))}
        default = re.fullmatch(r"\$\{[A-Z_]+:-([^}]+)\}", mounts[folder]).group(1)
        assert holds_lheo_files((DEPLOY / default).resolve()), f"compose {name}: {default}"
    containers = k8s_containers(lambda cmd: has_role(cmd, "catalog-refresh"))
    assert {obj["kind"] for obj, _ in containers} == {"Job", "CronJob"}
    for obj, container in containers:
        (folder,) = k8s_command(container)[5:]
        mounted = {mount["mountPath"] for mount in container.get("volumeMounts", [])}
        assert folder in mounted or holds_lheo_files(ROOT / folder), f"{obj['_file']}: {folder}"


def test_the_image_follows_rasa_conventions_and_the_pinned_version():
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    pinned = re.search(r'"rasa==([\d.]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8")).group(1)
    assert f"rasa/rasa:{pinned}" in dockerfile
    assert re.search(r"^USER 1001$", dockerfile, re.MULTILINE)
    assert re.search(r"^WORKDIR /app$", dockerfile, re.MULTILINE)
    assert re.findall(r"^USER .*$", dockerfile, re.MULTILINE)[-1] == "USER 1001", "the last USER must not be root"
    for obj in workloads():
        if any(ours(c["image"]) for c in pod_spec(obj)["containers"]):
            context = pod_spec(obj)["securityContext"]
            assert context["runAsNonRoot"] is True and context["runAsUser"] == 1001, obj["_file"]


def test_compose_and_kustomization_name_files_that_exist():
    for service in compose()["services"].values():
        if "build" in service:
            context = (DEPLOY / service["build"]["context"]).resolve()
            assert context == ROOT
            assert (context / service["build"]["dockerfile"]).is_file()
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    for resource in kustomization["resources"]:
        assert (K8S / resource).is_file(), resource
    outside = {p.name for p in K8S.glob("*.yaml")} - set(kustomization["resources"]) - {"kustomization.yaml"}
    assert outside == {"catalog-import-job.yaml", "test-backends.yaml"}


def test_the_import_job_runs_the_image_kustomize_deploys():
    """catalog-import-job.yaml is created outside kustomize: its image must be the one kustomize sets."""
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    (image,) = [i for i in kustomization["images"] if i["name"] == "electromob-assistant"]
    deployed = f"{image.get('newName', image['name'])}:{image['newTag']}"
    (job,) = [obj for obj in k8s("Job") if obj["_file"] == "catalog-import-job.yaml"]
    assert [c["image"] for c in pod_spec(job)["containers"]] == [deployed]
    for obj in workloads():
        if obj["_file"] != "test-backends.yaml":
            assert all(ours(c["image"]) for c in pod_spec(obj)["containers"]), obj["_file"]


def test_the_deployment_guide_names_the_files_and_the_secret():
    guide = (ROOT / "docs" / "deploiement.md").read_text(encoding="utf-8")
    for needle in ("docker-compose.yml", "make run-production", "kubectl apply -k deploy/kubernetes"):
        assert needle in guide, needle
    refs = [
        ref
        for obj in workloads()
        for c in pod_spec(obj)["containers"]
        for item in c.get("env", [])
        for ref in [item.get("valueFrom", {}).get("secretKeyRef")]
        if ref
    ]
    (secret,) = {ref["name"] for ref in refs}
    assert re.search(rf"kubectl (-n electromob )?create secret generic {secret}\b", guide)
    keys = {ref["key"] for ref in refs}
    for key in keys:
        assert f"--from-literal={key}=" in guide, f"the kubectl create secret command lacks {key}"
    for variable in endpoint_variables() | {
        "SANIC_WORKERS",
        "BOT_RASA_TOKEN",
        "BOT_ALLOWED_ORIGINS",
        "BOT_DATABASE_URL",
        "BOT_CONSEILLER_SECRET",
        "BOT_REGION_SECRET",
        "BOT_RASA_URL",
    }:
        assert f"`{variable}`" in guide, f"the variables table lacks {variable}"
