"""JupyterLab in a real browser: a throwaway JupyterLab server and headless Debian chromium.

Used by grader_tests/test_browser.py. Facts this relies on (measured, see the course notes):
- Playwright drives Debian's `chromium` (`executable_path`); `playwright install` is never run.
- Every Jupyter/IPython/matplotlib folder and HOME point into a temporary folder, so neither the
  server, its kernels nor the browser write into the real home or the repository.
- "Run All" is the Run menu's `runmenu:run-all`; the execution indicator is idle before a run
  too, so a run is over when no prompt shows `[*]`, the indicator is idle and that holds twice.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
FIX_CHROMIUM = "install Debian's chromium: apt-get install -y chromium (.ci/run does this)"
FIX_PLAYWRIGHT = "install the pinned requirements: .venv/bin/pip install -r requirements.txt"

SERVER_START_S = 90      # a cold server on a busy 2-core machine takes ~2-10 s
PAGE_LOAD_S = 90         # notebook page shown with an idle kernel: ~4 s
RUN_ALL_S = 300          # the slowest part (training in part 6) runs ~15 s
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"     # the notebook on show
VALIDATE_BUTTON = f"{PANEL} .jp-Toolbar .validate-button"
FIGURE = f'{PANEL} .jp-OutputArea .jp-RenderedImage img[src^="data:image/png;base64,"]'
# Where a screenshot looks: the first figure, or the first exercise (a stub raising NotImplementedError).
SCROLL_TO = {
    "figure": "panel => document.querySelector(panel + ' .jp-OutputArea .jp-RenderedImage img')",
    "exercise": """panel => Array.from(document.querySelectorAll(panel + ' .jp-CodeCell')).find(
                       c => c.querySelector('.jp-InputArea-editor').textContent
                                .includes('raise NotImplementedError'))""",
}
SCREENSHOT_QUALITY = 60

# JupyterLab user settings for the throwaway server: no "get Jupyter news?" toast, and no
# autosave (the test saves once, after Run All, and reads that file).
USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


def missing_requirements() -> str | None:
    """Why the browser test cannot run here (with the fix), or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return f"playwright is not installed: {FIX_PLAYWRIGHT}"
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} not found: {FIX_CHROMIUM}"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sandbox_env(tmp: Path) -> dict[str, str]:
    """Environment with HOME and every Jupyter/IPython/matplotlib folder inside `tmp`."""
    env = dict(os.environ)
    for var, sub in [("HOME", "home"), ("JUPYTER_CONFIG_DIR", "jupyter-config"),
                     ("JUPYTER_DATA_DIR", "jupyter-data"), ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"),
                     ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "matplotlib"),
                     ("XDG_CACHE_HOME", "home/.cache"), ("XDG_CONFIG_HOME", "home/.config")]:
        (tmp / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(tmp / sub)
    env.pop("JUPYTER_PATH", None)
    env.pop("NBGRADER_EXECUTION", None)   # students never have it
    return env


class Lab:
    """A JupyterLab server on `root` (a folder of notebooks), token off, on a free port.

    Use as a context manager: the server is always stopped, its kernels with it.
    """

    def __init__(self, root: Path, tmp: Path):
        self.root, self.tmp = root, tmp
        self.env = sandbox_env(tmp)
        self.runtime = Path(self.env["JUPYTER_RUNTIME_DIR"])
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / "jupyterlab.log"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Lab":
        settings = Path(self.env["JUPYTER_CONFIG_DIR"]) / "lab" / "user-settings"
        for name, values in USER_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser",
               f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={self.root}",
               "--IdentityProvider.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
               "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--LabApp.extension_manager=readonly"]
        if os.geteuid() == 0:
            cmd.append("--ServerApp.allow_root=True")
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=self.tmp, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_up()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _wait_up(self) -> None:
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"JupyterLab exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status", timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"JupyterLab not up after {SERVER_START_S} s:\n{self.log_tail()}")

    def log_tail(self, n: int = 30) -> str:
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return "\n".join(lines[-n:])

    def api(self, method: str, path: str):
        req = urllib.request.Request(f"{self.url}{path}", method=method)
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """End every session and kernel (a closed page leaves its kernel running)."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")
        for kernel in self.api("GET", "/api/kernels"):
            self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def leftover_kernels(self) -> list[str]:
        return sorted(p.name for p in self.runtime.glob("kernel-*.json"))

    def wait_kernels_gone(self, timeout: float) -> list[str]:
        """Kernel connection files still in the runtime folder after `timeout` s (normally none)."""
        deadline = time.monotonic() + timeout
        while self.leftover_kernels() and time.monotonic() < deadline:
            time.sleep(0.2)
        return self.leftover_kernels()

    def stop(self) -> None:
        """SIGTERM (the server shuts its kernels down), then SIGKILL the group if it lingers."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            self.shutdown_kernels()
        except OSError:
            pass
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)


@dataclass
class Run:
    """What one notebook did in the browser."""
    notebook: nbformat.NotebookNode          # as JupyterLab saved it after Run All
    figures: int                             # rendered PNG figures on the page
    validate_button: bool
    js_errors: list[str] = field(default_factory=list)
    leftover_kernels: list[str] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)   # seconds per step

    @property
    def seconds(self) -> float:
        return sum(self.phases.values())

    def timing(self) -> str:
        return ", ".join(f"{k} {v:.1f}" for k, v in self.phases.items())


def launch_browser(playwright, tmp: Path):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                      env=sandbox_env(tmp / "browser"))


def prompts(page) -> list[str]:
    return page.evaluate("""sel => Array.from(document.querySelectorAll(sel),
        p => p.textContent.trim())""", f"{PANEL} .jp-CodeCell .jp-InputArea-prompt")


def wait_kernel_ready(page, timeout: float) -> None:
    """Wait for a connected, idle kernel.

    The indicator says "idle" before the kernel exists too (No Kernel -> connecting -> unknown
    -> idle), so also wait for the kernel's name in the toolbar, and for both twice in a row.
    """
    deadline, calm = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        ready = page.evaluate("""panel => {
            const s = document.querySelector(panel + ' .jp-Notebook-ExecutionIndicator');
            const k = document.querySelector(panel + ' [data-jp-item-name="kernelName"] jp-button');
            return !!(s && k && s.dataset.status === 'idle' && k.getAttribute('aria-label') !== 'No Kernel');
        }""", PANEL)
        calm = calm + 1 if ready else 0
        if calm >= 2:
            return
        time.sleep(0.5)
    raise AssertionError(f"no idle kernel after {timeout} s")


def run_all(page, attempts: int = 3) -> None:
    """Run > Run All Cells; click again if no cell was queued (the menu item can be inert early)."""
    for _ in range(attempts):
        page.locator(".lm-MenuBar-item", has_text="Run").first.click()
        page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if any(p != "[ ]:" for p in prompts(page)):
                return
            time.sleep(0.2)
        page.keyboard.press("Escape")
    raise AssertionError(f"Run All Cells queued no cell in {attempts} attempts")


def wait_run_over(page, timeout: float) -> None:
    """Wait until no cell is queued or running ([*]) and the kernel is idle, twice in a row."""
    deadline, calm = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        shown = prompts(page)
        idle = page.locator(f'{PANEL} .jp-Notebook-ExecutionIndicator[data-status="idle"]').count() > 0
        busy = any("*" in p for p in shown)
        started = any(p[1:-2].strip().isdigit() for p in shown if p.startswith("["))
        calm = calm + 1 if (idle and not busy and started) else 0
        if calm >= 2:
            return
        time.sleep(0.5)
    raise AssertionError(f"Run All not finished after {timeout} s; prompts: {prompts(page)}")


def run_notebook(browser, lab: Lab, relpath: str, screenshot: Path | None = None,
                 focus: str = "figure") -> Run:
    """Open `relpath` in JupyterLab, Run All, save, and report what happened.

    With `screenshot`, the page is saved there as JPEG with the first figure or the first
    exercise (`focus`, see SCROLL_TO) scrolled to the middle of the view.
    """
    phases, mark = {}, [time.monotonic()]

    def phase(name: str) -> None:
        now = time.monotonic()
        phases[name], mark[0] = now - mark[0], now

    page = browser.new_page(viewport={"width": 1280, "height": 1600})
    js_errors: list[str] = []
    page.on("pageerror", lambda e: js_errors.append(f"pageerror: {e}"))
    # a healthy JupyterLab page logs no console error at all here, so every one counts
    page.on("console", lambda m: m.type == "error" and js_errors.append(f"console.error: {m.text}"))
    try:
        page.set_default_timeout(PAGE_LOAD_S * 1000)
        # ?reset: a fresh workspace, or JupyterLab reopens the notebooks of earlier pages
        page.goto(f"{lab.url}/lab/tree/{relpath}?reset")
        page.wait_for_selector(f"{PANEL} .jp-Notebook .jp-Cell >> nth=0")
        wait_kernel_ready(page, PAGE_LOAD_S)
        phase("open")
        run_all(page)
        wait_run_over(page, RUN_ALL_S)
        phase("run all")
        path = lab.root / relpath
        before = path.stat().st_mtime_ns
        page.locator(".lm-MenuBar-item", has_text="File").first.click()
        page.locator('.lm-Menu-item[data-command="docmanager:save"]').click()
        deadline = time.monotonic() + 60
        while path.stat().st_mtime_ns == before:   # the server writes atomically (replace)
            if time.monotonic() > deadline:
                raise AssertionError(f"JupyterLab did not save {relpath} within 60 s")
            time.sleep(0.2)
        figures = page.locator(FIGURE).count()
        validate = page.locator(VALIDATE_BUTTON).count() > 0
        if screenshot is not None:
            found = page.evaluate(f"""panel => {{ const e = ({SCROLL_TO[focus]})(panel);
                if (e) e.scrollIntoView({{block: 'center'}}); return !!e; }}""", PANEL)
            if found:
                time.sleep(0.5)
            page.screenshot(path=str(screenshot), type="jpeg", quality=SCREENSHOT_QUALITY)
        time.sleep(0.5)  # let late console errors arrive
        nb = nbformat.read(path, as_version=4)
        run = Run(nb, figures, validate, list(js_errors), phases=phases)
        phase("save+check")
        others = [s["path"] for s in lab.api("GET", "/api/sessions") if s["path"] != relpath]
        if others:
            raise AssertionError(f"other notebooks were open beside {relpath}: {others}")
    finally:
        page.close()
        with contextlib.suppress(OSError):   # keep the first error if the server died
            lab.shutdown_kernels()
    run.leftover_kernels = lab.wait_kernels_gone(30)
    phase("shutdown")
    return run


def copy_notebooks(src_root: Path, dest: Path, parts: list[str]) -> None:
    """Copy each part's folder from src_root into dest: its notebook and what students get beside it
    (figures/, Part 7's tiny-lm/), so a picture or model the notebook cannot find fails the test."""
    for part in parts:
        if (src_root / part / f"{part}.ipynb").exists():
            shutil.copytree(src_root / part, dest / part, dirs_exist_ok=True)


def tag_raises_exception(path: Path) -> None:
    """Let Run All go on past a failing cell, as a student working through the exercises does.

    JupyterLab stops a run at the first error unless the cell is tagged `raises-exception`;
    a release notebook errs at its first unsolved exercise, so every code cell of the copy is
    tagged and each error is judged afterwards by the kind of cell it came from.
    """
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            tags = cell.metadata.setdefault("tags", [])
            if "raises-exception" not in tags:
                tags.append("raises-exception")
    nbformat.write(nb, path)
