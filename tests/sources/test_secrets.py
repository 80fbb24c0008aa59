"""``${VAR}`` interpolation and the masking of secrets."""

from __future__ import annotations

import pytest

from goaltree.model import PluginSource, SqlSource
from goaltree.sources.secrets import (
    ALLOWED_VARIABLES,
    MissingVariable,
    Redactor,
    UnallowedVariable,
    interpolate,
    interpolate_source,
    looks_secret,
)


def allowing(environ: dict[str, str], *more: str) -> dict[str, str]:
    """``environ`` with every variable in it (and ``more``) listed as one a goal file may read."""
    return {**environ, ALLOWED_VARIABLES: ", ".join([*environ, *more])}


def test_variables_are_read_and_escapes_kept() -> None:
    redact = Redactor()
    environ = allowing({"DATA_DIR": "exports", "YEAR": "2027"})

    assert interpolate("${DATA_DIR}/deals-${YEAR}.csv", environ, redact, field="path") == "exports/deals-2027.csv"
    assert interpolate("$${DATA_DIR}/x", environ, redact, field="path") == "${DATA_DIR}/x"
    assert interpolate("$DATA_DIR stays", environ, redact, field="path") == "$DATA_DIR stays"
    assert redact("exports 2027") == "exports 2027"  # nothing secret was read


def test_a_missing_variable_names_itself_and_the_field() -> None:
    with pytest.raises(MissingVariable) as caught:
        interpolate("postgresql://u:${DB_PASSWORD}@h/db", allowing({}, "DB_PASSWORD"), Redactor(), field="url", url=True)

    assert caught.value.name == "DB_PASSWORD"
    assert str(caught.value) == "environment variable DB_PASSWORD is not set (used in `url`); set it or change the source"


@pytest.mark.parametrize("listed", ["", "DB_PASSWORD", " DB_PASSWORD,DB_HOST ", "GITHUB_TOKENS"])
def test_a_variable_the_environment_does_not_list_is_never_read(listed: str) -> None:
    # A goal file from a pull request must not send the CI job's other secrets to a host it chooses.
    environ = {"GITHUB_TOKEN": "ghp_secret_value", "DB_PASSWORD": "pw-123456", ALLOWED_VARIABLES: listed}
    redact = Redactor()
    with pytest.raises(UnallowedVariable) as caught:
        interpolate("postgresql://u:${GITHUB_TOKEN}@attacker.example/db", environ, redact, field="url", url=True)
    assert caught.value.name == "GITHUB_TOKEN"
    assert str(caught.value) == (
        "environment variable GITHUB_TOKEN (used in `url`) is not one a goal file may read: sources read only the "
        "variables the environment names in GOALTREE_ALLOWED_VARIABLES, never others a CI job holds; add it there "
        "where goaltree runs (GOALTREE_ALLOWED_VARIABLES=GITHUB_TOKEN) or change the source"
    )
    # Whether it is set is not said either: an unlisted variable that is not set reads the same.
    with pytest.raises(UnallowedVariable):
        interpolate("${NOT_SET_ANYWHERE}", environ, redact, field="path")
    assert redact("ghp_secret_value") == "ghp_secret_value"  # never read, so never remembered


def test_listed_variables_are_read_whatever_separates_them() -> None:
    environ = {"DB_PASSWORD": "pw-123456", "DB_HOST": "db.internal", ALLOWED_VARIABLES: " DB_PASSWORD,\tDB_HOST "}
    url = interpolate("postgresql://u:${DB_PASSWORD}@${DB_HOST}/db", environ, Redactor(), field="url", url=True)
    assert url == "postgresql://u:pw-123456@db.internal/db"


@pytest.mark.parametrize(
    "name",
    ["DB_PASSWORD", "hubspot_token", "CLIENT_SECRET", "API_KEY", "GCP_CREDENTIALS", "SSH_PRIVATE",
     "DB_PASS", "PGPASS", "DB_PWD", "DATABASE_URL", "SNOWFLAKE_DSN", "AUTH_HEADER", "PG_CONN"],
)  # fmt: skip
def test_names_that_look_secret(name: str) -> None:
    assert looks_secret(name)


@pytest.mark.parametrize("name", ["DATA_DIR", "YEAR", "HOST"])
def test_names_that_do_not(name: str) -> None:
    assert not looks_secret(name)


def test_values_of_secret_variables_are_masked_everywhere() -> None:
    redact = Redactor()
    interpolate("${API_TOKEN}", allowing({"API_TOKEN": "abc-123-xyz"}), redact, field="token")

    assert redact("request failed with token abc-123-xyz (abc-123-xyz)") == "request failed with token *** (***)"


def test_every_value_read_into_a_url_is_a_secret_and_passwords_are_url_encoded() -> None:
    redact = Redactor()
    environ = allowing({"DB_USER": "report", "DB_PW": "p@ss/w:rd?", "DB_HOST": "db.internal"})

    url = interpolate("postgresql://${DB_USER}:${DB_PW}@${DB_HOST}/sales", environ, redact, field="url", url=True)

    assert url == "postgresql://report:p%40ss%2Fw%3Ard%3F@db.internal/sales"
    assert redact(f"could not connect to {url}") == "could not connect to postgresql://***:***@***/sales"
    assert redact("password p@ss/w:rd? or p%40ss%2Fw%3Ard%3F") == "password *** or ***"


def test_passwords_written_into_urls_and_dsns_are_masked() -> None:
    redact = Redactor()

    assert redact("postgresql+psycopg://user:hunter2@db:5432/x failed") == "postgresql+psycopg://user:***@db:5432/x failed"
    assert redact("host=db user=u password=hunter2 dbname=x") == "host=db user=u password=*** dbname=x"
    assert redact("password='with space' port=1") == "password=*** port=1"
    assert redact("no credentials in https://example.com:8080/path") == "no credentials in https://example.com:8080/path"


def test_a_short_secret_is_masked_where_it_stands_alone() -> None:
    redact = Redactor()
    redact.add_url("mysql://a:b@h/d")

    assert redact("mysql://a:b@h/d: no database driver b") == "mysql://a:***@h/d: no database driver ***"


def test_a_whole_source_declaration_is_interpolated() -> None:
    redact = Redactor()
    environ = allowing({"PW": "sekret-pw", "ACCOUNT": "acme", "TOKEN_VALUE": "tok-1"})

    sql = interpolate_source(SqlSource(type="sql", url="postgresql://u:${PW}@h/db"), environ, redact)
    plugin = interpolate_source(
        PluginSource(type="ads", account="${ACCOUNT}", auth={"token": "${TOKEN_VALUE}"}, regions=["${ACCOUNT}-se"]),
        environ,
        redact,
    )

    assert sql.url == "postgresql://u:sekret-pw@h/db"
    assert (plugin.account, plugin.auth, plugin.regions) == ("acme", {"token": "tok-1"}, ["acme-se"])
    assert redact("sekret-pw acme") == "*** acme"  # ACCOUNT is no secret; a URL's password is


def test_a_goal_file_cannot_send_an_unlisted_secret_to_a_host_it_names(tmp_path, monkeypatch, capsys) -> None:
    from goaltree.cli import main

    monkeypatch.setenv("GOALTREE_TEST_CI_TOKEN", "ci-token-0123456789")
    monkeypatch.setenv(ALLOWED_VARIABLES, "DB_PASSWORD")
    goals = tmp_path / "goals.yaml"
    goals.write_text(
        """\
goaltree: 1
id: pr
title: A pull request's goal file
period: {start: 2027-01-01, end: 2027-12-31}
sources:
  leak: {type: sql, url: "postgresql://u:${GOALTREE_TEST_CI_TOKEN}@127.0.0.1:1/db?connect_timeout=1"}
nodes:
  deals:
    title: 100 deals
    unit: count
    target: 100
    metric: {source: leak, query: "SELECT date, value FROM deals WHERE date BETWEEN :start AND :end"}
""",
        encoding="utf-8",
    )

    assert main(["evaluate", str(goals), "--as-of", "2027-06-30"]) == 1
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "error E018" in output and "GOALTREE_TEST_CI_TOKEN (used in `url`) is not one a goal file may read" in output
    assert "E013" not in output  # refused before any connection was tried (port 1 would refuse it: E013)
    assert "ci-token-0123456789" not in output


def test_a_short_secret_glued_into_a_path_is_masked_with_the_letters_around_it() -> None:
    redact = Redactor()
    path = interpolate("data/x${API_TOKEN}x.csv", allowing({"API_TOKEN": "k9Zq2"}), redact, field="path")
    assert path == "data/xk9Zq2x.csv"
    message = "file data/xk9Zq2x.csv not found (looked for /project/data/xk9Zq2x.csv)"
    assert redact(message) == "file data/***.csv not found (looked for /project/data/***.csv)"
    url = interpolate("sqlite:///data/q${DB_PASSWORD}q.db", allowing({"DB_PASSWORD": "pw42"}), redact, field="url", url=True)
    assert redact(f"database file {url[10:]} not found") == "database file data/***.db not found"


def test_a_connection_string_read_into_another_field_is_masked_whole() -> None:
    redact = Redactor()
    value = "postgresql://svc_user:pw@db.internal.corp:5432/prod"
    column = interpolate("${DATABASE_URL}", allowing({"DATABASE_URL": value}), redact, field="date_column")
    assert redact(f"date column '{column}' not found") == "date column '***' not found"


def test_the_host_of_a_host_and_port_is_masked_alone() -> None:
    # A driver that cannot resolve the host names the host alone, without the port read with it.
    redact = Redactor()
    environ = allowing({"DB_PASSWORD": "pw-123456", "DB_HOST": "db-7f3a9c.internal:5432"})
    interpolate("postgresql://report:${DB_PASSWORD}@${DB_HOST}/sales", environ, redact, field="url", url=True)
    message = "cannot connect to postgresql+psycopg://report:***@db-7f3a9c.internal:5432/sales: failed to resolve host 'db-7f3a9c.internal'"
    assert redact(message) == "cannot connect to postgresql+psycopg://report:***@***/sales: failed to resolve host '***'"


@pytest.mark.parametrize(
    ("name", "value", "template", "shown"),
    [
        ("DB_USER", "svc reader#1", "postgresql://${DB_USER}:${DB_PASSWORD}@127.0.0.1:1/sales", "svc reader%231"),
        ("DB_NAME", "sa les:x!y@z", "postgresql://u:${DB_PASSWORD}@127.0.0.1:1/${DB_NAME}", "sa les%3Ax%21y%40z"),
        ("DB_NAME", "q+r/s t", "postgresql://u:${DB_PASSWORD}@127.0.0.1:1/${DB_NAME}", "q%2Br%2Fs+t"),
    ],
)
def test_a_value_is_masked_as_sqlalchemy_writes_it(name: str, value: str, template: str, shown: str) -> None:
    # SQLAlchemy renders user and database URL-encoded its own way (quote with safe=" +" and " +/").
    redact = Redactor()
    interpolate(template, allowing({name: value, "DB_PASSWORD": "pw-123456"}), redact, field="url", url=True)
    assert redact(f"cannot connect to postgresql+psycopg://x:***@127.0.0.1:1/{shown}: {shown}") == (
        "cannot connect to postgresql+psycopg://x:***@127.0.0.1:1/***: ***"
    )


def test_every_part_of_a_whole_url_read_from_one_variable_is_masked() -> None:
    redact = Redactor()
    value = "postgresql://svc_user:pw-123456@db-7f3a9c.internal:5432/prod_sales?application_name=app-x9"
    interpolate("${DATABASE_URL}", allowing({"DATABASE_URL": value}), redact, field="url", url=True)
    shown = (
        "cannot connect to postgresql+psycopg://svc_user:***@db-7f3a9c.internal:5432/prod_sales?application_name=app-x9: "
        "failed to resolve host 'db-7f3a9c.internal'; role \"svc_user\", database \"prod_sales\""
    )
    assert redact(shown) == (
        "cannot connect to postgresql+psycopg://***:***@***/***?application_name=***: "
        "failed to resolve host '***'; role \"***\", database \"***\""
    )


def test_the_parts_of_a_whole_url_are_masked_decoded_and_re_encoded() -> None:
    redact = Redactor()
    value = "postgresql://svc%20reader%231:p%40ss-word@127.0.0.1:1/sa%20les%3Ax"
    interpolate("${DATABASE_URL}", allowing({"DATABASE_URL": value}), redact, field="url", url=True)
    # As SQLAlchemy renders it (its own encoding), and as a driver names them (decoded).
    assert redact("postgresql+psycopg://svc reader%231:***@127.0.0.1:1/sa les%3Ax") == "postgresql+psycopg://***:***@***/***"
    assert redact('role "svc reader#1", password p@ss-word, database "sa les:x"') == 'role "***", password ***, database "***"'


def test_a_postgresql_url_to_a_closed_port_shows_no_form_of_its_secrets(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from goaltree.cli import main

    secrets = {
        "DB_USER": "svc reader#1",
        "DB_PASSWORD": "pw-9f8e7d",
        "DB_NAME": "sa les:x!y@z",
        "DATABASE_URL": "postgresql://whole_user:pw-5a6b7c@127.0.0.1:1/whole_db?application_name=app-x9&connect_timeout=1",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(ALLOWED_VARIABLES, " ".join(secrets))
    goals = tmp_path / "goals.yaml"
    goals.write_text(
        """\
goaltree: 1
id: t
title: T
period: {start: 2027-01-01, end: 2027-12-31}
sources:
  parts: {type: sql, url: "postgresql://${DB_USER}:${DB_PASSWORD}@127.0.0.1:1/${DB_NAME}?connect_timeout=1"}
  whole: {type: sql, url: "${DATABASE_URL}"}
nodes:
  revenue: {title: Revenue, unit: SEK, target: 100, metric: {source: parts, query: "SELECT day, amount FROM deals"}}
  deals: {title: Deals, unit: count, target: 100, metric: {source: whole, query: "SELECT day, amount FROM deals"}}
""",
        encoding="utf-8",
    )

    assert main(["evaluate", str(goals), "--as-of", "2027-06-30"]) == 1
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert output.count("error E013") == 2 and "cannot connect to postgresql" in output
    shown = ["svc reader", "svc%20reader", "%231", "pw-9f8e7d", "sa les", "sa%20les", "%3Ax", "x!y", "whole_user",
             "pw-5a6b7c", "whole_db", "app-x9"]  # fmt: skip
    assert [form for form in shown if form in output] == []
