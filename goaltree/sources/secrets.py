"""``${VAR}`` in source declarations, and keeping secrets out of every message.

A source may read any of its text fields from the environment:
``url: "postgresql://report:${DB_PASSWORD}@db.internal/sales"``, but only
the variables the environment itself names in ``GOALTREE_ALLOWED_VARIABLES``
(:data:`ALLOWED_VARIABLES`): a goal file from a pull request must not be able
to put any other secret of the CI job (``GITHUB_TOKEN``, a cloud key) into a
URL whose host it chooses. Values that
are secret are remembered by a :class:`Redactor`, which masks them (and any
password written into a URL) in every message goaltree shows: diagnostics,
exceptions, and the texts of database drivers, which often echo the URL.

Secrets are: the values of variables whose names look secret (``PASS``,
``PWD``, ``TOKEN``, ``SECRET``, ``KEY``, ``CREDENTIAL``, ``PRIVATE``, ``AUTH``,
``CERT``, ``COOKIE``, ``SESSION``, and ``DSN``, ``URL``, ``URI``, ``CONN`` for
a connection string), every value read from the environment into a URL, the
password part of a URL, and the letters and digits a secret was read in
among (``x${TOKEN}x`` in ``data/x${TOKEN}x.csv``), so that a short secret glued
to other characters is masked with them.

Each secret is masked in every form a message may show it in, not only as it
was read: URL-encoded as urllib or SQLAlchemy writes it (``svc reader%231``),
the host alone of a ``host:port`` (a driver names the host it cannot
resolve), and every part of a whole URL held in one variable
(``${DATABASE_URL}``: user, password, host, database, query values), since a
driver or SQLAlchemy shows the URL re-written, never as it was read.
"""

from __future__ import annotations

import re
from typing import Any, Mapping
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlsplit

from goaltree.present.language import _

_VARIABLE = re.compile(r"\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SECRET_NAME = re.compile(
    r"PASS|PWD|TOKEN|SECRET|KEY|CREDENTIAL|PRIVATE|AUTH|CERT|COOKIE|SESSION|DSN|URL|URI|CONN", re.IGNORECASE
)
_URL_FIELD = re.compile(r"^(url|uri|dsn)$|_(url|uri|dsn)$", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/?#@]*:)(?P<password>[^\s@]+)(?=@)")
_KEY_VALUE_PASSWORD = re.compile(
    r"(?P<key>\b(?:password|passwd|pwd)\s*=\s*)(?P<value>'(?:[^'\\]|\\.)*'|\"[^\"]*\"|[^\s&;,)]+)",
    re.IGNORECASE,
)
ALLOWED_VARIABLES = "GOALTREE_ALLOWED_VARIABLES"
"""The environment variable naming the variables ``${VAR}`` may read, separated by commas or spaces."""
_WORD = "A-Za-z0-9"
"""The characters a short secret is masked apart from, as a word (a regular expression's class)."""
_WORD_BEFORE = re.compile(rf"[{_WORD}]*\Z")
_WORD_AFTER = re.compile(rf"[{_WORD}]*")
MASK = "***"
SHORT_SECRET = 6
_HOST_PORT = re.compile(r"\A(?:\[(?P<ipv6>[^\]]+)\]|(?P<host>[^\s:/@\[\]]+)):(?P<port>\d+)\Z")
_SQLALCHEMY_URL = re.compile(  # the parts as SQLAlchemy's make_url splits them (engine/url.py), without importing it
    r"[\w+]+://(?:(?P<user>[^:/]*)(?::(?P<password>[^@]*))?@)?"
    r"(?:(?:\[(?P<ipv6>[^/?]+)\]|(?P<host>[^/:?]+))?(?::(?P<port>[^/?]*))?)?(?:/(?P<database>[^?]*))?(?:\?(?P<query>.*))?",
    re.DOTALL,
)
_QUOTE_SAFE = ("", "/", " +", " +/")
"""The characters left as they are by the URL encoders a message may show a secret through: urllib's
``quote`` (``/`` by default) and SQLAlchemy's (``" +"`` for user and password, ``" +/"`` for the database)."""


def _encoded_forms(value: str) -> set[str]:
    """``value`` as it is and as every URL encoder a message may go through writes it."""
    forms = {value}
    for safe in _QUOTE_SAFE:
        forms.add(quote(value, safe=safe))
        forms.add(quote_plus(value, safe=safe))
    return forms


def _host_of(value: str) -> str | None:
    """The host of a ``host:port`` (``db-7f3a9c.internal:5432``, ``[::1]:5432``), which a driver echoes alone."""
    match = _HOST_PORT.match(value)
    return (match.group("host") or match.group("ipv6")) if match else None


def _url_parts(url: str) -> set[str]:
    """Every part of ``url`` a message may show on its own: user, password, host, ``host:port``, database,
    query values, as written and decoded, split both as urllib and as SQLAlchemy split a URL."""
    parts: set[str] = set()
    try:
        split = urlsplit(url)
    except ValueError:
        split = None
    if split is not None:
        userinfo, at, host_port = split.netloc.rpartition("@")
        if at:
            user, _colon, password = userinfo.partition(":")
            parts.update((user, password))
        parts.update((host_port, _host_of(host_port) or host_port.strip("[]"), split.path.lstrip("/"), split.fragment))
        parts.update(value for _key, value in parse_qsl(split.query))
    match = _SQLALCHEMY_URL.match(url)
    if match:
        parts.update(match.group(name) or "" for name in ("user", "password", "ipv6", "host", "database"))
        if match.group("host") and match.group("port"):
            parts.add(f"{match.group('host')}:{match.group('port')}")
        parts.update(value for _key, value in parse_qsl(match.group("query") or ""))
    return {form for part in parts if part for form in (part, unquote(part))}


class MissingVariable(Exception):
    """A ``${VAR}`` names an environment variable that is not set.

    Attributes:
        name: The variable.
        field: The source field that uses it (``url``, ``options.token``).
    """

    def __init__(self, name: str, field: str):
        super().__init__(
            _("environment variable {name} is not set (used in `{field}`); set it or change the source", name=name, field=field)
        )
        self.name = name
        self.field = field


class UnallowedVariable(MissingVariable):
    """A ``${VAR}`` names an environment variable that :data:`ALLOWED_VARIABLES` does not list.

    Whether the variable is set is not said: the goal file learns nothing of it.
    """

    def __init__(self, name: str, field: str):
        Exception.__init__(
            self,
            _(
                "environment variable {name} (used in `{field}`) is not one a goal file may read: sources read only "
                "the variables the environment names in {allowed}, never others a CI job holds; "
                "add it there where goaltree runs ({allowed}={name}) or change the source",
                name=name,
                field=field,
                allowed=ALLOWED_VARIABLES,
            )
        )
        self.name = name
        self.field = field


def allowed_variables(environ: Mapping[str, str]) -> frozenset[str]:
    """The variables ``${VAR}`` may read: the names :data:`ALLOWED_VARIABLES` lists in ``environ``."""
    return frozenset(re.split(r"[\s,]+", environ.get(ALLOWED_VARIABLES, "").strip())) - {""}


def looks_secret(name: str) -> bool:
    """Whether an environment variable's name says it holds a secret."""
    return bool(_SECRET_NAME.search(name))


class Redactor:
    """Masks secrets in text: known secret values, URL passwords and ``password=…`` pairs."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def add(self, secret: str | None) -> None:
        """Remember ``secret`` so that it is masked from now on, in every form a message may show it in.

        Those are its URL-encoded forms, the host alone of a ``host:port``, and
        each part of a URL (``${DATABASE_URL}``: a driver shows the URL
        re-written, so the value as read may appear nowhere).
        """
        if not secret:
            return
        values = {secret}
        host = _host_of(secret)
        if host:
            values.add(host)
        if "://" in secret:
            values.update(_url_parts(secret))
        for value in values:
            self._secrets.update(_encoded_forms(value))

    def add_url(self, url: str) -> None:
        """Remember the password written into ``url``, if any."""
        try:
            password = urlsplit(url).password
        except ValueError:
            password = None
        if password:
            self.add(password)
            self.add(unquote(password))

    def __call__(self, text: str) -> str:
        """``text`` with every secret replaced by ``***``.

        A secret shorter than :data:`SHORT_SECRET` characters is masked where it
        stands on its own (``a:pw@host``), not inside other words, which would
        make the message unreadable.
        """
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret not in text:
                continue
            if len(secret) < SHORT_SECRET:
                text = re.sub(rf"(?<![{_WORD}]){re.escape(secret)}(?![{_WORD}])", MASK, text)
            else:
                text = text.replace(secret, MASK)
        text = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK, text)
        return _KEY_VALUE_PASSWORD.sub(lambda m: m.group("key") + MASK, text)


def _userinfo_span(template: str) -> tuple[int, int] | None:
    """Where the ``user:password`` part of a URL template is, if it has one."""
    scheme_end = template.find("://")
    if scheme_end < 0:
        return None
    authority_start = scheme_end + 3
    authority_end = len(template)
    for stop in "/?#":
        index = template.find(stop, authority_start)
        if index >= 0:
            authority_end = min(authority_end, index)
    at = template.rfind("@", authority_start, authority_end)
    return (authority_start, at) if at >= 0 else None


def interpolate(
    template: str,
    environ: Mapping[str, str],
    redactor: Redactor,
    *,
    field: str,
    url: bool = False,
) -> str:
    """``template`` with every ``${VAR}`` replaced from ``environ``; ``$${`` writes a literal ``${``.

    In a URL every value read is a secret, and values inside the ``user:password@``
    part are URL-encoded, so that a password may hold ``@`` or ``/``.

    Raises:
        UnallowedVariable: A variable :data:`ALLOWED_VARIABLES` does not list.
        MissingVariable: A variable is not set.
    """
    userinfo = _userinfo_span(template) if url else None
    secrets: list[tuple[int, int]] = []  # where each secret value stands in the text
    allowed: frozenset[str] | None = None
    parts: list[str] = []
    position = 0
    for match in _VARIABLE.finditer(template):
        parts.append(template[position : match.start()])
        position = match.end()
        escaped, name = match.groups()
        if escaped:
            parts.append("${" + name + "}")
            continue
        if allowed is None:
            allowed = allowed_variables(environ)
        if name not in allowed:
            raise UnallowedVariable(name, field)
        if name not in environ:
            raise MissingVariable(name, field)
        value = environ[name]
        if userinfo is not None and userinfo[0] <= match.start() < userinfo[1]:
            value = quote(value, safe="")
        if url or looks_secret(name):
            redactor.add(environ[name])
            start = sum(map(len, parts))
            secrets.append((start, start + len(value)))
        parts.append(value)
    parts.append(template[position:])
    text = "".join(parts)
    if url:
        redactor.add_url(text)
    for start, end in secrets:
        # A secret glued to letters or digits (`data/x${TOKEN}x.csv`) is masked with them, as the
        # Redactor tells a word apart: a short one would otherwise not stand alone anywhere.
        redactor.add(text[_WORD_BEFORE.search(text, 0, start).start() : _WORD_AFTER.match(text, end).end()])
    return text


def _is_url_field(name: str, template: str) -> bool:
    return bool(_URL_FIELD.search(name)) or "://" in template


def _interpolate_value(value: Any, environ: Mapping[str, str], redactor: Redactor, field: str) -> Any:
    if isinstance(value, str):
        leaf = field.rsplit(".", 1)[-1]
        return interpolate(value, environ, redactor, field=field, url=_is_url_field(leaf, value))
    if isinstance(value, dict):
        return {key: _interpolate_value(item, environ, redactor, f"{field}.{key}") for key, item in value.items()}
    if isinstance(value, list):
        return [_interpolate_value(item, environ, redactor, f"{field}[{index}]") for index, item in enumerate(value)]
    return value


def interpolate_source(config: Any, environ: Mapping[str, str], redactor: Redactor) -> Any:
    """A source declaration with ``${VAR}`` read in every text field (``type`` excepted).

    Raises:
        UnallowedVariable: A variable :data:`ALLOWED_VARIABLES` does not list.
        MissingVariable: A variable is not set.
    """
    data = config.model_dump(mode="python")
    resolved = {
        key: value if key == "type" else _interpolate_value(value, environ, redactor, key)
        for key, value in data.items()
    }
    if resolved == data:
        return config
    return type(config).model_validate(resolved)
