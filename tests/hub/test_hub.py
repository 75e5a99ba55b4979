"""A class on a real JupyterHub, end to end, on loopback: ``make test-hub`` (``-s`` shows the log).

The hub is the one-machine setup of the instructor guide, started from the very file the guide
names, ``instructor/hub/jupyterhub_config.py``: JupyterHub with configurable-http-proxy from
``node_modules/.bin``, a class password (``SharedPasswordAuthenticator``) and each student's
JupyterLab started by ``SimpleLocalProcessSpawner`` as this same OS user (root too), in a home
folder of their own under a temporary folder, on free ports of 127.0.0.1.

The class:

1. the instructor makes the student repository: a bare git repository holding the workbook's
   student notebooks (``notebooks/*.ipynb``, which ``make workbook`` writes without solutions),
   and the grading bundle of notebook 00 (``tools/assign.py 00``, into the temporary folder;
   it runs while the students work);
2. two students, in Chromium, follow the guide's nbgitpuller link (the link is the guide's own,
   read from ``book/appendix_instructor.md`` with its placeholders filled in), log in, get the
   repository cloned into their home and notebook 00 opened in JupyterLab; each runs it all,
   types an answer to exercise 0.1 into its answer cell (one right, one wrong), runs the answer
   and its check, and saves;
3. the instructor pushes an update: a changed Markdown cell in notebook 01 and a new file;
4. each student follows the link again: nbgitpuller merges the update and keeps their answer
   (checked in the saved notebook on disk and in the notebook JupyterLab shows);
5. the instructor collects each student's notebook 00 into a folder (one folder per student)
   and grades it with ``tools/grade.py``; ``grades.csv`` must give each student the points of
   their answer.

Every step is logged to stdout, with the seconds since the start.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import nbformat
import pytest
import yaml
from playwright.sync_api import Page, sync_playwright

from teamsim.bench.browser import CHROMIUM_ARGS, HOW_TO_GET_ONE, find_chromium

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "instructor" / "hub" / "jupyterhub_config.py"
GUIDE = ROOT / "book" / "appendix_instructor.md"
VENV_BIN = Path(sys.executable).parent
NOTEBOOK = "00_getting_started.ipynb"
UPDATED = "01_two_sides.ipynb"
NEW_FILE = "notebooks/week2_note.md"
QUESTION = "development_reps"
REPO_NAME = "sales-course"
PASSWORD = "a-class-password"
# What each student types into the answer cell of exercise 0.1: the count of reps driven by
# their development (right), and the size of the whole team (a plausible slip: wrong).
ANSWERS = {
    "ana": 'development_reps = int((roster["driver"] == "development").sum())',
    "ben": "development_reps = len(roster)",
}
UPDATE_LINE = "**Note from your instructor (week 2):** bring one question from your own team."
TIMEOUT_S = 240
CURRENT = "window.jupyterapp.shell.currentWidget"
START = time.monotonic()


def log(message: str) -> None:
    print(f"[hub {time.monotonic() - START:6.1f}s] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def git(*args: str, cwd: Path) -> str:
    identity = ["-c", "user.name=Instructor", "-c", "user.email=instructor@example.org",
                "-c", "init.defaultBranch=main"]
    done = subprocess.run(["git", *identity, *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


# -- the guide's link ------------------------------------------------------------------------
def documented_link() -> str:
    """The nbgitpuller link of the instructor guide, placeholders and all."""
    found = re.findall(r"https://HUB/hub/user-redirect/git-pull\?\S+", GUIDE.read_text("utf-8"))
    assert found, f"{GUIDE.name} no longer shows an nbgitpuller link"
    return found[0]


def nbgitpuller_link(hub: str, repo: str, notebook: str) -> str:
    """The guide's link for ``notebook`` of the repository ``repo`` on the hub at ``hub``,
    filled in as the guide says: HUB, the repository's URL (OWNER/STUDENT-REPO), the folder it
    is cloned to (STUDENT-REPO, the URL's last part) and the notebook's name."""
    template = urlsplit(documented_link())
    fields = parse_qsl(template.query)
    # The guide's query is URL-encoded the way this function encodes it.
    assert urlencode(fields, quote_via=quote, safe="") == template.query, template.query
    assert {k for k, _ in fields} == {"repo", "branch", "urlpath"}, fields
    folder = repo.rstrip("/").split("/")[-1]

    def fill(value: str) -> str:
        return (value.replace("https://github.com/OWNER/STUDENT-REPO", repo)
                .replace("STUDENT-REPO", folder)
                .replace("06_capstone.ipynb", notebook))

    query = urlencode([(k, fill(v)) for k, v in fields], quote_via=quote, safe="")
    hub_url = urlsplit(hub)
    return urlunsplit((hub_url.scheme, hub_url.netloc, template.path, query, ""))


def test_the_guides_link_is_filled_in_as_the_guide_says() -> None:
    link = nbgitpuller_link("https://hub.our-school.edu", "https://github.com/our-school/course",
                            "01_two_sides.ipynb")
    assert link == ("https://hub.our-school.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2F"
                    "github.com%2Four-school%2Fcourse&branch=main&urlpath=lab%2Ftree%2Fcourse"
                    "%2Fnotebooks%2F01_two_sides.ipynb")


def test_the_kubernetes_files_agree_with_the_repository() -> None:
    """The Zero to JupyterHub route (not run here: no cluster) at least names what exists: the
    Dockerfile copies files the repository has and installs the lock, which pins the
    JupyterHub series of the chart the values file is written for; the image is the one the
    values file runs, as the user it expects."""
    hub_dir = ROOT / "instructor" / "hub"
    dockerfile = (hub_dir / "Dockerfile").read_text()
    for line in re.findall(r"^COPY (.+)$", dockerfile, flags=re.M):
        for source in line.split()[:-1]:
            assert (ROOT / source).exists(), f"the Dockerfile copies {source}, which is missing"
    assert "--require-hashes --no-deps -r /opt/course-src/requirements.lock" in dockerfile
    values_text = (hub_dir / "z2jh-values.yaml").read_text()
    values = yaml.safe_load(values_text)
    series = re.search(r"JupyterHub (\d+\.\d+)", values_text).group(1)
    pinned = re.search(r"^jupyterhub==(\S+)", (ROOT / "requirements.lock").read_text(),
                       flags=re.M).group(1)
    assert pinned.startswith(series + "."), (pinned, series)
    user = values["singleuser"]
    assert user["cmd"] == "jupyterhub-singleuser" and "jupyterhub-singleuser" in dockerfile
    assert f"--uid {user['uid']} --gid {user['fsGid']}" in dockerfile
    assert user["storage"]["homeMountPath"] == "/home/jovyan" and "WORKDIR /home/jovyan" in \
        dockerfile
    assert "gitpuller" in " ".join(user["lifecycleHooks"]["postStart"]["exec"]["command"])
    assert values["cull"]["enabled"] and user["memory"]["limit"] and user["cpu"]["limit"]


# -- the hub -----------------------------------------------------------------------------------
def start_hub(work: Path) -> tuple[subprocess.Popen, str, Path]:
    """JupyterHub from the guide's config on free loopback ports: (process, URL, log file)."""
    port = free_port()
    env = {**os.environ, "COURSE_HUB_DIR": str(work / "hub"), "COURSE_HUB_PORT": str(port),
           "COURSE_HUB_API_PORT": str(free_port()),
           "COURSE_HUB_PROXY_API_PORT": str(free_port()),
           "COURSE_HUB_PASSWORD": PASSWORD, "COURSE_HUB_USERS": " ".join(ANSWERS)}
    for name in ANSWERS:
        # Test-only settings of each student's JupyterLab: the page exposes its application
        # object (to wait for the kernel and read cells) and asks nothing of the internet.
        config = work / "hub" / "homes" / name / ".jupyter"
        config.mkdir(parents=True)
        (config / "jupyter_server_config.json").write_text(json.dumps({"LabApp": {
            "expose_app_in_browser": True, "news_url": None,
            "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
            "extension_manager": "readonly"}}))
    hub_log = work / "jupyterhub.log"
    with hub_log.open("w") as out:
        hub = subprocess.Popen([str(VENV_BIN / "jupyterhub"), "-f", str(CONFIG)], env=env,
                               cwd=work, stdout=out, stderr=subprocess.STDOUT,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{url}/hub/api/", timeout=2)
            return hub, url, hub_log
        except OSError:
            if hub.poll() is not None or time.monotonic() > deadline:
                stop(hub)
                raise RuntimeError("JupyterHub did not start:\n"
                                   + hub_log.read_text()[-3000:]) from None
            time.sleep(0.5)


def stop(process: subprocess.Popen) -> None:
    """Stop the hub (it stops the students' servers and the proxy), then its process group."""
    if process.poll() is None:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, 9)


# -- a student in JupyterLab -------------------------------------------------------------------
def wait_for_notebook(page: Page, path: str) -> None:
    """JupyterLab is up, showing ``path`` with its kernel started and idle."""
    page.wait_for_function(
        f"""p => window.jupyterapp && {CURRENT} && {CURRENT}.context
            && {CURRENT}.context.path === p && {CURRENT}.sessionContext.session
            && {CURRENT}.sessionContext.session.kernel
            && {CURRENT}.sessionContext.kernelDisplayStatus === 'idle'""",
        arg=path, timeout=TIMEOUT_S * 1000, polling=500)


def wait_until_done(page: Page) -> None:
    page.wait_for_function(
        f"""() => {CURRENT}.sessionContext.kernelDisplayStatus === 'idle'
            && ![...{CURRENT}.node.querySelectorAll('.jp-InputPrompt')]
                .some(p => p.textContent.includes('*'))""",
        timeout=TIMEOUT_S * 1000, polling=500)


def cell_source(page: Page, index: int) -> str:
    return page.evaluate(f"i => {CURRENT}.content.widgets[i].model.sharedModel.getSource()",
                         index)


def answer_cell(notebook: Path) -> int:
    nb = nbformat.read(notebook, as_version=4)
    return next(i for i, cell in enumerate(nb.cells)
                if "otter_answer_cell" in cell.metadata.get("tags", [])
                and cell.source.startswith(f"{QUESTION} ="))


def login(page: Page, name: str) -> None:
    page.wait_for_selector("#username_input", timeout=TIMEOUT_S * 1000)
    page.fill("#username_input", name)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")


def start_run_all(page: Page) -> None:
    """Run all cells of the notebook on show (returns at once; the kernel works on)."""
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")


def answer_and_save(page: Page, name: str, index: int) -> str:
    """Once the run is over: type the answer into cell ``index``, run it and its check, save;
    return the check's message."""
    wait_until_done(page)
    errors = page.evaluate(f"""() => [...{CURRENT}.node.querySelectorAll(
        '.jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]')]
        .map(e => e.textContent.slice(0, 300))""")
    assert not errors, f"{name}: cells raised: {errors}"
    page.evaluate(f"i => {{ {CURRENT}.content.activeCellIndex = i; "
                  f"{CURRENT}.content.scrollToItem(i); }}", index)
    panel = page.evaluate(f"() => {CURRENT}.id")
    editor = page.locator(f"[id='{panel}'] .jp-Cell").nth(index).locator(".cm-content")
    editor.scroll_into_view_if_needed()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(ANSWERS[name])
    assert cell_source(page, index) == ANSWERS[name], cell_source(page, index)
    page.keyboard.press("Shift+Enter")   # run the answer; the check cell is next
    page.keyboard.press("Shift+Enter")   # run the check
    wait_until_done(page)
    message = page.evaluate(f"i => {CURRENT}.content.widgets[i].node.querySelector("
                            "'.jp-OutputArea').textContent.trim()", index + 1)
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function(f"() => !{CURRENT}.context.model.dirty", timeout=60_000)
    return message


# -- the class ---------------------------------------------------------------------------------
def make_student_repository(work: Path) -> tuple[Path, Path]:
    """(instructor's working copy, bare repository the students pull from)."""
    copy = work / "instructor" / REPO_NAME
    (copy / "notebooks").mkdir(parents=True)
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        shutil.copy(notebook, copy / "notebooks" / notebook.name)
    git("init", "-q", cwd=copy)
    git("add", "notebooks", cwd=copy)
    git("commit", "-q", "-m", "The student notebooks", cwd=copy)
    bare = work / "remote" / REPO_NAME   # no .git suffix: nbgitpuller names the folder after it
    bare.parent.mkdir()
    git("clone", "-q", "--bare", str(copy), str(bare), cwd=work)
    git("remote", "add", "origin", str(bare), cwd=copy)
    return copy, bare


def push_update(copy: Path) -> None:
    """The instructor's week-2 update: a Markdown cell of notebook 01 changes, a file is new."""
    path = copy / "notebooks" / UPDATED
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += "\n\n" + UPDATE_LINE
    nbformat.write(nb, path)
    (copy / NEW_FILE).write_text("# Week 2\n\nRead part 2 before Thursday.\n")
    git("add", "-A", cwd=copy)
    git("commit", "-q", "-m", "Week 2: a note in notebook 01, a reading for Thursday",
        cwd=copy)
    git("push", "-q", "origin", "HEAD:main", cwd=copy)


def test_a_class_on_jupyterhub(tmp_path: Path) -> None:
    global START
    START = time.monotonic()
    chromium = find_chromium()
    if chromium is None:
        pytest.skip(f"No Chromium found to drive the students' JupyterLab. {HOW_TO_GET_ONE}")
    work = tmp_path
    copy, bare = make_student_repository(work)
    log(f"instructor: student repository {bare} (bare git, branch main) with "
        f"{len(list((copy / 'notebooks').glob('*.ipynb')))} student notebooks")
    assign_log = (work / "assign.log").open("w")
    assign = subprocess.Popen(
        [sys.executable, str(ROOT / "tools" / "assign.py"), NOTEBOOK[:2],
         "--student-dir", str(work / "assigned"), "--grading-dir", str(work / "grading")],
        cwd=ROOT, stdout=assign_log, stderr=subprocess.STDOUT, start_new_session=True)
    hub, url, hub_log = start_hub(work)
    log(f"JupyterHub {url} started from {CONFIG.relative_to(ROOT)} as "
        f"{'root' if os.getuid() == 0 else 'uid ' + str(os.getuid())}; proxy "
        "node_modules/.bin/configurable-http-proxy")
    link = nbgitpuller_link(url, f"file://{bare}", NOTEBOOK)
    log(f"the guide's nbgitpuller link: {link}")
    homes = work / "hub" / "homes"
    notebook_path = f"{REPO_NAME}/notebooks/{NOTEBOOK}"
    index = answer_cell(ROOT / "notebooks" / NOTEBOOK)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            # The students work side by side: each step is started for both before it is
            # awaited, so their servers start, clone and run at the same time.
            pages = {}
            for name in ANSWERS:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                pages[name] = context.new_page()
                pages[name].goto(link, timeout=TIMEOUT_S * 1000)
                login(pages[name], name)
                log(f"{name}: logged in with the class password; the hub starts their server")
            for name, page in pages.items():
                wait_for_notebook(page, notebook_path)
                log(f"{name}: nbgitpuller cloned the repository into "
                    f"{(homes / name / REPO_NAME).relative_to(work)}; JupyterLab shows "
                    f"{notebook_path} with its kernel started")
                start_run_all(page)
            for name, page in pages.items():
                message = answer_and_save(page, name, index)
                log(f"{name}: ran all cells, typed {ANSWERS[name]!r} into cell {index}, ran it "
                    f"and its check ({message[:90]!r}), saved")
                saved = nbformat.read(homes / name / notebook_path, as_version=4)
                assert saved.cells[index].source == ANSWERS[name]

            push_update(copy)
            log(f"instructor: pushed an update (a Markdown cell of {UPDATED} changed, "
                f"{NEW_FILE} added)")

            for page in pages.values():
                page.goto(link, timeout=TIMEOUT_S * 1000)   # the same link, clicked again
            for name, page in pages.items():
                wait_for_notebook(page, notebook_path)
                repo = homes / name / REPO_NAME
                saved = nbformat.read(repo / "notebooks" / NOTEBOOK, as_version=4)
                updated = nbformat.read(repo / "notebooks" / UPDATED, as_version=4)
                assert saved.cells[index].source == ANSWERS[name], "the merge lost the answer"
                assert cell_source(page, index) == ANSWERS[name]
                assert UPDATE_LINE in updated.cells[0].source, "the update did not arrive"
                assert (repo / NEW_FILE).is_file()
                head = git("log", "-1", "--format=%s", cwd=repo).strip()
                log(f"{name}: followed the link again; nbgitpuller merged the update "
                    f"({head!r}): {UPDATED} has the note, {NEW_FILE} is there, and "
                    f"{NOTEBOOK} still holds the answer (on disk and in JupyterLab)")
            browser.close()

        collected = work / "collected"
        for name in ANSWERS:
            (collected / name).mkdir(parents=True)
            shutil.copy(homes / name / notebook_path, collected / name / NOTEBOOK)
        log(f"instructor: collected {len(ANSWERS)} notebooks into {collected.name}/ "
            "(one folder per student); waiting for the grading bundle")
        assert assign.wait(timeout=TIMEOUT_S) == 0, (work / "assign.log").read_text()[-3000:]
        bundle = json.loads((work / "grading" / NOTEBOOK[:-6] / "bundle.json").read_text())
        points = next(q["points"] for q in bundle["questions"] if q["name"] == QUESTION)
        command = [sys.executable, "tools/grade.py", str(collected),
                   "--grading-dir", str(work / "grading")]
        graded = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                                timeout=TIMEOUT_S)
        assert graded.returncode == 0, graded.stdout + graded.stderr
        log(f"instructor: .venv/bin/python tools/grade.py {collected.name} "
            f"(bundle in the temporary folder) -> {collected.name}-grades/grades.csv:")
        grades_csv = work / "collected-grades" / "grades.csv"
        # grades.csv starts with a byte-order mark, for Excel
        with grades_csv.open(newline="", encoding="utf-8-sig") as f:
            rows = {row["submission"]: row for row in csv.DictReader(f)}
        for line in grades_csv.read_text(encoding="utf-8-sig").splitlines():
            print(f"    {line}", flush=True)
        assert set(rows) == set(ANSWERS), rows
        expected = {"ana": points, "ben": 0}
        for name, want in expected.items():
            assert float(rows[name][QUESTION]) == want, rows[name]
            assert float(rows[name]["total"]) == want, rows[name]
            assert not rows[name]["status"].startswith("not graded"), rows[name]
        log(f"grades: ana {rows['ana'][QUESTION]}/{points} and ben {rows['ben'][QUESTION]}/"
            f"{points} for {QUESTION}, as their answers deserve")
    finally:
        stop(hub)
        if assign.poll() is None:
            os.killpg(assign.pid, 9)
        assign_log.close()
    used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    cpu = sum(u.ru_utime + u.ru_stime for u in used)
    log(f"done in {time.monotonic() - START:.0f} s of wall time ({cpu:.0f} s of CPU in this "
        f"process and those it waited for; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs)")
