"""What ``coursekit present`` adds to Voila: a cap on kernels, and answers only to loopback names.

This module is imported only inside the Voila process that ``present``
starts (``--VoilaConfiguration.multi_kernel_manager_class`` names
:class:`CappedKernelManager`), never by ``import coursekit``.

* **Loopback names only.**  Voila itself answers any ``Host:`` header
  (``allow_remote_access=True``), so a page on another site could reach the
  presenter through DNS rebinding and start kernels.  ``present`` passes
  :data:`TORNADO_SETTINGS`, which turns jupyter_server's host check back on:
  a request whose ``Host`` is not ``localhost`` or a loopback address gets
  403.  Websockets keep jupyter_server's same-origin check (``Origin`` must
  match ``Host``).
* **A cap on kernels.**  Each page load runs the notebook in a new kernel
  (about 140 MB).  At :attr:`CappedKernelManager.max_kernels`, the oldest
  kernel that no page is connected to and that is older than
  :data:`GRACE_SECONDS` is shut down to make room; when every kernel is in
  use, the request is refused with 503 and a plain sentence.
"""

from __future__ import annotations

import time
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Integer

__all__ = ["GRACE_SECONDS", "TORNADO_SETTINGS", "CappedKernelManager"]

DEFAULT_MAX_KERNELS = 4
GRACE_SECONDS = 30  # a kernel this young may be a page still loading: never shut down for room
TORNADO_SETTINGS = {"allow_remote_access": False, "local_hostnames": ["localhost"]}


class CappedKernelManager(AsyncMappingKernelManager):
    """jupyter_server's kernel manager, with at most ``max_kernels`` kernels at once."""

    max_kernels = Integer(DEFAULT_MAX_KERNELS, config=True,
                          help="the most kernels (page loads) running at once")

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self._started: dict[str, float] = {}

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]  # jupyter_server's async manager
        running = [k for k in self.list_kernel_ids() if k in self]
        if len(running) >= self.max_kernels:
            now = time.monotonic()
            spare = sorted((self._started.get(k, 0.0), k) for k in running
                           if not self._kernel_connections.get(k, 0)
                           and now - self._started.get(k, 0.0) > GRACE_SECONDS)
            if not spare:
                raise web.HTTPError(503, f"The presenter already runs {len(running)} kernels, its limit "
                                         "(--max-kernels); close a page and reload this one.")
            await self.shutdown_kernel(spare[0][1])
        kernel_id = await super().start_kernel(*args, **kwargs)
        self._started[kernel_id] = time.monotonic()
        return kernel_id

    async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self._started.pop(kernel_id, None)
        await super().shutdown_kernel(kernel_id, *args, **kwargs)
