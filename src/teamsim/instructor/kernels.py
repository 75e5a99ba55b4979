"""Kernels for the notebooks the instructor tools run (the hand-out's and the debrief's).

:func:`kernel_manager_class` gives nbclient a kernel manager whose kernels talk over IPC: Unix
sockets in a private temporary folder, not TCP on localhost, which ipykernel warns about
(unencrypted) once per kernel. The socket path is absolute, so the kernel finds it from its own
working folder. Elsewhere than on a POSIX system it is TCP as before.
"""

from __future__ import annotations

import os
from pathlib import Path


def kernel_manager_class(sockets: Path) -> type:
    """A kernel manager class whose kernels use Unix sockets in ``sockets`` (a private
    temporary folder that outlives the kernel)."""
    from jupyter_client.manager import AsyncKernelManager

    if os.name != "posix":
        return AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: object) -> None:
            super().__init__(transport="ipc", ip=str(sockets / "kernel"), **kwargs)

    return IPCKernelManager
