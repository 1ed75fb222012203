"""The one settings object of Vigil.

Precedence, lowest first: defaults < settings file (``vigil.toml``, or the file named by
``VIGIL_CONFIG``) < environment (``VIGIL_*``) < command-line options (passed as keyword
arguments to :func:`load_settings`). Secrets are given by reference (a file path), never
as values in a settings file.

Every field carries a ``description``; ``docs/settings.md`` is generated from this model
and a test checks that each setting is documented there.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from vigil.errors import ConfigError

DEFAULT_CONFIG_FILE = "vigil.toml"


#: Folder name of a project-local store, found in the current folder or a parent.
LOCAL_DATA_DIR = "vigil-data"


def default_data_dir(start: Path | None = None) -> Path:
    """The nearest existing ``vigil-data/`` from ``start`` (default: the current folder) upwards,
    else the per-user data directory. Never a new folder relative to wherever a command runs."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / LOCAL_DATA_DIR
        if candidate.is_dir():
            return candidate
    return platformdirs.user_data_path("vigil", appauthor=False)


class Settings(BaseSettings):
    """Every setting of Vigil, with its default and help."""

    model_config = SettingsConfigDict(env_prefix="VIGIL_", extra="forbid", frozen=True)

    data_dir: Path = Field(
        default_factory=lambda: default_data_dir(),
        description=(
            "Directory for the embedded SQLite database and the evidence store. Default: the nearest "
            "existing `vigil-data/` in the current folder or a parent, else the per-user data directory "
            "(`~/.local/share/vigil` on Linux), so every folder reaches the same store."
        ),
    )
    database_url: str | None = Field(
        None,
        description=(
            "SQLAlchemy URL of the database, e.g. postgresql+psycopg://user@host/vigil. "
            "Empty means SQLite at <data_dir>/vigil.db."
        ),
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Lowest level of log messages written to stderr."
    )
    log_format: Literal["console", "json"] = Field(
        "console", description="Log line format on stderr: human 'console' or 'json'."
    )
    ingest_batch_size: int = Field(
        5000, ge=1, le=100_000, description="Documents written per database transaction."
    )
    ingest_max_record_bytes: int = Field(
        5_000_000,
        ge=1024,
        description="Longest accepted input record (JSONL line, CSV row, WARC payload).",
    )
    clause_model: bool = Field(
        True,
        description=(
            "Analysis: run the learned clause recognizer beside the indicator lexicons; off reports "
            "lexicon hits only (to compare the two)."
        ),
    )
    engine: Literal["local", "dask"] = Field(
        "local", description="Batch engine: 'local' (process pool) or 'dask' (distributed)."
    )
    workers: int = Field(
        0, ge=0, description="Worker processes for the local engine; 0 means one per core."
    )
    dask_scheduler: str | None = Field(
        None,
        description="Address of a Dask scheduler (tcp://host:8786); empty starts a LocalCluster.",
    )
    partition_size: int = Field(
        5000, ge=1, description="Documents per partition sent to a worker by the batch engine."
    )
    webhook_url: str | None = Field(
        None, description="URL that receives new trend alerts as JSON (POST); empty disables."
    )
    webhook_retry_seconds: float = Field(
        60.0,
        gt=0,
        description=(
            "Webhooks (trend alerts, watches): wait this long after a failed delivery before the next "
            "attempt, doubling after each further failure."
        ),
    )
    webhook_retry_max_seconds: float = Field(
        3600.0, gt=0, description="Webhooks: longest wait between two delivery attempts, however many failed."
    )
    webhook_expiry_hours: float = Field(
        72.0,
        gt=0,
        description="Webhooks: a notice not delivered this long after it was raised is given up (marked expired).",
    )
    trends_fdr: float = Field(
        0.05, gt=0, lt=1, description="False-discovery rate of trend alerts across the segments tested in one period."
    )
    trends_max_p: float = Field(
        5e-5, gt=0, lt=1, description="Largest p-value a trend alert may have, whatever the number of segments."
    )
    trends_min_count: float = Field(
        5.0, ge=0, description="Trend alerts need at least this many documents in the period (expected, for falls)."
    )
    trends_min_excess: float = Field(
        3.0, ge=0, description="Trend alerts need observed and expected counts at least this far apart."
    )
    host: str = Field("127.0.0.1", description="Address the web app listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port the web app listens on.")
    secret_key_file: Path | None = Field(
        None,
        description=(
            "File holding the key that signs sessions and keys identifier hashes; "
            "empty means <data_dir>/secret.key, created on first use."
        ),
    )
    cookie_secure: bool = Field(
        True, description="Mark session cookies Secure (send over HTTPS only)."
    )
    max_body_bytes: int = Field(
        262_144,
        ge=1024,
        description=(
            "Largest request body the web app accepts (forms, JSON) unless a route has its own limit; "
            "larger bodies are refused with 413 before they are read or the caller is authenticated."
        ),
    )
    max_query_check_body_bytes: int = Field(
        4_194_304,
        ge=1024,
        description="Largest request body of POST /api/v1/query-check (a batch of up to 1000 queries).",
    )
    login_max_failures: int = Field(
        5,
        ge=1,
        description=(
            "Failed logins for one account from one client address within login_window_seconds "
            "after which that address is refused for that account (other addresses are not)."
        ),
    )
    login_max_address_failures: int = Field(
        50,
        ge=1,
        description="Failed logins from one client address, over all accounts, within login_window_seconds after which the address is refused.",
    )
    login_max_account_failures: int = Field(
        100,
        ge=1,
        description=(
            "Failed logins for one account, over all addresses, within login_window_seconds after which each "
            "further attempt on it waits login_slowdown_seconds; the account is slowed, never locked."
        ),
    )
    login_window_seconds: int = Field(
        900, ge=1, description="Window in which failed logins are counted; older failures are pruned."
    )
    login_slowdown_seconds: float = Field(
        1.0, ge=0, le=10, description="Delay added to each login attempt on an account under attack (see login_max_account_failures)."
    )
    emscad_dir: Path | None = Field(
        None,
        description=(
            "Directory of the EMSCAD CSV files used by 'vigil train jobs' and 'vigil eval jobs'; "
            "empty means ../shared/data/emscad next to the checkout."
        ),
    )
    link_max_identifier_docs: int = Field(
        200,
        ge=2,
        description=(
            "Linking: an identifier (phone, e-mail, handle, URL, image hash) found in more documents "
            "than this is too common (a platform's support line, a hotline) and links nothing."
        ),
    )
    link_max_identifier_share: float = Field(
        0.05,
        gt=0.0,
        le=1.0,
        description=(
            "Linking: an identifier in more than this share of all documents (and in more than "
            "link_common_min_docs) is too common and links nothing."
        ),
    )
    link_template_threshold: float = Field(
        0.5,
        gt=0.0,
        le=1.0,
        description="Linking: estimated Jaccard similarity of masked shingles that makes two texts one template.",
    )
    link_template_min_shingles: int = Field(
        16,
        ge=1,
        description=(
            "Linking: fewest distinct specific shingles a text needs to take part in template links "
            "(a short ad made of market phrases never links on its own)."
        ),
    )
    link_generic_shingle_share: float = Field(
        0.005,
        gt=0.0,
        le=1.0,
        description=(
            "Linking: a shingle in more than this share of documents (and in more than "
            "link_common_min_docs) is a generic market phrase and is ignored."
        ),
    )
    link_common_min_docs: int = Field(
        20,
        ge=2,
        description="Linking: a shingle or identifier in at most this many documents never counts as common.",
    )
    link_bucket_representatives: int = Field(
        3,
        ge=1,
        le=32,
        description="Linking: earliest members of an LSH bucket a new document is compared with (bounds work per document).",
    )
    reports_contact_key_file: Path | None = Field(
        None,
        description=(
            "Reports: file holding the key that encrypts reporters' names and e-mail addresses at rest; "
            "empty means <data_dir>/reports-contact.key, created on first use. Losing it makes stored contacts unreadable."
        ),
    )
    reports_contact_retention_days: int = Field(
        180,
        ge=1,
        description="Reports: reporters' contact details are deleted this many days after the report was received.",
    )
    reports_rate_limit: int = Field(
        10,
        ge=1,
        description="Reports: public reports accepted from one client address within reports_rate_window_seconds (429 after).",
    )
    reports_rate_window_seconds: int = Field(
        3600, ge=1, description="Reports: window in which the public reports of one client address are counted."
    )
    reports_sla_hours: float = Field(
        72.0, gt=0, description="Reports: time a moderator has to decide an ordinary report."
    )
    reports_urgent_sla_hours: float = Field(
        2.0,
        gt=0,
        description="Reports: time a moderator has to decide a report from a trusted flagger, about a child, or with someone in immediate danger.",
    )
    reports_routing_file: Path | None = Field(
        None,
        description=(
            "Reports: YAML file of partner organisations (police units, NGO hotlines) and the categories and "
            "countries each takes referrals for; empty means no routing rules (referrals are addressed by hand)."
        ),
    )
    smtp_host: str | None = Field(
        None, description="Outgoing mail server for report acknowledgements, decisions and referrals; empty sends no e-mail."
    )
    smtp_port: int = Field(25, ge=1, le=65535, description="Port of the outgoing mail server.")
    smtp_starttls: bool = Field(False, description="Upgrade the SMTP connection with STARTTLS before sending.")
    smtp_username: str | None = Field(None, description="SMTP login name; empty sends without logging in.")
    smtp_password_file: Path | None = Field(
        None, description="File holding the SMTP password (read when mail is sent; never put the password itself here)."
    )
    smtp_from: str = Field("vigil@localhost", description="Sender address of the e-mails Vigil sends.")
    collect_contact: str | None = Field(
        None,
        description=(
            "Contact address (e-mail or web page) put in the crawler's user agent, so a site can reach the "
            "people collecting from it. `vigil collect` refuses to run without it."
        ),
    )
    collect_delay_seconds: float = Field(
        5.0,
        ge=0,
        le=3600,
        description=(
            "Default wait between two requests to the same host, for profiles that set none; a longer "
            "robots.txt Crawl-delay wins."
        ),
    )
    collect_profiles_dir: Path | None = Field(
        None,
        description="Folder of site profiles (`NAME.yaml`) for `vigil collect`. Empty means `<data_dir>/profiles`.",
    )
    collect_max_page_bytes: int = Field(
        10_000_000,
        ge=1024,
        description="Largest page or feed the crawler reads; a bigger one is abandoned unread and counted as an error.",
    )
    collect_timeout_seconds: float = Field(
        30.0, gt=0, le=600, description="Timeout of one crawler request (connect, and each read)."
    )
    collect_max_backoff_seconds: float = Field(
        600.0,
        ge=0,
        description=(
            "Longest the crawler waits after a 429 or 5xx before retrying a URL; a Retry-After beyond it "
            "gives the URL up for this run."
        ),
    )

    partners_dir: Path | None = Field(
        None,
        description=(
            "Folder of partnership secrets: this organisation's Ed25519 signing keys and the agreed "
            "matching secret of each partnership, kept out of the database. Empty means `<data_dir>/partners`."
        ),
    )
    partners_min_cell_count: int = Field(
        5,
        ge=5,
        description=(
            "Smallest count shown in the aggregate statistics shared with partners; smaller cells are "
            "suppressed (k-anonymity, as in the CTDC data; at least 5)."
        ),
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        config_file = Path(os.environ.get("VIGIL_CONFIG", DEFAULT_CONFIG_FILE))
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_file)
        return (init_settings, env_settings, toml)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'vigil.db').as_posix()}"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def resolved_collect_profiles_dir(self) -> Path:
        return self.collect_profiles_dir or (self.data_dir / "profiles")

    @property
    def resolved_secret_key_file(self) -> Path:
        return self.secret_key_file or (self.data_dir / "secret.key")

    @property
    def resolved_reports_contact_key_file(self) -> Path:
        return self.reports_contact_key_file or (self.data_dir / "reports-contact.key")

    @property
    def resolved_partners_dir(self) -> Path:
        return self.partners_dir or (self.data_dir / "partners")


def load_settings(**overrides: Any) -> Settings:
    """Build settings from all sources; ``overrides`` (command line) win. ``None`` values are ignored."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        raise ConfigError(f"invalid settings: {exc}") from exc


def settings_markdown() -> str:
    """``docs/settings.md``: one row per setting, generated from the model (``make docs``)."""
    lines = [
        "# Settings",
        "",
        "Generated from `vigil.settings.Settings` by `make docs`; a test keeps it in step.",
        "Precedence, lowest first: default < settings file (`vigil.toml`, or the file named by",
        "`VIGIL_CONFIG`) < environment variable < command-line option.",
        "",
        "| setting | environment | default | description |",
        "|---|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        default = field.default
        if field.default_factory is not None:
            shown = "(see description)"
        else:
            shown = "(empty)" if default is None else f"`{default}`"
        description = (field.description or "").replace("|", "\\|")
        lines.append(f"| `{name}` | `VIGIL_{name.upper()}` | {shown} | {description} |")
    return "\n".join(lines) + "\n"
