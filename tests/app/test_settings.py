"""Settings from the environment, with safe development defaults and strict production rules."""

from __future__ import annotations

import pytest

from youthcourt.settings import Settings, SettingsError, normalise_database_url


def test_development_defaults_to_sqlite_and_keeps_a_generated_secret(tmp_path):
    env = {"YOUTHCOURT_DATA_DIR": str(tmp_path)}
    first = Settings.from_env(env)
    second = Settings.from_env(env)
    assert first.database_url == f"sqlite+aiosqlite:///{tmp_path / 'youthcourt.db'}"
    assert len(first.secret_key) >= 32
    assert first.secret_key == second.secret_key, "the generated secret survives a restart"
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0, "only the owner can read it"
    assert not first.is_production


def test_production_refuses_to_start_without_a_secret(tmp_path):
    with pytest.raises(SettingsError, match="YOUTHCOURT_SECRET_KEY is required"):
        Settings.from_env({"YOUTHCOURT_ENV": "production", "YOUTHCOURT_DATA_DIR": str(tmp_path)})


def test_production_uses_host_prefixed_cookie(tmp_path):
    settings = Settings.from_env(
        {
            "YOUTHCOURT_ENV": "production",
            "YOUTHCOURT_SECRET_KEY": "s" * 40,
            "YOUTHCOURT_DATA_DIR": str(tmp_path),
        }
    )
    assert settings.is_production
    assert settings.session.cookie_name == "__Host-youthcourt_session"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"YOUTHCOURT_ENV": "staging"}, "must be 'development' or 'production'"),
        ({"YOUTHCOURT_SECRET_KEY": "short"}, "at least 32 characters"),
    ],
)
def test_invalid_settings_say_what_is_wrong(tmp_path, env, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({"YOUTHCOURT_DATA_DIR": str(tmp_path), **env})


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql://u@h:5432/db", "postgresql+asyncpg://u@h:5432/db"),
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_database_urls_get_the_async_driver(given, expected):
    assert normalise_database_url(given) == expected


def test_the_audit_trail_is_kept_seven_years_unless_set(tmp_path):
    base = {"YOUTHCOURT_DATA_DIR": str(tmp_path)}
    assert Settings.from_env(base).audit_retention_days == 2555
    assert Settings.from_env({**base, "YOUTHCOURT_AUDIT_RETENTION_DAYS": "365"}).audit_retention_days == 365
    assert (
        Settings.from_env({**base, "YOUTHCOURT_AUDIT_RETENTION_DAYS": " 3650 "}).audit_retention_days == 3650
    )


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("364", "must be at least 365"),
        ("0", "must be at least 365"),
        ("a year", "must be a whole number of days"),
    ],
)
def test_an_audit_retention_under_a_year_is_refused(tmp_path, days, message):
    with pytest.raises(SettingsError, match=f"YOUTHCOURT_AUDIT_RETENTION_DAYS {message}"):
        Settings.from_env({"YOUTHCOURT_DATA_DIR": str(tmp_path), "YOUTHCOURT_AUDIT_RETENTION_DAYS": days})


@pytest.mark.parametrize(
    ("database_url", "store", "in_database"),
    [
        ("", "", False),
        ("postgresql://u@h/db", "", True),
        ("postgresql://u@h/db", "folder", False),
        ("", "database", True),
        ("", " Database ", True),
    ],
)
def test_documents_are_kept_in_the_database_on_postgresql_unless_told(
    tmp_path, database_url, store, in_database
):
    env = {"YOUTHCOURT_DATA_DIR": str(tmp_path), "YOUTHCOURT_DOCUMENT_STORE": store}
    if database_url:
        env["YOUTHCOURT_DATABASE_URL"] = database_url
    assert Settings.from_env(env).documents_in_database is in_database


def test_an_unknown_document_store_is_refused(tmp_path):
    with pytest.raises(SettingsError, match="YOUTHCOURT_DOCUMENT_STORE must be 'folder' or 'database'"):
        Settings.from_env({"YOUTHCOURT_DATA_DIR": str(tmp_path), "YOUTHCOURT_DOCUMENT_STORE": "s3"})
