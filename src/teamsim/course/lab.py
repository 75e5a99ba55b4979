"""A Jupyter server extension for the workbook: kernel websockets that send each message at once.

A slider's new chart goes from the kernel to the browser as a widget message on the kernel's
websocket, a few milliseconds after the small "busy" message of the same press. Tornado, which
serves the websocket, leaves Nagle's algorithm on (its docs, ``WebSocketHandler.set_nodelay``):
a small write waits while an earlier one is unacknowledged, and the receiving computer's TCP
stack delays its acknowledgement (at least 40 ms on Linux). In one run of 40 slider presses on
each of two dashboards, in JupyterLab on the 2-core reference machine (December 2026), 14 and 15
presses had the chart's data held back that way: by about 40 ms on the
Landscape, whose kernel work takes 3 ms (36-47 ms from the kernel to the page, against 2-14 ms
for the other presses), and by 15-29 ms on "A year with your manager", whose
kernel work takes 20-30 ms (the wait is what is left of the 40 ms). With this extension no press
waited more than 17 ms between the kernel and the page (``python -m teamsim.bench lab`` splits
each press's time). The server uses :class:`PromptKernelConnection`, which turns the delay off
on each kernel websocket through Tornado's public ``set_nodelay``, as Tornado's docs advise for
interactive use. Nothing else about the connection changes, and a server configured
with another connection class (``ServerApp.kernel_websocket_connection_class``) keeps it.

The extension is enabled by ``jupyter-config/jupyter_server_config.d/teamsim.json``, which a
regular install of teamsim puts in the environment's ``etc/jupyter`` (``make venv`` copies it
there for the editable install), so every Jupyter server started from that environment loads
it: ``jupyter lab`` on a student's computer, the hub's single-user servers, the tests and the
benchmarks. ``jupyter server extension list`` shows it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

__all__ = ["PromptKernelConnection"]

SETTING = "kernel_websocket_connection_class"
"""The Tornado application setting (from the ServerApp trait of that name) that the server's
kernel websocket handler reads for each new connection."""


class PromptKernelConnection(ZMQChannelsWebsocketConnection):
    """Jupyter server's kernel websocket connection, with Nagle's algorithm off."""

    # (the signature of ZMQChannelsWebsocketConnection.connect, which itself overrides the
    # abstract base's coroutine with a method that returns a future)
    def connect(self) -> asyncio.Future[None] | None:  # type: ignore[override]
        """Turn off Nagle's algorithm on the websocket, then connect as the server would."""
        self.websocket_handler.set_nodelay(True)
        return super().connect()


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """The server extension's entry point (this module), for Jupyter server."""
    return [{"module": "teamsim.course.lab"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Serve kernel websockets with :class:`PromptKernelConnection`, unless the server was set
    up with a connection class of its own."""
    settings = serverapp.web_app.settings
    current = settings.get(SETTING)
    if current is ZMQChannelsWebsocketConnection:
        settings[SETTING] = PromptKernelConnection
        serverapp.log.info("teamsim: kernel websockets send each message at once (no Nagle delay)")
    elif current is None:  # a Jupyter server that no longer reads this setting
        serverapp.log.warning(f"teamsim: the server has no {SETTING!r} setting; kernel "
                              "websockets keep Nagle's algorithm")
    else:
        serverapp.log.info(f"teamsim: kernel websockets left to the configured {current!r}")
