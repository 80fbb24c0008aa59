"""A goal file that is a symbolic link out of its folder is refused unread, by every command.

A pull request can commit ``goals.yaml`` as a link to ``/etc/passwd``,
``~/.ssh/id_rsa`` or ``../../secrets.yaml``; CI then runs ``goaltree check
goals.yaml`` next to its secrets. The link's target is never read, so nothing
of it reaches the log: the tests give it secret-looking keys and values and
look for them in everything goaltree prints. A link that stays in the folder
is read as the file it names.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support import DATA

from goaltree import check
from goaltree.cli import main
from goaltree.goalfile.read import declared_language, link_leaving_folder

AS_OF = ["--as-of", "2027-06-30"]
SECRET_KEY = "GITHUB_TOKEN_VALUE_ghp_xxx"
SECRET_VALUE = "ghp_0123456789abcdefSECRET"
SECRET_FILE = f"""\
language: sv
{SECRET_KEY}: {SECRET_VALUE}
aws_secret_access_key: {SECRET_VALUE}
"""
"""Not a goal file: every field of it is unknown, so a loader that read it would name each one."""

SECRET_SNAPSHOT = json.dumps({"goaltree_snapshot": SECRET_VALUE, SECRET_KEY: 1})
"""A snapshot reader that read it would quote the format it holds."""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``repo/project`` as the working folder, with the funnel in ``plans/`` and a secret beside the repository."""
    outside = tmp_path / "home"
    outside.mkdir()
    (outside / "secrets.yaml").write_text(SECRET_FILE, encoding="utf-8")
    (outside / "snapshot.json").write_text(SECRET_SNAPSHOT, encoding="utf-8")
    project = tmp_path / "repo" / "project"
    (project / "plans").mkdir(parents=True)
    shutil.copy(DATA / "funnel.yaml", project / "plans" / "funnel.yaml")
    monkeypatch.chdir(project)
    return project


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The exit code of ``goaltree argv`` and everything it printed, stdout and stderr together."""
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def assert_refused(output: str, link: str = "goals.yaml") -> None:
    assert SECRET_KEY not in output and SECRET_VALUE not in output and "aws_secret" not in output
    assert f"{link}: error E030 {link} is a symbolic link that leads outside its folder" in output
    assert "replace the link with the file, or run goaltree on the file itself" in output


COMMANDS = {
    "check": ["check", "goals.yaml"],
    "check json": ["check", "--format", "json", "goals.yaml"],
    "check github": ["check", "--format", "github", "goals.yaml"],
    "evaluate": ["evaluate", "goals.yaml", *AS_OF],
    "evaluate json": ["evaluate", "goals.yaml", "--format", "json", *AS_OF],
    "report": ["report", "goals.yaml", "-o", "report.html", *AS_OF],
    "render": ["render", "goals.yaml", "-o", "tree.dot", "--format", "dot", *AS_OF],
    "explain": ["explain", "goals.yaml", "revenue", *AS_OF],
    "pull": ["pull", "goals.yaml", *AS_OF],
    "scenarios": ["scenarios", "goals.yaml"],
    "sensitivity": ["sensitivity", "goals.yaml", "revenue"],
    "rollover": ["rollover", "goals.yaml", "--to", "2028", "-o", "next.yaml"],
    "diff old": ["diff", "goals.yaml", "plans/funnel.yaml"],
    "diff new": ["diff", "plans/funnel.yaml", "goals.yaml"],
}


@pytest.mark.parametrize("argv", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_link_to_a_file_outside_the_folder_is_not_read(project, capsys, argv):
    os.symlink("../../home/secrets.yaml", project / "goals.yaml")
    code, output = run(argv, capsys)
    assert code == 1  # as for a goal file that does not parse
    if "json" in argv and argv[0] == "check":
        (diagnostic,) = json.loads(output.split("\n1 file checked")[0])["diagnostics"]
        assert diagnostic["code"] == "E030" and diagnostic["file"] == "goals.yaml" and diagnostic["line"] is None
        assert SECRET_KEY not in output and SECRET_VALUE not in output
    elif "github" in argv:
        assert output.startswith("::error file=goals.yaml,title=E030::goals.yaml is a symbolic link")
        assert SECRET_KEY not in output and SECRET_VALUE not in output
    else:
        assert_refused(output)
    assert not any((project / name).exists() for name in ("report.html", "tree.dot", "next.yaml", "goals.snapshot.json"))


@pytest.mark.parametrize(
    "target",
    [
        "../../home/secrets.yaml",
        "plans/../../../home/secrets.yaml",
        "ABSOLUTE",
        "plans/next.yaml",  # a link in the folder that leads out of it in turn
    ],
)
def test_every_way_out_is_refused(project, capsys, target):
    secret = project.parent.parent / "home" / "secrets.yaml"
    os.symlink(secret, project / "plans" / "next.yaml")
    os.symlink(str(secret) if target == "ABSOLUTE" else target, project / "goals.yaml")
    code, output = run(["check", "goals.yaml"], capsys)
    assert code == 1
    assert_refused(output)
    assert f"(to {secret})" in output


def test_a_missing_target_outside_is_refused_without_looking_for_it(project, capsys):
    os.symlink("../../home/absent.yaml", project / "goals.yaml")
    code, output = run(["check", "goals.yaml"], capsys)
    assert code == 1
    assert "E030" in output and "no such file" not in output


def test_the_link_is_named_as_given_on_the_command_line(project, capsys, tmp_path):
    os.symlink("../../../home/secrets.yaml", project / "plans" / "goals.yaml")
    code, output = run(["evaluate", "plans/goals.yaml", *AS_OF], capsys)
    assert code == 1
    assert_refused(output, "plans/goals.yaml")
    assert f"outside its folder {project / 'plans'} " in output


def test_the_target_does_not_choose_the_language(project, capsys):
    # The secret file says `language: sv`; reading that key would read the file.
    os.symlink("../../home/secrets.yaml", project / "goals.yaml")
    assert declared_language(Path("goals.yaml")) is None
    code, output = run(["check", "goals.yaml"], capsys)
    assert "is a symbolic link" in output and "symbolisk länk" not in output


def test_the_refusal_is_in_the_language_asked_for(project, capsys):
    os.symlink("../../home/secrets.yaml", project / "goals.yaml")
    code, output = run(["check", "--language", "sv", "goals.yaml"], capsys)
    assert code == 1
    assert "goals.yaml är en symbolisk länk som leder ut ur sin mapp" in output
    assert "ersätt länken med filen, eller kör goaltree på själva filen" in output
    assert SECRET_KEY not in output and SECRET_VALUE not in output


def test_check_goes_on_with_the_other_files(project, capsys):
    os.symlink("../../home/secrets.yaml", project / "goals.yaml")
    code, output = run(["check", "goals.yaml", "plans/funnel.yaml"], capsys)
    assert code == 1
    assert "2 files checked: 1 error(s)" in output
    assert SECRET_KEY not in output


def test_the_python_api_reports_it_as_a_diagnostic(project):
    os.symlink("../../home/secrets.yaml", project / "goals.yaml")
    (diagnostic,) = check("goals.yaml")
    assert diagnostic.code == "E030" and diagnostic.file == "goals.yaml"
    assert SECRET_KEY not in diagnostic.message


@pytest.mark.parametrize("target", ["plans/funnel.yaml", "./plans/../plans/funnel.yaml", "INSIDE_ABSOLUTE"])
@pytest.mark.parametrize(
    "argv",
    [["check", "{file}"], ["evaluate", "{file}", *AS_OF], ["report", "{file}", "--format", "md", "-o", "-", *AS_OF]],
    ids=["check", "evaluate", "report"],
)
def test_a_link_within_the_folder_reads_the_file_it_names(project, capsys, target, argv):
    os.symlink(str(project / "plans" / "funnel.yaml") if target == "INSIDE_ABSOLUTE" else target, project / "goals.yaml")
    shutil.copy(project / "plans" / "funnel.yaml", project / "copy.yaml")
    through_link = run([part.format(file="goals.yaml") for part in argv], capsys)
    direct = run([part.format(file="copy.yaml") for part in argv], capsys)
    assert through_link[0] == direct[0] == 0
    assert through_link[1].replace("goals.yaml", "copy.yaml") == direct[1]
    assert "E030" not in through_link[1]


def test_a_link_up_to_the_parent_folder_is_refused_one_beside_the_file_is_read(project, capsys):
    (project / "plans" / "q1").mkdir()
    os.symlink("../funnel.yaml", project / "plans" / "q1" / "goals.yaml")
    code, output = run(["check", "plans/q1/goals.yaml"], capsys)
    assert code == 1 and "E030" in output  # ``..`` leaves plans/q1, the folder holding the link
    os.symlink("funnel.yaml", project / "plans" / "goals.yaml")
    code, output = run(["check", "plans/goals.yaml"], capsys)
    assert code == 0 and "E030" not in output


def test_link_leaving_folder_answers_for_links_only(project):
    assert link_leaving_folder(project / "plans" / "funnel.yaml") is None
    assert link_leaving_folder(project / "absent.yaml") is None
    os.symlink("goals.yaml", project / "loop.yaml")
    os.symlink("loop.yaml", project / "goals.yaml")
    assert link_leaving_folder(project / "goals.yaml") is None  # reading reports the loop


def test_a_snapshot_linked_out_of_its_folder_is_not_read(project, capsys):
    os.symlink("../../home/snapshot.json", project / "goals.snapshot.json")
    code, output = run(["evaluate", "plans/funnel.yaml", "--snapshot", "goals.snapshot.json", *AS_OF], capsys)
    assert code == 2
    assert SECRET_VALUE not in output and SECRET_KEY not in output
    assert "snapshot goals.snapshot.json: is a symbolic link that leads outside its folder" in output


def git(cwd: Path, *arguments: str) -> str:
    result = subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_link_committed_to_git_is_read_as_its_text_never_followed(project, capsys):
    os.symlink("../../home/secrets.yaml", project / "goals.yaml")
    git(project, "init", "-q")
    git(project, "add", "goals.yaml", "plans/funnel.yaml")
    git(project, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "a link")
    code, output = run(["diff", "HEAD:goals.yaml", "plans/funnel.yaml"], capsys)
    assert code == 1
    assert SECRET_KEY not in output and SECRET_VALUE not in output
    assert "HEAD:goals.yaml:1:1: error E001" in output  # the link's text, which is no goal file
    code, output = run(["history", "goals.yaml"], capsys)  # the working copy is the link itself
    assert code == 1
    assert_refused(output)
