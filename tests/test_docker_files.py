"""docker/ cannot drift from the code: every command the image and the compose file run is a
real command with real options, every variable is a real setting, every setting is documented.

No Docker engine runs here. `make lint` lints the Dockerfile (hadolint) and validates the
compose file (`docker-compose config`); these tests check what those tools cannot know: that
`tracker serve --no-scheduler ...` parses with ITA Tracker's own click commands (parsed, never
invoked), that `prefect worker start --pool ...` parses with Prefect's CLI and names the work
pool `tracker deploy` registers, that the ports, secrets and profiles agree.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import inspect
import io
import json
import re
import shlex
import sys
import tarfile
import tomllib
import warnings
from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import click
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCKER = ROOT / "docker"
SECRETS_DIR = "/run/secrets/"

# --- reading the files ------------------------------------------------------------------------


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, its arguments) of a Dockerfile, continuation lines joined, comments and
    parser directives dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):  # a comment inside a continued instruction
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = (pending + stripped).strip()
        pending = ""
        keyword, _, rest = whole.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    return instructions


def runtime_stage(instructions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The instructions of the last stage (the image that runs)."""
    starts = [i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM"]
    return instructions[starts[-1] :]


def exec_form(arguments: str) -> list[str]:
    """A JSON-array instruction's argv; fails on the shell form, whose words a shell splits."""
    argv = json.loads(arguments)
    assert isinstance(argv, list), f"not the exec form: {arguments}"
    assert all(isinstance(word, str) for word in argv), arguments
    return argv


def env_variables(arguments: str) -> dict[str, str]:
    """``ENV a=1 b=2`` as a dictionary."""
    pairs = (word.partition("=") for word in shlex.split(arguments))
    return {name: value for name, _, value in pairs}


class Image:
    """What the runtime stage of docker/Dockerfile declares."""

    def __init__(self, path: Path) -> None:
        stage = runtime_stage(dockerfile_instructions(path.read_text(encoding="utf-8")))
        last = dict(stage)  # Docker keeps the last of each
        self.entrypoint = exec_form(last["ENTRYPOINT"])
        self.cmd = exec_form(last["CMD"])
        _options, _, check = last["HEALTHCHECK"].partition("CMD ")
        assert check, "the HEALTHCHECK runs no CMD"
        self.healthcheck = exec_form(check)
        self.env: dict[str, str] = {}
        for keyword, rest in stage:
            if keyword == "ENV":
                self.env |= env_variables(rest)
        self.exposed = last["EXPOSE"].split()


@pytest.fixture(scope="module")
def image() -> Image:
    return Image(DOCKER / "Dockerfile")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    # PyYAML's safe loader follows the `<<: *anchor` merges as Compose does.
    loaded = yaml.safe_load((DOCKER / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def env_example_lines() -> list[str]:
    return (DOCKER / ".env.example").read_text(encoding="utf-8").splitlines()


VARIABLE_LINE = re.compile(r"^#?\s?([A-Z][A-Z0-9_]*)=(.*)$")


def env_example() -> dict[str, str]:
    """Every ``NAME=value`` of docker/.env.example, set or commented out (``# NAME=value``)."""
    found: dict[str, str] = {}
    for line in env_example_lines():
        match = VARIABLE_LINE.match(line)
        if match:
            name, value = match.groups()
            assert name not in found, f".env.example lists {name} twice"
            found[name] = value
    return found


def ours(service: dict[str, Any]) -> bool:
    """Whether a compose service runs the image of docker/Dockerfile."""
    build = service.get("build")
    return isinstance(build, dict) and build.get("dockerfile") == "docker/Dockerfile"


def argv_of(service: dict[str, Any], image: Image) -> list[str]:
    """What the container runs: its entrypoint (or the image's) then its command (or the
    image's CMD, which Docker drops when the entrypoint is replaced). A ``sh -c '... exec
    "$@"' NAME`` entrypoint is a wrapper: what it execs is the command."""
    entrypoint = service.get("entrypoint", image.entrypoint)
    command = service.get("command", image.cmd if "entrypoint" not in service else [])
    assert isinstance(entrypoint, list), "entrypoints are lists (the exec form)"
    assert isinstance(command, list), "commands are lists (the exec form)"
    if entrypoint[:2] == ["/bin/sh", "-c"]:
        script = entrypoint[2]
        # "$$" is Compose's escape of "$": the container's shell sees exec "$@".
        assert script.rstrip().endswith('exec "$$@"'), f"a wrapper must exec its command: {script}"
        assert len(entrypoint) == 4, "the wrapper names itself ($0) and nothing more"
        return list(command)
    return [*entrypoint, *command]


def tracker_services(compose: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, service in compose["services"].items():
        if ours(service):
            yield name, service


# --- the commands -----------------------------------------------------------------------------


def parse_tracker(args: list[str]) -> click.Context:
    """``tracker ARGS`` parsed by the real click commands down to the last subcommand, and
    never invoked: an unknown command or option, a bad value or a missing required option is
    a click.UsageError. The innermost context, whose ``params`` are the parsed options."""
    from tracker.cli import cli

    ctx = cli.make_context("tracker", list(args), resilient_parsing=False)
    command: click.Command = cli
    while isinstance(command, click.Group) and (unparsed := left_for_subcommand(ctx)):
        name, sub, rest = command.resolve_command(ctx, unparsed)
        assert name is not None
        assert sub is not None
        ctx = sub.make_context(name, rest, parent=ctx, resilient_parsing=False)
        command = sub
    return ctx


def left_for_subcommand(ctx: click.Context) -> list[str]:
    """The tokens a group's parsing left for its subcommand: click 8 keeps the subcommand's
    name apart (Context.protected_args, deprecated since 8.2), click 9 leaves all in args."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        protected = getattr(ctx, "protected_args", [])
    return [*protected, *ctx.args]


def parse_prefect(args: list[str]) -> tuple[str, dict[str, Any]]:
    """``prefect ARGS`` parsed by Prefect's own CLI (cyclopts; never run): the function's
    qualified name and its bound arguments. An unknown command or option raises."""
    # prefect.cli.app is the console script's wrapper; the cyclopts App is _app (prefect pinned
    # in constraints.txt: a Prefect that moves it fails here, loudly, not silently).
    from prefect.cli._app import _app

    function, bound, _ = _app.parse_args(
        args, exit_on_error=False, print_error=False, help_on_error=False
    )
    return f"{function.__module__}.{function.__name__}", dict(bound.arguments)


def test_parse_tracker_refuses_what_the_cli_would():
    """The checker itself: it accepts a real command line and refuses a misspelled option, an
    unknown command and a bad value, as `tracker` would."""
    assert parse_tracker(["serve", "--no-scheduler", "--port", "8000"]).params["port"] == 8000
    with pytest.raises(click.UsageError):
        parse_tracker(["serve", "--no-schedular"])
    with pytest.raises(click.UsageError):
        parse_tracker(["db", "upgrad"])
    with pytest.raises(click.UsageError):
        parse_tracker(["serve", "--port", "eighty"])
    with pytest.raises(click.UsageError):
        parse_tracker(["users", "add", "somchai"])  # --role is required


def test_every_tracker_command_of_the_image_and_compose_is_real(compose, image):
    """Each service of our image runs `tracker ...` or `prefect ...`; each `tracker` one parses."""
    checked = {}
    for name, service in tracker_services(compose):
        argv = argv_of(service, image)
        assert argv[0] in {"tracker", "prefect"}, f"{name} runs {argv[0]!r}"
        if argv[0] == "tracker":
            checked[name] = parse_tracker(argv[1:]).command_path
    # The image's own default: `docker run IMAGE` serves (with the embedded scheduler).
    assert image.entrypoint == ["tracker"]
    assert parse_tracker(image.cmd).command_path == "tracker serve"
    assert checked == {
        "migrate": "tracker db upgrade",
        "web": "tracker serve",
        "scheduler": "tracker run",
        "deploy": "tracker deploy",
    }


def test_web_serves_without_the_scheduler_on_the_port_published_and_checked(compose, image):
    """`web` leaves scheduling to `scheduler` or Prefect, listens on all addresses of the
    container, on the port compose publishes, the image exposes and its HEALTHCHECK asks."""
    web = compose["services"]["web"]
    params = parse_tracker(argv_of(web, image)[1:]).params
    assert params["no_scheduler"] is True
    assert params["host"] == "0.0.0.0"
    published = {str(mapping).rsplit(":", 1)[1] for mapping in web["ports"]}
    assert published == {str(params["port"])}
    assert image.exposed == [str(params["port"])]
    assert parse_tracker(image.cmd).params["port"] == params["port"]
    assert "healthcheck" not in web, "web keeps the image's HEALTHCHECK"
    url = health_url(image.healthcheck)
    assert (url.hostname, url.port) == ("127.0.0.1", params["port"])


def health_url(check: list[str]) -> Any:
    """The URL a ``python -c "...urlopen('URL'...)"`` health check asks."""
    assert check[:2] == ["python", "-c"], check
    found = re.search(r"urlopen\('([^']+)'", check[2])
    assert found, check[2]
    return urlsplit(found.group(1))


def test_the_health_check_asks_a_public_route_of_the_web_app(image):
    """The image's HEALTHCHECK GETs a route the web app has, one that needs no sign-in."""
    from tracker.web.routes import signin

    path = health_url(image.healthcheck).path
    routes = {route.path: route for route in signin.router.routes}  # type: ignore[attr-defined]
    assert path in routes, f"{path} is not a route of the web app"
    endpoint = routes[path].endpoint  # type: ignore[attr-defined]
    assert "PUBLIC" in inspect.getsource(endpoint), f"{path} must answer without signing in"


def test_prefect_commands_are_real_and_use_the_work_pool_tracker_deploy_registers(compose, image):
    """The worker polls the pool `tracker deploy` fills (flows.deploy.WORK_POOL), as a process
    worker; the server listens where the worker, `deploy` and the health check look for it."""
    from flows.deploy import WORK_POOL

    services = compose["services"]
    worker = parse_prefect(argv_of(services["prefect-worker"], image)[1:])
    assert worker == (
        "prefect.cli.worker.start",
        {"work_pool_name": WORK_POOL, "worker_type": "process"},
    )
    deploy = parse_tracker(argv_of(services["deploy"], image)[1:])
    assert deploy.params["work_pool"] == WORK_POOL
    assert deploy.params["dry_run"] is False
    function, server = parse_prefect(argv_of(services["prefect-server"], image)[1:])
    assert function == "prefect.cli.server.start"
    assert server["host"] == "0.0.0.0"
    api = f"http://prefect-server:{server['port']}/api"
    for name in ("prefect-worker", "deploy"):
        assert services[name]["environment"]["PREFECT_API_URL"] == api, name
    url = health_url(services["prefect-server"]["healthcheck"]["test"][1:])
    assert (url.port, url.path) == (server["port"], "/api/health")


def test_parse_prefect_refuses_a_misspelled_option_or_command():
    from cyclopts.exceptions import UnknownCommandError, UnknownOptionError

    with pytest.raises(UnknownOptionError, match="--pol"):
        parse_prefect(["worker", "start", "--pol", "ita-tracker"])
    with pytest.raises(UnknownCommandError):
        parse_prefect(["server", "strat"])


# --- services, profiles, secrets --------------------------------------------------------------


def test_one_scheduler_per_profile_and_everything_waits_for_the_migration(compose):
    """`scheduler` is the `embedded` profile, the Prefect services the `prefect` profile, the
    database, the migration and the web app are always there; .env.example picks one profile.
    Every service of our image but the migration starts after it has succeeded."""
    services = compose["services"]
    profiles = {name: tuple(service.get("profiles", ())) for name, service in services.items()}
    assert profiles == {
        "db": (),
        "migrate": (),
        "web": (),
        "scheduler": ("embedded",),
        "prefect-db": ("prefect",),
        "prefect-server": ("prefect",),
        "prefect-worker": ("prefect",),
        "deploy": ("prefect",),
    }
    assert env_example()["COMPOSE_PROFILES"] in {"embedded", "prefect"}
    for name, service in tracker_services(compose):
        if name in ("migrate", "prefect-server"):
            continue
        wait = service["depends_on"]["migrate"]
        assert wait == {"condition": "service_completed_successfully"}, name
    assert services["migrate"]["depends_on"]["db"] == {"condition": "service_healthy"}
    for one_shot in ("migrate", "deploy"):
        assert services[one_shot]["restart"] == "no", one_shot


def test_every_secret_named_is_declared_mounted_and_given_as_a_file(compose):
    """A ``/run/secrets/NAME`` in compose.yaml or .env.example is a secret declared at the top
    and mounted in every service that may read it; PostgreSQL's password is a file too."""
    declared = set(compose["secrets"])
    services = compose["services"]
    for name, service in services.items():
        mounted = set(service.get("secrets", ()))
        assert mounted <= declared, name
        variables = {**service.get("environment", {})}
        if ours(service) and name != "prefect-server":
            variables |= {k: v for k, v in env_example().items() if k.startswith("TRACKER_")}
        for variable, value in variables.items():
            if str(value).startswith(SECRETS_DIR):
                secret = str(value).removeprefix(SECRETS_DIR)
                assert secret in mounted, f"{name}: {variable} reads {secret}, not mounted"
    for database in ("db", "prefect-db"):
        environment = services[database]["environment"]
        assert "POSTGRES_PASSWORD" not in environment
        assert environment["POSTGRES_PASSWORD_FILE"].startswith(SECRETS_DIR)
    wrapper = services["prefect-server"]["entrypoint"][2]
    read = re.findall(r"cat (/run/secrets/\S+?)\)", wrapper)
    assert [path.removeprefix(SECRETS_DIR) for path in read] == ["prefect_db_password"]
    assert "prefect_db_password" in services["prefect-server"]["secrets"]


def test_every_compose_variable_is_in_the_env_example(compose):
    """Each ``${NAME...}`` that compose.yaml substitutes is listed (with its default) in
    .env.example, so an office sees every knob in one file."""
    text = (DOCKER / "compose.yaml").read_text(encoding="utf-8")
    used = set(re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)", text))
    assert used, "compose.yaml substitutes nothing?"
    missing = used - set(env_example())
    assert not missing, f"not in .env.example: {sorted(missing)}"
    for name in used:
        default = re.search(rf"\$\{{{name}:-([^}}]*)\}}", text)
        if default:
            assert env_example()[name] == default.group(1), f"{name}: .env.example vs compose"


# --- settings ---------------------------------------------------------------------------------


def settings_fields() -> dict[str, dataclasses.Field[Any]]:
    from tracker.config import Settings

    return {f.name: f for f in dataclasses.fields(Settings) if f.name != "channel_settings"}


def is_setting_variable(variable: str) -> bool:
    """Whether ITA Tracker reads ``variable``: a Settings field (TRACKER_<FIELD>), the _FILE
    variant of one that has it, a channel's TRACKER_<CHANNEL>_<FIELD>[_FILE] whose field its
    transport reads, or TRACKER_DEBUG (read by the CLI's last-resort error report)."""
    from tracker import config
    from tracker.cli import _last_resort
    from tracker.notify import CHANNELS, transport_class

    name = variable.removeprefix("TRACKER_").lower()
    if name in settings_fields():
        return True
    if name.endswith("_file") and name.removesuffix("_file") in config.FILE_SETTINGS:
        return True
    if variable == "TRACKER_DEBUG":
        return '"TRACKER_DEBUG"' in inspect.getsource(_last_resort)
    for channel in CHANNELS:
        prefix = channel.replace("-", "_") + "_"
        if name.startswith(prefix):
            field = name.removeprefix(prefix).removesuffix("_file")
            source = inspect.getsource(sys.modules[transport_class(channel).__module__])
            return f'"{field}"' in source
    return False


def test_is_setting_variable_refuses_a_misspelled_variable():
    assert is_setting_variable("TRACKER_SMTP_HOST")
    assert is_setting_variable("TRACKER_SMTP_PASSWORD_FILE")
    assert is_setting_variable("TRACKER_LINE_TOKEN_FILE")
    assert not is_setting_variable("TRACKER_SMTP_HOSTNAME")
    assert not is_setting_variable("TRACKER_SMTP_HOST_FILE")  # no _FILE variant
    assert not is_setting_variable("TRACKER_LINE_TOKN")


def test_every_tracker_variable_anywhere_is_a_real_setting(compose, image):
    """No TRACKER_* in .env.example, compose.yaml or the Dockerfile that the code does not read."""
    variables = {name for name in env_example() if name.startswith("TRACKER_")}
    variables |= {name for name in image.env if name.startswith("TRACKER_")}
    for service in compose["services"].values():
        variables |= {n for n in service.get("environment", {}) if n.startswith("TRACKER_")}
    unknown = sorted(v for v in variables if not is_setting_variable(v))
    assert not unknown, f"not read by ITA Tracker: {unknown}"


def test_every_setting_is_in_the_env_example_and_secrets_only_as_files():
    """Each Settings field has its line in .env.example, with a comment above it; a secret (a
    field kept out of repr) only as its _FILE variant, pointing at a secret file."""
    from tracker.config import FILE_SETTINGS

    listed = env_example()
    lines = env_example_lines()
    # The check can fail: a variable right under another family's has no comment of its own.
    assert not has_comment(["# A comment.", "# TRACKER_A=1", "TRACKER_B="], "TRACKER_B")
    assert has_comment(["# A comment.", "# TRACKER_B_1=1", "TRACKER_B_2="], "TRACKER_B_2")
    for name, spec in settings_fields().items():
        variable = f"TRACKER_{name.upper()}"
        secret = not spec.repr
        if secret:
            assert name in FILE_SETTINGS, f"{variable} is a secret with no _FILE variant"
            assert variable not in listed, f"{variable}: a secret is shown as its _FILE only"
            variable += "_FILE"
            assert listed.get(variable, "").startswith(SECRETS_DIR), variable
        assert variable in listed, f"{variable} is not in .env.example"
        assert has_comment(lines, variable), f"{variable} has no comment above it"


def has_comment(lines: list[str], variable: str) -> bool:
    """Whether ``variable``'s line has a comment line (prose, not a commented-out variable)
    right above it, or above the lines of its family it follows (TRACKER_SMTP_STARTTLS and
    TRACKER_SMTP_TLS share one: the same first word after TRACKER_)."""
    at = next(i for i, line in enumerate(lines) if line.split("=", 1)[0].lstrip("# ") == variable)
    while at > 0 and (match := VARIABLE_LINE.match(lines[at - 1])):
        if family(match.group(1)) != family(variable):
            return False
        at -= 1
    return at > 0 and lines[at - 1].startswith("# ") and len(lines[at - 1]) > 3


def family(variable: str) -> str:
    return "_".join(variable.split("_")[:2])


def test_the_image_default_keeps_everything_in_its_volume(image, compose):
    """The image on its own writes its SQLite file, evidence and outbox under its VOLUME, the
    directory compose mounts the data volume on."""
    from tracker.db import sqlite_url

    data = image.env["TRACKER_DATA_DIR"]
    assert image.env["TRACKER_DATABASE_URL"] == sqlite_url(Path(data) / "tracker.db")
    assert image.env["TRACKER_OUTBOX_DIR"].startswith(data + "/")
    for name, service in tracker_services(compose):
        if name == "prefect-server":
            continue
        assert f"tracker-data:{data}" in service["volumes"], name
        assert service["environment"]["TRACKER_DATA_DIR"] == data, name


# --- htmx in the image ------------------------------------------------------------------------


def load_fetch_htmx() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fetch_htmx", DOCKER / "fetch_htmx.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def npm_tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_the_image_fetches_the_htmx_the_web_app_serves_and_installs_it():
    """fetch_htmx.py reads the Makefile's pin; its destination is the file base.html loads from
    the app's static folder, and pyproject's package data carries it into a (non-editable)
    install, where the image's web app serves it from."""
    from tracker.web.app import STATIC_DIR

    fetch_htmx = load_fetch_htmx()
    pin = fetch_htmx.read_pin(ROOT / "Makefile")
    assert re.fullmatch(r"2\.\d+\.\d+", pin.version)  # htmx 2 (npm's latest is 4.x)
    served = (ROOT / pin.destination).resolve().relative_to(STATIC_DIR)
    base = (STATIC_DIR.parent / "templates" / "base.html").read_text(encoding="utf-8")
    assert f'src="/static/{served.as_posix()}"' in base
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = package_data["tool"]["setuptools"]["package-data"]["tracker"]
    inside = (ROOT / pin.destination).relative_to(ROOT / "tracker").as_posix().split("/")
    assert any(
        len(parts := pattern.split("/")) == len(inside) and all(map(fnmatchcase, inside, parts))
        for pattern in patterns
    ), f"no package-data pattern carries {'/'.join(inside)}"


def test_fetch_htmx_writes_only_the_file_of_the_pinned_sha256(tmp_path, monkeypatch):
    fetch_htmx = load_fetch_htmx()
    script = b"/* htmx */"
    good = hashlib.sha256(script).hexdigest()
    tarball = npm_tarball({fetch_htmx.MEMBER: script, "package/package.json": b"{}"})
    urls: list[str] = []
    monkeypatch.setattr(fetch_htmx, "download", lambda url: urls.append(url) or tarball)
    destination = tmp_path / "vendor" / "htmx.min.js"

    with pytest.raises(fetch_htmx.FetchError, match="expected " + "0" * 64):
        fetch_htmx.fetch(fetch_htmx.Pin("2.0.11", "0" * 64, destination))
    assert not destination.exists()

    assert fetch_htmx.fetch(fetch_htmx.Pin("2.0.11", good, destination)) is True
    assert destination.read_bytes() == script
    assert urls == [f"{fetch_htmx.REGISTRY}/htmx.org/-/htmx.org-2.0.11.tgz"] * 2
    # Already there and checked: nothing fetched.
    assert fetch_htmx.fetch(fetch_htmx.Pin("2.0.11", good, destination)) is False
    assert len(urls) == 2

    without = npm_tarball({"package/package.json": b"{}"})
    with pytest.raises(fetch_htmx.FetchError, match=r"no package/dist/htmx\.min\.js"):
        fetch_htmx.extract(without)
    with pytest.raises(fetch_htmx.FetchError, match="cannot be read"):
        fetch_htmx.extract(b"not a tarball")


def test_fetch_htmx_fails_in_one_line_on_a_makefile_without_the_pin(tmp_path, capsys):
    fetch_htmx = load_fetch_htmx()
    makefile = tmp_path / "Makefile"
    makefile.write_text("HTMX_VERSION := 2.0.11\n", encoding="utf-8")
    assert fetch_htmx.main([str(makefile)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "HTMX_SHA256" in err
