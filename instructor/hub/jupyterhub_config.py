"""JupyterHub for a class on one machine: the setup that tests/hub/test_hub.py runs.

Students log in with their name and a class password, and each gets a JupyterLab of their own
in a home folder of their own, with the course's Python environment (this repository's
``.venv``: the pins of ``requirements.txt``, ``teamsim`` and nbgitpuller). The instructor's
nbgitpuller links (see the instructor guide) bring the student repository into each home.
From the repository root, after ``make venv node``:

    COURSE_HUB_PASSWORD='a class password' COURSE_HUB_USERS='ana ben chloe' \\
        .venv/bin/jupyterhub -f instructor/hub/jupyterhub_config.py

then open http://127.0.0.1:8000/ (set ``COURSE_HUB_IP=0.0.0.0`` to let the room's laptops in,
behind HTTPS: see the guide). Settings, all environment variables:

``COURSE_HUB_PASSWORD``
    the class password, 8 characters or more (required);
``COURSE_HUB_USERS``
    the students' user names, separated by spaces or commas (default: anyone who has the
    password may pick a name);
``COURSE_HUB_DIR``
    the hub's database, cookie secret and the students' homes (``homes/NAME``); default
    ``~/course-hub``;
``COURSE_HUB_IP``, ``COURSE_HUB_PORT``
    where students connect (default 127.0.0.1 and 8000);
``COURSE_HUB_API_PORT``, ``COURSE_HUB_PROXY_API_PORT``
    the hub's and the proxy's own ports on 127.0.0.1 (default 8081 and 8001).

What it is and is not: every student's server runs as the OS user who started the hub
(``SimpleLocalProcessSpawner``), as root too (with ``--allow-root``), so students are kept
apart by convention, not by the operating system, and nothing limits one student's memory or
CPU. That suits a workshop or a trusted class on one machine. For a class that outgrows it,
or when students must not reach each other's files, use the Kubernetes route of the guide
(Zero to JupyterHub: ``z2jh-values.yaml`` and ``Dockerfile`` beside this file).

The passwords are those of ``SharedPasswordAuthenticator``, JupyterHub's successor (since 5.3)
to the password of ``DummyAuthenticator``: anyone with the class password can log in as any
student, so keep it to the room.
"""

# JupyterHub runs this file with get_config() already defined.
# ruff: noqa: F821
from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
PROXY = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"

state = Path(os.environ.get("COURSE_HUB_DIR", "~/course-hub")).expanduser().resolve()
state.mkdir(parents=True, exist_ok=True)
ip = os.environ.get("COURSE_HUB_IP", "127.0.0.1")
port = int(os.environ.get("COURSE_HUB_PORT", "8000"))
hub_port = int(os.environ.get("COURSE_HUB_API_PORT", "8081"))
proxy_api_port = int(os.environ.get("COURSE_HUB_PROXY_API_PORT", "8001"))
users = set(re.split(r"[\s,]+", os.environ.get("COURSE_HUB_USERS", "").strip())) - {""}

c = get_config()

# Where students connect, and the hub's and the proxy's own ports, on loopback.
c.JupyterHub.bind_url = f"http://{ip}:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = hub_port
c.ConfigurableHTTPProxy.command = [str(PROXY)]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")

# Log in: a name (from the class list, if given) and the class password.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["COURSE_HUB_PASSWORD"]
if users:
    c.Authenticator.allowed_users = users
else:
    c.Authenticator.allow_all = True

# Each student's JupyterLab: this repository's environment, started in their own home folder.
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = str(state / "homes" / "{username}")
c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.args = ["--allow-root"] if os.getuid() == 0 else []
c.Spawner.default_url = "/lab"
c.Spawner.environment = {"PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
# A loaded machine may take a while to start a server (a class logging in at once).
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
