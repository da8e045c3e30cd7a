"""A papermill engine that keeps one warm kernel per process and runs many notebooks in it.

papermill's default engine starts a kernel for every notebook; for an agency summary that
start, the imports and the tables read cost seconds, while the page itself takes a fraction
of one. This engine, registered with papermill as `gdr-warm`, keeps the papermill interface
(parameters cell, injected parameters, executed .ipynb with papermill's metadata, re-runnable
by hand in JupyterLab) but starts the kernel once per worker process. Between notebooks the
kernel is reset to the state a fresh kernel has: the user namespace, In/Out and the execution
counter cleared (`InteractiveShell.reset`), figures closed, matplotlib's rcParams and the
warning filters put back, the working folder restored. Imported modules stay, and with them
`analysis.reports.data`'s cache of the tidy tables, so every page after the first reads its
data from memory. tests/test_reports_engine.py checks that a page made here is the page a
plain `papermill` run makes.

A kernel that failed a notebook (an error in a cell, a timeout) is replaced before the next
one, and every `RECYCLE` notebooks a fresh kernel bounds whatever a notebook leaves behind.
"""

from __future__ import annotations

import os
from typing import Any

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

NAME = "gdr-warm"
RECYCLE = 400  # notebooks per kernel before it is replaced
START_TIMEOUT = 60

# run in the kernel before each notebook (not stored in its history, no execution count)
RESET_CODE = "__import__('analysis.reports.engine').reports.engine.kernel_reset({cwd!r})"

_snapshot: dict[str, Any] = {}


def kernel_reset(cwd: str) -> None:
    """Inside the kernel: back to what a fresh kernel shows a notebook (imports kept).

    The first call (before the first notebook) records matplotlib's settings and the
    warning filters as the kernel started with them; later calls restore them.
    """
    import gc
    import warnings

    import matplotlib
    import matplotlib.pyplot as plt
    from IPython import get_ipython

    if not _snapshot:
        _snapshot["rc"] = matplotlib.rcParams.copy()
        _snapshot["filters"] = list(warnings.filters)
    plt.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        matplotlib.rcParams.update(_snapshot["rc"])
    warnings.filters[:] = _snapshot["filters"]
    mutated = getattr(warnings, "_filters_mutated", None)
    if mutated:  # a warning shown once in an earlier notebook is shown again
        mutated()
    os.chdir(cwd)
    ip = get_ipython()
    ip.reset(new_session=False)  # clears the namespace, then a full gc.collect()
    ip.execution_count = 1
    # What survives the reset (modules, the tables' cache) is moved out of the collector's
    # view: the next reset's gc.collect then walks only what the next notebook made, not the
    # whole loaded corpus again (0.06 s a page at 300 agencies, growing with the corpus).
    gc.freeze()


class WarmKernel:
    """One kernel (manager + client) that outlives the notebooks run in it."""

    def __init__(self, kernel_name: str, cwd: str):
        import nbformat
        from jupyter_client.manager import AsyncKernelManager
        from nbclient import NotebookClient

        self.kernel_name, self.cwd, self.runs, self.broken = kernel_name, cwd, 0, False
        self.km = AsyncKernelManager(kernel_name=kernel_name)
        starter = NotebookClient(
            nbformat.v4.new_notebook(),
            km=self.km,
            kernel_name=kernel_name,
            startup_timeout=START_TIMEOUT,
        )
        with starter.setup_kernel(cwd=cwd):  # not the client's manager: the kernel stays up
            pass
        self.kc = starter.kc
        self._starter = starter

    def alive(self) -> bool:
        from nbclient.util import run_sync

        try:
            return bool(run_sync(self.km.is_alive)())
        except Exception:  # noqa: BLE001 - a kernel we cannot ask is as good as dead
            return False

    def reset(self, cwd: str) -> None:
        """Run kernel_reset in the kernel and wait for it; a failure marks the kernel broken."""
        from nbclient.util import run_sync

        msg_id = self.kc.execute(
            RESET_CODE.format(cwd=cwd), silent=True, store_history=False, allow_stdin=False
        )
        while True:
            reply = run_sync(self.kc.get_shell_msg)(timeout=START_TIMEOUT)
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                break
        if reply["content"].get("status") != "ok":
            self.broken = True
            raise RuntimeError(f"could not reset the kernel: {reply['content'].get('evalue')}")

    def shutdown(self) -> None:
        from nbclient.util import run_sync

        try:
            self.kc.stop_channels()
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - at exit, a kernel already gone is fine
            pass


_kernel: WarmKernel | None = None


def warm_kernel(kernel_name: str, cwd: str) -> WarmKernel:
    """This process's kernel, started on first use and replaced when it is no longer fit."""
    global _kernel
    k = _kernel
    if k is not None and (
        k.broken or k.kernel_name != kernel_name or k.runs >= RECYCLE or not k.alive()
    ):
        k.shutdown()
        k = None
    if k is None:
        k = WarmKernel(kernel_name, cwd)
        _kernel = k
        _register_exit()
    return k


def shutdown() -> None:
    """Stop this process's warm kernel (at exit, and in tests)."""
    global _kernel
    if _kernel is not None:
        _kernel.shutdown()
        _kernel = None


_exit_registered = False


def _register_exit() -> None:
    global _exit_registered
    if not _exit_registered:
        import atexit
        from multiprocessing import util

        atexit.register(shutdown)
        util.Finalize(None, shutdown, exitpriority=10)  # worker processes skip atexit
        _exit_registered = True


class WarmEngine(Engine):
    """papermill engine `gdr-warm`: papermill's nbclient engine on a kept kernel."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=START_TIMEOUT,
        execution_timeout=None,
        **kwargs,
    ):
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs,
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        cwd = os.getcwd()  # papermill runs the engine inside its `cwd`
        kernel = warm_kernel(kernel_name, cwd)
        try:
            kernel.reset(cwd)
            client = PapermillNotebookClient(nb_man, km=kernel.km, **final_kwargs)
            client.kc = kernel.kc
            nb = client.execute()
        except BaseException:
            kernel.broken = True
            raise
        kernel.runs += 1
        if any(
            o.get("output_type") == "error"
            for c in nb.cells
            if c.get("cell_type") == "code"
            for o in c.get("outputs", [])
        ):
            kernel.broken = True  # its state is not what the next notebook expects
        return nb


papermill_engines.register(NAME, WarmEngine)
