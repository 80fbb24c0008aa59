"""``${VAR}`` interpolation and the masking of secrets."""

from __future__ import annotations

import pytest

from goaltree.model import PluginSource, SqlSource
from goaltree.sources.secrets import MissingVariable, Redactor, interpolate, interpolate_source, looks_secret


def test_variables_are_read_and_escapes_kept() -> None:
    redact = Redactor()
    environ = {"DATA_DIR": "exports", "YEAR": "2027"}

    assert interpolate("${DATA_DIR}/deals-${YEAR}.csv", environ, redact, field="path") == "exports/deals-2027.csv"
    assert interpolate("$${DATA_DIR}/x", environ, redact, field="path") == "${DATA_DIR}/x"
    assert interpolate("$DATA_DIR stays", environ, redact, field="path") == "$DATA_DIR stays"
    assert redact("exports 2027") == "exports 2027"  # nothing secret was read


def test_a_missing_variable_names_itself_and_the_field() -> None:
    with pytest.raises(MissingVariable) as caught:
        interpolate("postgresql://u:${DB_PASSWORD}@h/db", {}, Redactor(), field="url", url=True)

    assert caught.value.name == "DB_PASSWORD"
    assert str(caught.value) == "environment variable DB_PASSWORD is not set (used in `url`); set it or change the source"


@pytest.mark.parametrize("name", ["DB_PASSWORD", "hubspot_token", "CLIENT_SECRET", "API_KEY", "GCP_CREDENTIALS", "SSH_PRIVATE"])
def test_names_that_look_secret(name: str) -> None:
    assert looks_secret(name)


@pytest.mark.parametrize("name", ["DATA_DIR", "YEAR", "HOST"])
def test_names_that_do_not(name: str) -> None:
    assert not looks_secret(name)


def test_values_of_secret_variables_are_masked_everywhere() -> None:
    redact = Redactor()
    interpolate("${API_TOKEN}", {"API_TOKEN": "abc-123-xyz"}, redact, field="token")

    assert redact("request failed with token abc-123-xyz (abc-123-xyz)") == "request failed with token *** (***)"


def test_every_value_read_into_a_url_is_a_secret_and_passwords_are_url_encoded() -> None:
    redact = Redactor()
    environ = {"DB_USER": "report", "DB_PW": "p@ss/w:rd?", "DB_HOST": "db.internal"}

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
    environ = {"PW": "sekret-pw", "ACCOUNT": "acme", "TOKEN_VALUE": "tok-1"}

    sql = interpolate_source(SqlSource(type="sql", url="postgresql://u:${PW}@h/db"), environ, redact)
    plugin = interpolate_source(
        PluginSource(type="ads", account="${ACCOUNT}", auth={"token": "${TOKEN_VALUE}"}, regions=["${ACCOUNT}-se"]),
        environ,
        redact,
    )

    assert sql.url == "postgresql://u:sekret-pw@h/db"
    assert (plugin.account, plugin.auth, plugin.regions) == ("acme", {"token": "tok-1"}, ["acme-se"])
    assert redact("sekret-pw acme") == "*** acme"  # ACCOUNT is no secret; a URL's password is
