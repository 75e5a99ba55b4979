"""Publishing: `make publish` puts the built site on a gh-pages branch, and the GitHub Actions
workflow builds, tests and deploys it with the README's commands."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GHP_IMPORT = ROOT / ".venv" / "bin" / "ghp-import"


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def publish_command(remote: Path, site: Path) -> list[str]:
    """The ghp-import command `make publish` runs, as make would run it (dry run)."""
    out = subprocess.run(["make", "-n", "--always-make", "publish", f"REMOTE={remote}",
                          f"BOOK_HTML={site}"], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout
    lines = [line for line in out.replace("\\\n", " ").splitlines() if "ghp-import" in line]
    assert len(lines) == 1, out
    return shlex.split(lines[0].replace(".venv/bin/ghp-import", str(GHP_IMPORT)))


def test_make_publish_puts_the_site_on_gh_pages(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git("init", "--bare", "-q", str(remote), cwd=tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    git("init", "-q", cwd=work)
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q",
        "--allow-empty", "-m", "start", cwd=work)
    site = tmp_path / "site"
    (site / "book").mkdir(parents=True)
    (site / "index.html").write_text("<meta http-equiv='refresh' content='0; url=book/x.html'>")
    (site / "book" / "x.html").write_text("<p>the course</p>")
    command = publish_command(remote, site)
    subprocess.run(command, cwd=work, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
                        "PATH": "/usr/bin:/bin"})
    files = git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).split()
    assert sorted(files) == [".nojekyll", "book/x.html", "index.html"]
    message = git("log", "-1", "--format=%s", "gh-pages", cwd=remote)
    assert message.startswith("Publish the course built from ")


def test_the_workflow_tests_then_deploys_the_built_site() -> None:
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text())
    test, deploy = flow["jobs"]["test"], flow["jobs"]["deploy"]
    runs = [step.get("run", "") for step in test["steps"]]
    assert any(run.startswith("make test") for run in runs), runs
    upload = next(s for s in test["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "_build/html"
    assert deploy["needs"] == "test"
    assert any("deploy-pages" in s.get("uses", "") for s in deploy["steps"])
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
