"""Running a submission: a cell that runs too long is stopped, and the rest is still graded.

nbgrader's ``Execute`` interrupts a cell that runs past the timeout, but three
things still void the whole notebook ("NOT graded"):

- a cell that floods its output (an endless ``print`` loop): nbgrader keeps
  every line in memory, and after the interrupt it gives up waiting for the
  backlog of output ("Timeout waiting for IOPub output");
- a cell that ignores the interrupt (a long computation inside numpy or the
  interpreter's C code): the next cells wait behind it, and the run fails;
- a cell that kills the kernel (an allocation larger than the memory, a
  crash in a C extension): "Kernel died".

:class:`CellGuard` keeps the promise instead: each cell's output is cut
after :attr:`~CellGuard.max_output_characters` with a note (stdout and
stderr in the kernel itself, by :mod:`backprop_core.grading.answerfree.kernel_output`,
so that a flood never reaches the grader; anything else here); a cell that
is still running :attr:`~CellGuard.stop_grace` seconds after its
interrupt, or that killed the kernel, is stopped for good: the kernel is
restarted, the cells above it are run again without recording their outputs,
and the notebook goes on with the next cell.

:class:`CellGuard` is a mix-in for any nbclient ``NotebookClient``:
:class:`GuardedClient` (plain nbclient) runs a whole notebook inside the grading
sandbox (:mod:`backprop_core.grading.answerfree.run_notebook`) without importing nbgrader,
which costs about a second per notebook; nbgrader's own ``Execute`` with the
same rules is ``backprop_core.grading.judge.nbgrader_ext.GuardedExecute``.
"""
from __future__ import annotations

import json
from queue import Empty
from time import monotonic

from jupyter_core.utils import ensure_async, run_sync
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbformat.v4 import new_output
from traitlets import Bool, Float, HasTraits, Integer

from .kernel_output import cut_note

__all__ = ["CellGuard", "GuardedClient", "output_size"]

#: Run silently in every new kernel: each cell's stdout and stderr capped where they are written.
CAP_IN_KERNEL = "__import__('backprop_core.grading.answerfree.kernel_output', fromlist=['install']).install({limit})"
KERNEL_DIED = ("the Python kernel died while running this cell (e.g. it ran out of memory); "
               "the cells above were run again in a new kernel, and grading went on with the next cell")
STILL_RUNNING = ("this cell was still running {grace:g} s after it was interrupted, so it was stopped by "
                 "restarting the kernel; the cells above were run again, and grading went on with the next cell")


def output_size(output: NotebookNode) -> int:
    """Characters an output holds (stream text, traceback, or every data representation)."""
    kind = output.get("output_type")
    if kind == "stream":
        return len(output.get("text", ""))
    if kind == "error":
        return len(output.get("evalue", "")) + sum(len(line) for line in output.get("traceback", []))
    return sum(len(value) if isinstance(value, str) else len(json.dumps(value))
               for value in output.get("data", {}).values())


def _error(ename: str, evalue: str) -> NotebookNode:
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class CellGuard(HasTraits):
    """Mix-in for an nbclient ``NotebookClient``: one runaway cell never stops the rest of the notebook."""

    max_output_characters = Integer(
        1_000_000, help="Output kept per cell (stream text and data, in characters; errors always kept); -1: no cap.",
    ).tag(config=True)

    stop_grace = Float(
        5.0, help="Seconds an interrupted cell has to stop before the kernel is restarted.",
    ).tag(config=True)

    raise_on_iopub_timeout = Bool(
        False,
        help=("Fail the notebook when a cell's output is still arriving iopub_timeout seconds after its end. "
              "Off: the output of an interrupted flood may lag; an error still counts, from the execute reply."),
    ).tag(config=True)

    # ---------------------------------------------------------------- per notebook / per cell state
    def reset_execution_trackers(self) -> None:
        super().reset_execution_trackers()
        self._stopped: set[int] = set()  # cells stopped for good: never run again
        self._kernel_prepared = False
        self._start_cell()

    def _start_cell(self) -> None:
        self._timed_out = False
        self._kept = 0  # characters of output kept so far in this cell (an upper bound: clears not counted)
        self._cut = False

    async def async_execute_cell(self, cell: NotebookNode, cell_index: int, execution_count: int | None = None,
                                 store_history: bool = True) -> NotebookNode:
        if not self._kernel_prepared:
            await self._prepare_kernel()
        self._start_cell()
        try:
            cell = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        except DeadKernelError:
            self.log.warning("The kernel died in cell %d: restarting it", cell_index)
            cell.outputs.append(_error("KernelDied", KERNEL_DIED))
            await self._stop_for_good(cell_index)
            return cell
        if self._timed_out and not await self._kernel_answers(self.stop_grace):
            self.log.warning("Cell %d did not stop when interrupted: restarting the kernel", cell_index)
            cell.outputs.append(_error("CellStillRunning", STILL_RUNNING.format(grace=self.stop_grace)))
            await self._stop_for_good(cell_index)
        elif self._timed_out:
            self._stopped.add(cell_index)
        return cell

    execute_cell = run_sync(async_execute_cell)

    async def _async_handle_timeout(self, timeout: int, cell: NotebookNode | None = None):
        self._timed_out = True
        return await super()._async_handle_timeout(timeout, cell)

    # ---------------------------------------------------------------- the kernel
    async def _prepare_kernel(self) -> None:
        """Cap stdout and stderr inside the kernel, before any cell of the notebook runs in it."""
        self._kernel_prepared = True
        if self.max_output_characters < 0:
            return
        code = CAP_IN_KERNEL.format(limit=self.max_output_characters)
        msg_id = await ensure_async(self.kc.execute(code, silent=True, store_history=False))
        reply = await self._reply(msg_id, self.startup_timeout)
        if reply is None or reply["content"]["status"] != "ok":
            self.log.warning("Could not cap the output inside the kernel: only the grader's cap applies")

    async def _reply(self, msg_id: str, seconds: float) -> dict | None:
        """The kernel's reply to request ``msg_id`` within ``seconds``, or None (other replies are dropped)."""
        deadline = monotonic() + seconds
        while (left := deadline - monotonic()) > 0:
            try:
                reply = await ensure_async(self.kc.shell_channel.get_msg(timeout=left))
            except Empty:
                return None
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply
        return None

    async def _kernel_answers(self, seconds: float) -> bool:
        """Whether the kernel runs a no-op within ``seconds`` (so the interrupted cell has stopped)."""
        if not await ensure_async(self.km.is_alive()):
            return False
        msg_id = await ensure_async(self.kc.execute("pass", silent=True, store_history=False))
        return await self._reply(msg_id, seconds) is not None

    async def _stop_for_good(self, cell_index: int) -> None:
        """Restart the kernel and rerun the cells above ``cell_index`` (outputs not recorded), never this one."""
        self._stopped.add(cell_index)
        await ensure_async(self.km.restart_kernel(now=True))
        await ensure_async(self.kc.wait_for_ready(timeout=self.startup_timeout))
        await self._prepare_kernel()
        for index, cell in enumerate(self.nb.cells[:cell_index]):
            if cell.cell_type != "code" or index in self._stopped or not cell.source.strip():
                continue
            msg_id = await ensure_async(self.kc.execute(cell.source, silent=True, store_history=False))
            if await self.async_wait_for_reply(msg_id, cell) is None:
                self.log.warning("Cell %d timed out again while rerunning the cells above cell %d", index, cell_index)

    # ---------------------------------------------------------------- output cap
    def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> NotebookNode | None:
        uncapped = (self.max_output_characters < 0 or msg["msg_type"] == "error"  # an error always counts
                    or self.output_hook_stack[msg["parent_header"].get("msg_id")])  # a widget's own output
        if uncapped:
            return super().output(outs, msg, display_id, cell_index)
        if self._cut:
            return None
        if self.clear_before_next_output:
            self._kept = 0
        out = super().output(outs, msg, display_id, cell_index)
        if out is None:
            return None
        self._kept += output_size(out)
        if self._kept > self.max_output_characters:
            # Clearing may have removed some: count what is really kept before cutting.
            self._kept = sum(output_size(o) for o in outs if o.output_type != "error")
            if self._kept > self.max_output_characters:
                self._cut_last(outs)
        return out

    def _cut_last(self, outs: list) -> None:
        """Trim the last output (or drop it) to the cap, and add the note; later outputs are dropped."""
        last = outs.pop()
        note = cut_note(self.max_output_characters)
        room = self.max_output_characters - (self._kept - output_size(last)) - len(note)
        if last.output_type == "stream" and room > 0:
            last.text = last.text[:room]
            outs.append(last)
        outs.append(new_output("display_data", data={"text/plain": note}))
        self._cut = True

    def clear_output(self, outs: list, msg: dict, cell_index: int) -> None:
        super().clear_output(outs, msg, cell_index)
        if not outs:
            self._kept = 0


class GuardedClient(CellGuard, NotebookClient):
    """nbclient's NotebookClient with :class:`CellGuard`'s rules."""

    def on_cell_executed(self, **kwargs) -> None:
        """A cell whose reply is an error with no error output (a timeout): record the error, as nbgrader does."""
        cell, reply = kwargs["cell"], kwargs["execute_reply"]
        content = reply["content"]
        if content["status"] != "error" or any(o.output_type == "error" and o.get("ename") == content["ename"]
                                               for o in cell.outputs):
            return
        cell.outputs.append(new_output("error", ename=content["ename"], evalue=content["evalue"],
                                       traceback=content["traceback"] or ["ERROR: the cell failed without a traceback"]))
