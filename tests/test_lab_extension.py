"""The workbook's Jupyter server extension (teamsim.course.lab): kernel websockets without
Nagle's delay, enabled in the course's environment.

``python -m teamsim.bench lab`` measures what it changes (slider-to-pixels in JupyterLab); these
tests pin what it does: the environment's Jupyter server loads it, it serves kernel websockets
with the connection class that turns the delay off, it leaves a server's own choice of class
alone, and the connection asks Tornado for no delay before it connects as Jupyter's would.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

from teamsim.course import lab

ROOT = Path(__file__).resolve().parents[1]


def test_the_environments_jupyter_server_loads_the_extension():
    jupyter = Path(sys.executable).parent / "jupyter"
    done = subprocess.run([jupyter, "server", "extension", "list"], capture_output=True,
                          text=True, timeout=120)
    out = done.stdout + done.stderr
    lines = [line for line in out.splitlines() if "teamsim.course.lab" in line]
    assert any("enabled" in line for line in lines), out
    assert any("OK" in line for line in lines), out


# A real Jupyter server of this environment, set up as `jupyter lab` sets it up (config files,
# extensions, the web application), without serving: which class serves kernel websockets?
SERVED_BY = """
from jupyter_server.serverapp import ServerApp
app = ServerApp()
app.initialize(argv=["--ServerApp.port=0", "--ServerApp.ip=127.0.0.1",
                     "--ServerApp.open_browser=False", "--ServerApp.allow_root=True",
                     "--ServerApp.root_dir=" + {root!r}])
cls = app.web_app.settings["kernel_websocket_connection_class"]
print("served by", cls.__module__ + "." + cls.__name__)
"""


def test_a_real_server_of_the_environment_serves_kernel_websockets_without_the_delay(tmp_path):
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-c", SERVED_BY.format(root=str(tmp_path))],
                          capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "served by teamsim.course.lab.PromptKernelConnection" in done.stdout, done.stderr


def serverapp(connection_class: type) -> SimpleNamespace:
    settings = {lab.SETTING: connection_class}
    return SimpleNamespace(web_app=SimpleNamespace(settings=settings),
                           log=logging.getLogger("test"))


def test_the_extension_serves_kernel_websockets_without_the_delay():
    app = serverapp(ZMQChannelsWebsocketConnection)
    lab._load_jupyter_server_extension(app)
    assert app.web_app.settings[lab.SETTING] is lab.PromptKernelConnection
    assert lab._jupyter_server_extension_points() == [{"module": "teamsim.course.lab"}]


def test_a_connection_class_the_server_was_given_is_kept():
    class Theirs(ZMQChannelsWebsocketConnection):
        pass

    app = serverapp(Theirs)
    lab._load_jupyter_server_extension(app)
    assert app.web_app.settings[lab.SETTING] is Theirs


class Handler(KernelWebsocketHandler):
    """A kernel websocket handler that only records what is asked of its socket."""

    def __init__(self) -> None:  # no application or request: nothing else is used
        self.asked: list[bool] = []

    def set_nodelay(self, value: bool) -> None:
        self.asked.append(value)


def test_the_connection_turns_the_delay_off_before_connecting(monkeypatch):
    order = []
    handler = Handler()

    def connect(self):
        order.append(("connect", list(handler.asked)))
        return "connected"

    monkeypatch.setattr(ZMQChannelsWebsocketConnection, "connect", connect)
    connection = lab.PromptKernelConnection(websocket_handler=handler)
    assert connection.connect() == "connected"
    assert order == [("connect", [True])]


@pytest.mark.parametrize("path", ["jupyter-config/jupyter_server_config.d/teamsim.json"])
def test_the_switch_that_installs_put_in_place_names_this_extension(path):
    import json

    assert json.loads((ROOT / path).read_text()) == {
        "ServerApp": {"jpserver_extensions": {lab.__name__: True}}}


def test_a_server_without_the_setting_is_left_alone_with_a_warning(caplog):
    app = SimpleNamespace(web_app=SimpleNamespace(settings={}), log=logging.getLogger("test"))
    with caplog.at_level(logging.WARNING):
        lab._load_jupyter_server_extension(app)
    assert app.web_app.settings == {}
    assert "keep Nagle's algorithm" in caplog.text
