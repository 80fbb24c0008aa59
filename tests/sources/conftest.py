"""Fixtures for the source tests: a throwaway PostgreSQL server holding the deals."""

from __future__ import annotations

import os
from typing import Iterator

import pytest

from .deals import DEALS
from .postgres import PostgresServer, ServerUnavailable, must_fail_without_server, read_only_role, running_server


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for this test session, started from the installed binaries.

    Skips when no server binaries are installed, except in CI (``CI=true``),
    where that fails: CI must not silently skip the database tests.
    """
    try:
        with running_server() as server:
            yield server
    except ServerUnavailable as error:
        if must_fail_without_server(os.environ):
            pytest.fail(f"{error} — CI must run the PostgreSQL tests")
        pytest.skip(str(error))


@pytest.fixture(scope="session")
def postgres_superuser(postgres_server: PostgresServer) -> PostgresServer:
    """The server's superuser, with the deals loaded (amount as NUMERIC, close_date as TIMESTAMP).

    For setting up and inspecting the database only: goaltree refuses to run a
    goal file's queries as a superuser.
    """
    with postgres_server.connect() as connection:
        connection.execute("DROP TABLE IF EXISTS deals")
        connection.execute(
            "CREATE TABLE deals (deal_id integer PRIMARY KEY, dealname text, close_date timestamp, "
            "amount numeric(12, 2), dealstage text, channel text)"
        )
        with connection.cursor() as cursor:
            with cursor.copy("COPY deals FROM STDIN") as copy:
                for d in DEALS:
                    copy.write_row((d.deal_id, d.dealname, d.close_date, d.amount, d.dealstage, d.channel))
    return postgres_server


@pytest.fixture(scope="session")
def postgres_deals(postgres_superuser: PostgresServer) -> PostgresServer:
    """The deals, reached as a read-only login role (CONNECT, USAGE on the schema, SELECT on deals)."""
    return read_only_role(postgres_superuser, ("deals",))
