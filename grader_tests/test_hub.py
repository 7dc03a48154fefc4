"""The class on a real JupyterHub (`python -m course hub`): accounts, roles, a clean stop, and
students kept apart.

Real Unix accounts are made for each test run (random names, removed at the end), a real
JupyterHub with configurable-http-proxy runs on loopback, and students act through runuser
(their own uid) or through the hub's login page over HTTP.
"""
from __future__ import annotations

import json
import os
from html import unescape as html_unescape
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from course import democlass, hub as H
from course.common import ROOT, CourseError

from .conftest import interruptible

# a real JupyterHub, Unix accounts, a browser: minutes; `make integration` (CI runs it after `make test`)
pytestmark = pytest.mark.integration

PART = "02_self_attention"


def _machine_problem() -> str | None:
    try:
        H.check_machine()
    except CourseError as exc:
        return str(exc)
    return None


def require_machine():
    problem = _machine_problem()
    if problem:   # CI installs all of it (.ci/run): a missing piece is a failure, not a skip
        pytest.fail(f"course hub cannot run here: {problem}")


def state_dir() -> Path:
    """A hub folder students can pass through (pytest's own tmp folders are 0700 root)."""
    d = Path(tempfile.mkdtemp(prefix="course-hub-", dir="/tmp"))
    os.chmod(d, 0o711)
    return d


def names(n_students: int) -> tuple[str, list[str]]:
    tag = "th" + secrets.token_hex(3)
    return f"{tag}-i", [f"{tag}-{c}" for c in "abcdefgh"[:n_students]]


class Browserless:
    """One user's session through the hub's own login page (HTTP, as a browser would)."""

    def __init__(self, hub: H.Hub, account: H.Account):
        import requests
        self.hub, self.account = hub, account
        self.s = requests.Session()

    def login(self, password: str | None = None, timeout: float = 120):
        """POST the login form; the hub then spawns the user's server (follows the redirects)."""
        self.s.get(f"{self.hub.url}/hub/login", timeout=30)
        xsrf = self.s.cookies.get("_xsrf", path="/hub/")
        return self.s.post(f"{self.hub.url}/hub/login",
                           data={"username": self.account.name, "password": password or self.account.password,
                                 "_xsrf": xsrf}, timeout=timeout)

    def wait_server(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # a page (not an API call) takes the hub's OAuth round trip that logs into the server
            page = self.get("lab")
            if page.status_code == 200 and page.url.startswith(f"{self.hub.url}/user/{self.account.name}/lab"):
                assert self.get("api/status").status_code == 200
                return
            time.sleep(0.5)
        raise AssertionError(f"{self.account.name}'s server not up after {timeout} s:\n{self.hub.log_tail()}")

    def get(self, path: str):
        return self.s.get(f"{self.hub.url}/user/{self.account.name}/{path}", timeout=60)

    def page_config(self) -> dict:
        html = self.get("lab").text
        m = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S)
        assert m, f"no JupyterLab page config in {self.account.name}'s /lab page:\n{html[:500]}"
        return json.loads(m.group(1))


def ps_lines(uids: set[int]) -> str:
    return "\n".join(f"{pid} {cmd}" for pid, cmd in H.processes_of(uids))


def alive(pid: int | None) -> bool:
    return pid is not None and H._alive(pid)


# --------------------------------------------------------------------------- bad input

def test_a_busy_port_is_one_line_with_the_fix():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(CourseError, match=rf"port {port} is in use: choose another with --port"):
            H.Hub(H.Layout(Path("/nonexistent")), [], port)


def test_an_exchange_others_cannot_write_is_refused_with_the_fix(tmp_path):
    exchange = tmp_path / "exchange"
    exchange.mkdir(mode=0o755)
    os.chmod(exchange, 0o755)
    with pytest.raises(CourseError, match=rf"has mode 755; .* chmod ugo\+rwx {exchange}"):
        H.check_exchange(exchange)


def test_a_missing_proxy_or_node_is_one_line_with_the_fix(monkeypatch, tmp_path):
    if os.geteuid() != 0:
        pytest.fail("the hub tests make Unix accounts: run them as root")
    monkeypatch.setattr(H, "PROXY", tmp_path / "configurable-http-proxy")
    with pytest.raises(CourseError, match=r"configurable-http-proxy is not installed .* run `npm ci`"):
        H.check_machine()
    monkeypatch.setattr(H.shutil, "which", lambda name: None)
    with pytest.raises(CourseError, match=r"Node.js is missing .* apt-get install -y nodejs npm"):
        H.check_machine()


def test_an_account_not_made_by_course_hub_is_never_reused_or_removed():
    with pytest.raises(CourseError, match="exists and was not made by `course hub`"):
        H.ensure_account("root", "student")
    with pytest.raises(CourseError, match="not made by `course hub`; not removing it"):
        H.remove_account("root")


def test_the_command_line_reports_a_busy_port_in_one_line():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "course", "hub", "--port", str(port), "--prefix", "thnone-"],
                              cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, f"exit {done.returncode}, stderr: {done.stderr}"
    assert done.stderr.strip() == (f"error: port {port} is in use: choose another with --port, or leave it out "
                                   "(a free port is picked)"), done.stderr
    assert not H.account_exists("thnone-instructor"), "accounts were made before the port was checked"


# --------------------------------------------------------------------------- the command

def test_course_hub_prints_accounts_and_ctrl_c_leaves_nothing_running():
    """The real command: URL and generated passwords printed, a student logs in and gets a
    server, then Ctrl-C: hub, proxy and every single-user server gone."""
    require_machine()
    prefix = "th" + secrets.token_hex(3) + "-"
    state = state_dir()
    out = state / "out.txt"
    proc = None
    try:
        with open(out, "w") as f:
            proc = subprocess.Popen([sys.executable, "-m", "course", "hub", "--dir", str(state / "hub"),
                                     "--prefix", prefix, "--students", "2"], cwd=ROOT, stdout=f,
                                    stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=interruptible)
        deadline = time.monotonic() + H.START_S + 60
        while "Ctrl-C stops" not in out.read_text():
            assert proc.poll() is None, f"course hub exited {proc.returncode}:\n{out.read_text()}"
            assert time.monotonic() < deadline, f"course hub not up:\n{out.read_text()}"
            time.sleep(0.5)
        text = out.read_text()
        url = re.search(r"(http://127\.0\.0\.1:\d+)/hub/login", text).group(1)
        accounts = {m[1]: H.Account(m[1], m[0], m[2]) for m in
                    re.findall(r"^\s+(instructor|student)\s+(\S+)\s+password (\S+)$", text, re.M)}
        assert sorted(accounts) == [f"{prefix}instructor", f"{prefix}student1", f"{prefix}student2"], text
        passwords = [a.password for a in accounts.values()]
        assert len(set(passwords)) == 3 and all(len(p) >= 16 for p in passwords), \
            f"passwords must be generated, distinct and long: {passwords}"
        for a in accounts.values():
            assert H.made_by_us(a.name), f"{a.name} is not a Unix account made by course hub"
        hub = H.Hub.__new__(H.Hub)           # only for its url and log: the command owns the hub
        hub.url, hub.layout = url, H.Layout(state / "hub")
        user = Browserless(hub, accounts[f"{prefix}student1"])
        assert user.login().status_code == 200, hub.log_tail()
        user.wait_server()
        uids = {a.uid for a in accounts.values()}
        assert H.processes_of(uids), "the student's server runs as the student: no process of theirs"
        proxy = int((state / "hub" / "proxy.pid").read_text())
        assert alive(proxy), "no proxy running"

        proc.send_signal(signal.SIGINT)          # Ctrl-C
        proc.wait(timeout=H.STOP_S + 30)
        text = out.read_text()
        assert proc.returncode == 0, text
        assert "stopped: hub, proxy and single-user servers" in text, text
        assert not H.processes_of(uids), f"left running after Ctrl-C:\n{ps_lines(uids)}"
        assert not alive(proxy), f"the proxy ({proxy}) is still running after Ctrl-C"
        hub_procs = [c for _, c in H.processes_of({0}) if str(state) in c]
        assert not hub_procs, f"left running after Ctrl-C: {hub_procs}"
        # the accounts (and their work) stay; --remove-accounts deletes them
        assert all(H.account_exists(n) for n in accounts)
        done = subprocess.run([sys.executable, "-m", "course", "hub", "--remove-accounts", "--prefix", prefix],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert not any(H.account_exists(n) for n in accounts), done.stdout
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)     # the command stops its hub (own session) itself
            try:
                proc.wait(timeout=H.STOP_S + 30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        for name in H.our_accounts():
            if name.startswith(prefix):
                H.remove_account(name)
        shutil.rmtree(state, ignore_errors=True)


# --------------------------------------------------------------------------- one hub for the rest

@pytest.fixture(scope="module")
def hub():
    """A running hub with an instructor and students A, B; every account removed afterwards."""
    require_machine()
    state = state_dir()
    instructor, students = names(3)
    layout = H.Layout(state / "hub")
    accounts = []
    try:
        accounts = H.setup(layout, instructor, students)
        with H.Hub(layout, accounts) as running:
            running.instructor, running.a, running.b, running.c = accounts
            yield running
            # a test below may have stopped it already
    finally:
        for a in accounts:
            H.remove_account(a.name)
        shutil.rmtree(state, ignore_errors=True)
    assert not any(H.account_exists(a.name) for a in accounts), "test accounts left behind"


def test_students_get_assignments_and_validate_only(hub):
    user = Browserless(hub, hub.a)
    assert user.login().status_code == 200, hub.log_tail()
    user.wait_server()
    disabled = set(user.page_config().get("disabledExtensions", []))
    nbgrader_off = {d.split(":", 1)[1] for d in disabled if d.startswith("@jupyter/nbgrader:")}
    assert nbgrader_off == {"formgrader", "course-list", "create-assignment"}, \
        f"a student's JupyterLab disables nbgrader plugins {sorted(nbgrader_off)}, expected " \
        "formgrader, course-list, create-assignment (students keep Assignments and Validate)"
    listing = user.get(f"assignments?course_id={H.COURSE_ID}")
    assert listing.status_code == 200 and listing.text.startswith("{"), \
        f"the Assignments tab's API: HTTP {listing.status_code} {listing.url}\n{hub.log_tail(40)}"
    assert listing.json()["success"] is True, listing.text
    for path in ("formgrader", "formgraders"):
        assert user.get(path).status_code == 404, f"a student's server serves /{path}"


def test_the_instructor_gets_formgrader_and_course_list(hub):
    user = Browserless(hub, hub.instructor)
    assert user.login().status_code == 200, hub.log_tail()
    user.wait_server()
    disabled = set(user.page_config().get("disabledExtensions", []))
    nbgrader_off = {d.split(":", 1)[1] for d in disabled if d.startswith("@jupyter/nbgrader:")}
    assert nbgrader_off == {"assignment-list", "validate-assignment"}, \
        f"the instructor's JupyterLab disables nbgrader plugins {sorted(nbgrader_off)}, expected " \
        "assignment-list and validate-assignment only"
    page = user.get("formgrader")
    assert page.status_code == 200 and "Manage Assignments" in page.text, \
        f"formgrader: HTTP {page.status_code}\n{page.text[:300]}"
    courses = user.get("formgraders")
    assert courses.status_code == 200, f"course list: HTTP {courses.status_code}"
    listed = [c.get("course_id") for c in courses.json()["value"]]
    assert listed == [H.COURSE_ID], f"the Course List shows {listed}, expected [{H.COURSE_ID!r}]"


def test_a_wrong_password_or_unknown_account_cannot_log_in(hub):
    ghost = H.Account("thnosuchuser", "student", "x" * 16)
    assert Browserless(hub, ghost).login().status_code == 403
    assert Browserless(hub, hub.b).login(password="wrong-" + hub.b.password).status_code == 403


# --------------------------------------------------------------------------- students stay apart

def nbgrader_as(hub, account, *args, cwd=None):
    done = H.run_as(account, ["nbgrader", *args], hub.layout, cwd=cwd)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} as {account.name} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def released(hub):
    """The instructor releases PART; A and B fetch it; B submits once."""
    course = H.course_root(hub.instructor)
    nbgrader_as(hub, hub.instructor, "release_assignment", PART, cwd=course)
    for s in (hub.a, hub.b):
        nbgrader_as(hub, s, "fetch_assignment", PART)
    nbgrader_as(hub, hub.b, "submit", PART)
    return course


def inbound(hub) -> Path:
    return hub.layout.exchange / H.COURSE_ID / "inbound"


def denied(hub, account, cmd) -> str:
    done = H.run_as(account, cmd, hub.layout)
    return "" if done.returncode != 0 and "Permission denied" in done.stderr else \
        f"{' '.join(cmd)} as {account.name}: exit {done.returncode}, {(done.stdout + done.stderr)[:200]!r}"


def test_a_student_cannot_read_another_students_submission(hub, released):
    b_subs = [p for p in inbound(hub).iterdir() if p.name.startswith(hub.b.name + "+")]
    assert len(b_subs) == 1, f"B's submission in the exchange: {b_subs}"
    b_nb = b_subs[0] / f"{PART}.ipynb"
    problems = [denied(hub, hub.a, ["ls", str(inbound(hub))]),
                denied(hub, hub.a, ["cat", str(b_nb)]),          # even knowing the exact name
                denied(hub, hub.a, ["ls", str(b_subs[0])])]
    assert not any(problems), "student A reached B's submission:\n" + "\n".join(p for p in problems if p)


def test_a_student_cannot_read_homes_source_or_the_gradebook(hub, released):
    course = released
    H.run_as(hub.instructor, ["python", "-c", "from nbgrader.api import Gradebook; Gradebook('sqlite:///gradebook.db').close()"],
             hub.layout, cwd=course)
    assert (course / "gradebook.db").exists()
    targets = [["ls", str(hub.b.home)], ["cat", str(hub.b.home / PART / f"{PART}.ipynb")],
               ["ls", str(hub.instructor.home)], ["cat", str(course / "gradebook.db")],
               ["cat", str(course / "source" / PART / f"{PART}.ipynb")],
               ["cat", str(ROOT / "source" / PART / f"{PART}.ipynb")],
               ["cat", str(ROOT / "lessons" / f"{PART}.py")]]
    problems = [denied(hub, hub.a, t) for t in targets]
    assert not any(problems), "student A read what is not theirs:\n" + "\n".join(p for p in problems if p)


def solved_as_submitted(hub):
    return nbformat.read(hub.a.home / PART / f"{PART}.ipynb", as_version=4)


def test_a_second_submission_is_the_one_graded(hub, released):
    """A submits the release untouched, then the complete solution: collect + grade see the later."""
    nbgrader_as(hub, hub.a, "submit", PART)
    time.sleep(1.1)                      # nbgrader's timestamps resolve to the microsecond; be safe
    work = hub.a.home / PART / f"{PART}.ipynb"
    source = nbformat.read(ROOT / "source" / PART / f"{PART}.ipynb", as_version=4)
    solved = democlass.filled(source, nbformat.read(work, as_version=4))
    nbformat.write(solved, work)
    os.chown(work, hub.a.uid, pwd.getpwnam(hub.a.name).pw_gid)
    nbgrader_as(hub, hub.a, "submit", PART)
    course = released
    nbgrader_as(hub, hub.instructor, "collect", PART, cwd=course)
    done = subprocess.run([sys.executable, "-m", "course", "grade", "--course", str(course),
                           "--assignment", PART, "--student", hub.a.name],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"course grade failed:\n{done.stdout}\n{done.stderr}"
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission(PART, hub.a.name)
        score, max_score = sub.code_score, sub.max_code_score
    collected = nbformat.read(course / "submitted" / hub.a.name / PART / f"{PART}.ipynb", as_version=4)
    assert collected == solved_as_submitted(hub), "nbgrader collect took an earlier submission"
    assert score == max_score > 0, \
        f"A's graded score is {score}/{max_score}: the later (solved) submission was not what got graded\n{done.stdout[-1500:]}"


SCREENSHOTS = ROOT / "docs" / "screenshots"


def hidden_test_lines(nb) -> list[str]:
    """The distinctive lines of every hidden test block of a source notebook."""
    lines, inside = [], False
    for cell in nb.cells:
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) > 30:
                lines.append(line.strip())
    assert lines, "the source notebook has no hidden tests to look for"
    return lines


def hidden_lines_shown(source_nb, release_nb, html: str) -> list[str]:
    """Lines only the hidden tests of `source_nb` have (not the release) that an HTML page shows."""
    text = html_unescape(re.sub(r"<[^>]+>", "", html))
    public = "\n".join(c.source for c in release_nb.cells)
    return [line for line in hidden_test_lines(source_nb) if line not in public and line in text]


def _login(browser, hub, account, errors):
    from . import browser as br
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("pageerror", lambda e: errors.append(f"{account.name}: {e}"))
    page.set_default_timeout(br.PAGE_LOAD_S * 1000)
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", account.name)
    page.fill("#password_input", account.password)
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{account.name}/lab**", timeout=180_000)
    page.wait_for_selector(".lm-MenuBar-item", timeout=120_000)
    return page


def _assignments_tab(page):
    page.locator(".lm-MenuBar-item", has_text="Nbgrader").first.click()
    page.locator('.lm-Menu-item[data-command="nbgrader:open-assignment-list"]').click()


def test_the_class_loop_in_the_browser(hub, released, tmp_path):
    """Through the hub's login page in chromium: student C fetches the released part from the
    Assignments tab, solves it, presses Validate and Submit; the instructor collects, grades with
    `course grade` (sandboxed) and opens the Formgrader; feedback is released and C fetches it
    from the Assignments tab: C's scores, no hidden test code, nobody else's work."""
    from . import browser as br
    problem = br.missing_requirements()
    if problem:
        pytest.fail(problem)
    from playwright.sync_api import sync_playwright
    shots = SCREENSHOTS if os.environ.get("COURSE_SCREENSHOTS") else tmp_path
    course, c, errors = released, hub.c, []
    work = c.home / PART / f"{PART}.ipynb"
    with sync_playwright() as pw:
        browser = br.launch_browser(pw, tmp_path)
        try:
            page = _login(browser, hub, c, errors)
            _assignments_tab(page)                                   # step 2: fetch
            row = page.locator("#released_assignments_list .list_item", has_text=PART)
            row.wait_for()
            row.locator("button", has_text="Fetch").click()
            fetched = page.locator("#fetched_assignments_list .list_item", has_text=PART).first
            fetched.wait_for()
            assert work.exists(), "Fetch did not put the notebook in C's home"
            page.screenshot(path=str(shots / "hub_assignments.jpg"), type="jpeg", quality=br.SCREENSHOT_QUALITY)

            source = nbformat.read(ROOT / "source" / PART / f"{PART}.ipynb", as_version=4)
            nbformat.write(democlass.filled(source, nbformat.read(work, as_version=4)), work)  # C solves it
            os.chown(work, c.uid, pwd.getpwnam(c.name).pw_gid)
            page.goto(f"{hub.url}/user/{c.name}/lab/tree/{PART}/{PART}.ipynb")
            page.locator(br.VALIDATE_BUTTON).click()                 # Validate
            dialog = page.locator(".jp-Dialog")
            dialog.wait_for(timeout=300_000)
            page.wait_for_function("""() => { const d = document.querySelector('.jp-Dialog');
                return d && !/Validating/.test(d.textContent) && d.textContent.length > 20; }""", timeout=300_000)
            verdict = dialog.inner_text()
            assert "Success! Your notebook passes all the tests." in verdict, f"Validate said: {verdict[:500]}"
            page.keyboard.press("Escape")
            _assignments_tab(page)                                   # Submit
            fetched = page.locator("#fetched_assignments_list .list_item", has_text=PART).first
            fetched.locator("button", has_text="Submit").click()
            page.locator("#submitted_assignments_list .list_item", has_text=PART).first.wait_for()
            subs = [p for p in inbound(hub).iterdir() if p.name.startswith(c.name + "+")]
            assert len(subs) == 1, f"C's submissions in the exchange after Submit: {[p.name for p in subs]}"

            nbgrader_as(hub, hub.instructor, "collect", PART, cwd=course)      # step 3
            done = subprocess.run([sys.executable, "-m", "course", "grade", "--course", str(course),
                                   "--assignment", PART, "--student", c.name],
                                  cwd=ROOT, capture_output=True, text=True, timeout=600)
            assert done.returncode == 0, f"course grade failed:\n{done.stdout}\n{done.stderr}"
            H.grant_grader(hub.instructor, course)        # what root wrote goes back to the instructor
            teacher = _login(browser, hub, hub.instructor, errors)
            teacher.goto(f"{hub.url}/user/{hub.instructor.name}/formgrader/manage_submissions/{PART}")
            teacher.locator("tr", has_text=c.name).first.wait_for()
            teacher.screenshot(path=str(shots / "hub_formgrader.jpg"), type="jpeg", quality=br.SCREENSHOT_QUALITY)
            teacher.close()

            nbgrader_as(hub, hub.instructor, "generate_feedback", PART, "--student", c.name, cwd=course)  # step 4
            nbgrader_as(hub, hub.instructor, "release_feedback", PART, "--student", c.name, cwd=course)
            _assignments_tab(page)
            page.locator("#refresh_assignments_list").click()
            submitted = page.locator("#submitted_assignments_list .list_item", has_text=PART).first
            submitted.locator("button", has_text="Fetch Feedback").click()
            deadline = time.monotonic() + 120
            while not list((c.home / PART / "feedback").glob(f"*/{PART}.html")):
                assert time.monotonic() < deadline, "Fetch Feedback put no feedback in C's home"
                time.sleep(0.5)
            feedback = next((c.home / PART / "feedback").glob(f"*/{PART}.html"))
            rel = feedback.relative_to(c.home)
            page.goto(f"{hub.url}/user/{c.name}/files/{rel}")
            page.wait_for_selector("text=Score")
            page.screenshot(path=str(shots / "hub_feedback.jpg"), type="jpeg", quality=br.SCREENSHOT_QUALITY)
        finally:
            browser.close()
    html = feedback.read_text()
    leaked = hidden_lines_shown(source, nbformat.read(ROOT / "release" / PART / f"{PART}.ipynb", as_version=4), html)
    assert "BEGIN HIDDEN TESTS" not in html and not leaked, f"C's feedback shows hidden test code: {leaked[:3]}"
    for other in (hub.a.name, hub.b.name):
        assert other not in html, f"C's feedback names another student ({other})"
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:   # step 5
        sub = gb.find_submission(PART, c.name)
        auto, max_auto = sub.code_score, sub.max_code_score
    assert auto == max_auto > 0, f"C's autograded score {auto}/{max_auto}, expected full marks"
    assert f"{auto:g}" in html or f"{auto}" in html, f"C's feedback does not show the score {auto}"
    assert not errors, f"JavaScript errors: {errors}"


def test_stopping_the_hub_leaves_nothing_running(hub):
    proxy = hub.proxy_pid()
    uids = {a.uid for a in hub.accounts}
    assert H.processes_of(uids), "no single-user server was running before the stop"
    hub.stop()
    assert not H.processes_of(uids), f"left running:\n{ps_lines(uids)}"
    assert not alive(proxy), f"the proxy ({proxy}) still runs"
    assert hub.proc.poll() is not None
    assert not hub.leftovers, f"the hub left these for us to kill: {hub.leftovers}"
