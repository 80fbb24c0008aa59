"""Outputs never clobber: every command that writes refuses an input, a link, a folder, a FIFO or a device.

And a write interrupted by SIGTERM or SIGINT leaves neither a half file nor a
temporary file: tested on a real ``goaltree`` process, stopped in the middle
of writing its output.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support import DATA

from goaltree.cli import main
from goaltree.outputs import output_problem

ROOT = Path(__file__).resolve().parent.parent
AS_OF = ["--as-of", "2027-06-30"]

PROJECT_GOALS = """\
goaltree: 1
id: t
title: T
owner: Marketing
period: {start: 2027-01-01, end: 2027-12-31}
sources:
  crm: {type: csv, path: data/deals.csv, date_column: day}
  warehouse: {type: sql, url: "sqlite:///data/warehouse.db"}
nodes:
  revenue:
    title: Revenue of 100 SEK
    unit: SEK
    target: 100
    metric: {source: crm, value: amount}
  visits:
    title: 1 000 visits
    unit: count
    target: 1000
    metric: {source: warehouse, query: "SELECT day, n FROM visits WHERE day BETWEEN :start AND :end"}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A goal file with a CSV and a SQLite source, in its own folder."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "deals.csv").write_text("day,amount\n2027-02-01,30\n2027-05-01,12.5\n", encoding="utf-8")
    with sqlite3.connect(tmp_path / "data" / "warehouse.db") as connection:
        connection.execute("CREATE TABLE visits (day DATE, n INTEGER)")
        connection.execute("INSERT INTO visits VALUES ('2027-03-01', 400)")
    connection.close()
    (tmp_path / "goals.yaml").write_text(PROJECT_GOALS, encoding="utf-8")
    return tmp_path


def snapshot_of(folder: Path) -> dict[str, tuple[str, bytes | str]]:
    """Every entry under ``folder``: its kind and its bytes (or a link's target): to prove nothing changed."""
    entries: dict[str, tuple[str, bytes | str]] = {}
    for path in sorted(folder.rglob("*")):
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            entries[str(path.relative_to(folder))] = ("link", os.readlink(path))
        elif stat.S_ISREG(mode):
            entries[str(path.relative_to(folder))] = ("file", path.read_bytes())
        else:
            entries[str(path.relative_to(folder))] = (stat.filemode(mode)[0], "")
    return entries


def refused(capsys, arguments: list[str], folder: Path, words: str) -> None:
    """The command exits 2 with ``words`` in its message and changes nothing in ``folder``."""
    before = snapshot_of(folder)
    code = main(arguments)
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert "refusing to write" in captured.err
    assert words in captured.err
    assert "internal error" not in captured.err
    assert snapshot_of(folder) == before


@pytest.mark.parametrize("command", ["report", "render"])
def test_the_goal_file_is_never_overwritten(project, capsys, command):
    goals = project / "goals.yaml"
    fmt = ["--format", "md"] if command == "report" else ["--format", "dot"]
    refused(capsys, [command, str(goals), "-o", str(goals), *fmt, *AS_OF], project, "it is the goal file being read")
    spelled_otherwise = project / "data" / ".." / "goals.yaml"
    refused(capsys, [command, str(goals), "-o", str(spelled_otherwise), *fmt, *AS_OF], project, "the goal file")


def test_a_hard_link_to_the_goal_file_is_the_goal_file(project, capsys):
    goals = project / "goals.yaml"
    os.link(goals, project / "alias.yaml")
    refused(capsys, ["report", str(goals), "-o", str(project / "alias.yaml"), "--format", "md", *AS_OF], project, "the goal file")


@pytest.mark.parametrize(
    ("output", "words"),
    [("data/deals.csv", "a data file of source 'crm'"), ("data/warehouse.db", "a data file of source 'warehouse'")],
)
def test_a_source_data_file_is_never_overwritten(project, capsys, output, words):
    goals = project / "goals.yaml"
    for arguments in (
        ["report", str(goals), "-o", str(project / output), "--format", "json", *AS_OF],
        ["render", str(goals), "-o", str(project / output), "--format", "mermaid", *AS_OF],
        ["pull", str(goals), "-o", str(project / output), *AS_OF],
        ["rollover", str(goals), "--to", "2028", "-o", str(project / output)],
    ):
        refused(capsys, arguments, project, words)


def test_the_snapshot_being_read_is_never_overwritten(project, capsys):
    goals = project / "goals.yaml"
    snapshot = project / "goals.snapshot.json"
    assert main(["pull", str(goals), *AS_OF]) == 0
    capsys.readouterr()
    refused(
        capsys,
        ["report", str(goals), "--snapshot", str(snapshot), "-o", str(snapshot), "--format", "json", *AS_OF],
        project,
        "it is the snapshot being read",
    )


def test_an_output_through_a_symbolic_link_is_refused(project, capsys):
    goals = project / "goals.yaml"
    (project / "real.md").write_text("keep me\n", encoding="utf-8")
    (project / "link.md").symlink_to("real.md")
    (project / "dangling.yaml").symlink_to("nowhere.yaml")
    for arguments in (
        ["report", str(goals), "-o", str(project / "link.md"), *AS_OF],
        ["render", str(goals), "-o", str(project / "link.md"), "--format", "dot", *AS_OF],
        ["pull", str(goals), "-o", str(project / "link.md"), *AS_OF],
        ["rollover", str(goals), "--to", "2028", "-o", str(project / "dangling.yaml")],
        ["schema", "-o", str(project / "link.md")],
    ):
        refused(capsys, arguments, project, "symbolic link")
    assert not (project / "nowhere.yaml").exists()


def test_an_output_in_a_linked_folder_of_the_project_is_refused(project, capsys, monkeypatch, tmp_path_factory):
    # A pull request commits `reports -> /elsewhere`; CI asks for reports/status.html.
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "status.html").write_text("keep me\n", encoding="utf-8")
    (project / "reports").symlink_to(elsewhere)
    monkeypatch.chdir(project)
    for output in ("reports/status.html", str(project / "reports" / "status.html"), "reports/new.md"):
        refused(capsys, ["report", "goals.yaml", "-o", output, *AS_OF], project, "its folder")
    assert [path.name for path in elsewhere.iterdir()] == ["status.html"]
    assert (elsewhere / "status.html").read_text(encoding="utf-8") == "keep me\n"
    # A real folder, and a folder outside the working one (the machine's, such as /tmp on macOS), are fine.
    (project / "out").mkdir()
    assert main(["report", "goals.yaml", "-o", "out/status.md", *AS_OF]) == 0
    assert main(["report", "goals.yaml", "-o", str(elsewhere / "outside.md"), *AS_OF]) == 0


def test_a_fifo_or_a_folder_as_output_is_refused(project, capsys):
    goals = project / "goals.yaml"
    os.mkfifo(project / "pipe.md")
    refused(capsys, ["report", str(goals), "-o", str(project / "pipe.md"), *AS_OF], project, "named pipe (FIFO)")
    refused(capsys, ["schema", "-o", str(project / "pipe.md")], project, "named pipe (FIFO)")
    refused(capsys, ["report", str(goals), "-o", str(project / "data"), "--format", "md", *AS_OF], project, "it is a folder")
    assert stat.S_ISFIFO(os.lstat(project / "pipe.md").st_mode)


def test_a_device_as_output_is_refused(project, capsys):
    # Asked of the real device without writing anything: output_problem only looks (lstat).
    assert output_problem("/dev/null") == "it is a device, not a regular file"
    # Through the CLI on a device node of our own inside the test folder: a rename would replace
    # that node (not write to the device), so even a broken goaltree cannot harm the machine here.
    node = project / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    refused(capsys, ["render", str(project / "goals.yaml"), "-o", str(node), "--format", "dot", *AS_OF], project, "device")
    assert stat.S_ISCHR(os.lstat(node).st_mode)


def test_init_refuses_a_symbolic_link_as_the_project_folder(tmp_path, capsys):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to("real")
    code = main(["init", str(tmp_path / "link")])
    assert code == 2
    assert "is a symbolic link" in capsys.readouterr().err
    assert list((tmp_path / "real").iterdir()) == []


def test_a_safe_output_is_still_written(project, capsys):
    goals = project / "goals.yaml"
    assert main(["report", str(goals), "-o", str(project / "report.md"), *AS_OF]) == 0
    assert "Revenue of 100 SEK" in (project / "report.md").read_text(encoding="utf-8")
    (project / "report.md").write_text("old\n", encoding="utf-8")
    assert main(["report", str(goals), "-o", str(project / "report.md"), *AS_OF]) == 0  # an old output is replaced
    assert "Revenue of 100 SEK" in (project / "report.md").read_text(encoding="utf-8")


# --- signals during a write -----------------------------------------------------------------------

# Runs the real command line in its own process, with os.fsync (called once the output's bytes are
# in the temporary file, before the rename) made to announce itself and wait: the signal then
# arrives exactly in the middle of the write. Only this test's process is changed; goaltree is not.
# SIGINT starts with Python's own handler, as in a terminal: a shell that runs the suite in the
# background (`cmd &`) hands its children SIGINT ignored, and goaltree rightly keeps it ignored.
STOPPED_MID_WRITE = textwrap.dedent(
    """
    import os, signal, sys, time
    signal.signal(signal.SIGINT, signal.default_int_handler)
    real_fsync = os.fsync
    def announce_and_wait(descriptor):
        sys.stderr.write("WRITING\\n")
        sys.stderr.flush()
        time.sleep(120)
        real_fsync(descriptor)
    os.fsync = announce_and_wait
    from goaltree.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


def stop_mid_write(folder: Path, arguments: list[str], signal_number: int) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen(
        [sys.executable, "-c", STOPPED_MID_WRITE, *arguments],
        cwd=folder,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stderr.readline()
        assert line == "WRITING\n", line + process.stderr.read()
        temporaries = [entry.name for entry in folder.iterdir() if entry.name.endswith(".tmp")]
        assert len(temporaries) == 1  # the write is really under way: its temporary file exists
        process.send_signal(signal_number)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.mark.parametrize("existing", [False, True], ids=["new-output", "old-output-kept"])
def test_sigterm_during_a_write_leaves_no_half_file_and_no_temporary_file(tmp_path, existing):
    shutil.copy(DATA / "funnel.yaml", tmp_path / "goals.yaml")
    if existing:
        (tmp_path / "report.md").write_text("the old report\n", encoding="utf-8")
    before = sorted(entry.name for entry in tmp_path.iterdir())
    result = stop_mid_write(tmp_path, ["report", "goals.yaml", "-o", "report.md", *AS_OF], signal.SIGTERM)
    assert result.returncode == -signal.SIGTERM  # it ends as SIGTERM ends a process, after cleaning up
    assert sorted(entry.name for entry in tmp_path.iterdir()) == before
    if existing:
        assert (tmp_path / "report.md").read_text(encoding="utf-8") == "the old report\n"


def test_sigint_during_a_write_leaves_no_temporary_file_and_says_interrupted(tmp_path):
    shutil.copy(DATA / "funnel.yaml", tmp_path / "goals.yaml")
    result = stop_mid_write(tmp_path, ["schema", "-o", "schema.json"], signal.SIGINT)
    assert result.returncode == 130
    assert "goaltree: interrupted" in result.stderr
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["goals.yaml"]


def test_python_m_goaltree_imports_nothing_from_the_checkout_it_runs_in(tmp_path):
    # `python -m` puts the working folder first on sys.path: a checkout's yaml_rs.py, or a
    # plugin's dist-info registering an entry point, would run next to the CI's secrets.
    (tmp_path / "yaml_rs.py").write_text(
        "import pathlib\npathlib.Path(__file__).with_name('RAN').write_text('x')\nraise ImportError('shadow')\n", encoding="utf-8"
    )
    info = tmp_path / "pwn-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: pwn\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[goaltree.sources]\ncrm2 = pwnplugin:Plugin\n", encoding="utf-8")
    (tmp_path / "pwnplugin.py").write_text(
        "import pathlib\npathlib.Path(__file__).with_name('PLUGIN_RAN').write_text('x')\nclass Plugin: pass\n", encoding="utf-8"
    )
    (tmp_path / "goals.yaml").write_text(
        "goaltree: 1\nid: t\ntitle: T\nperiod: {start: 2027-01-01, end: 2027-12-31}\nowner: Ops\n"
        "sources: {s: {type: crm2}}\n"
        "nodes:\n  revenue: {title: Revenue 100 SEK, unit: SEK, target: 100, metric: {source: s, value: amount}}\n",
        encoding="utf-8",
    )
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    for command in (["check", "goals.yaml"], ["evaluate", "goals.yaml", "--as-of", "2027-06-30"]):
        done = subprocess.run(
            [sys.executable, "-m", "goaltree", *command], cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120
        )
        assert "Traceback" not in done.stderr
    assert "E018" in done.stdout + done.stderr  # evaluate does not find the plugin: it is not installed
    assert not (tmp_path / "RAN").exists()
    assert not (tmp_path / "PLUGIN_RAN").exists()
