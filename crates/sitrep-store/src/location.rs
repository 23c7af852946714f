//! Where a store lives: a data folder (SQLite + tantivy, the default) or a PostgreSQL
//! database, chosen by `--data` or the environment variable [`DATABASE_URL_ENV`].

use std::path::{Path, PathBuf};

/// The environment variable naming a PostgreSQL database to use when `--data` is left at
/// its default.
pub const DATABASE_URL_ENV: &str = "SITREP_DATABASE_URL";

/// Where a store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A data folder: `sitrep.db` (SQLite) and `index/` (tantivy).
    Dir(PathBuf),
    /// A PostgreSQL connection URL (`postgres://user@host/db`, or
    /// `postgres://user@%2Frun%2Fpostgresql/db` for a Unix socket folder).
    Postgres(String),
}

/// True when `s` is a PostgreSQL connection URL.
pub fn is_postgres_url(s: &str) -> bool {
    let l = s.trim_start().to_ascii_lowercase();
    l.starts_with("postgres://") || l.starts_with("postgresql://")
}

impl Location {
    /// The location a `--data` value names: a PostgreSQL URL, else a folder — except that
    /// the default folder name stands for the database in [`DATABASE_URL_ENV`] when that
    /// is set.
    pub fn resolve(data: &Path) -> Location {
        let env = std::env::var(DATABASE_URL_ENV).ok();
        Self::resolve_with(data, env.as_deref())
    }

    /// [`Location::resolve`] with the environment variable's value given.
    pub fn resolve_with(data: &Path, env_url: Option<&str>) -> Location {
        if let Some(s) = data.to_str().filter(|s| is_postgres_url(s)) {
            return Location::Postgres(s.trim().to_string());
        }
        match env_url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) if data == Path::new(crate::DEFAULT_DATA_DIR) => {
                Location::Postgres(url.to_string())
            }
            _ => Location::Dir(data.to_path_buf()),
        }
    }

    /// The PostgreSQL URL, when the store is in PostgreSQL.
    pub fn postgres_url(&self) -> Option<&str> {
        match self {
            Location::Postgres(u) => Some(u),
            Location::Dir(_) => None,
        }
    }

    /// How to name the store in messages: the folder, or the URL without its password.
    pub fn display(&self) -> String {
        match self {
            Location::Dir(d) => d.display().to_string(),
            Location::Postgres(u) => redact_password(u),
        }
    }
}

/// A connection URL with any password replaced by `***`.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (auth, tail) = rest.split_at(auth_end);
    match auth.rsplit_once('@') {
        Some((cred, host)) => match cred.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_folders() {
        let pg = "postgres://u@%2Ftmp%2Fx/db";
        assert_eq!(
            Location::resolve_with(Path::new(pg), None),
            Location::Postgres(pg.into())
        );
        assert_eq!(
            Location::resolve_with(Path::new("postgresql://h/db"), Some("postgres://o/x")),
            Location::Postgres("postgresql://h/db".into())
        );
        // the default folder gives way to the environment variable, a named folder does not
        assert_eq!(
            Location::resolve_with(Path::new(crate::DEFAULT_DATA_DIR), Some("postgres://h/db")),
            Location::Postgres("postgres://h/db".into())
        );
        assert_eq!(
            Location::resolve_with(Path::new("mydata"), Some("postgres://h/db")),
            Location::Dir("mydata".into())
        );
        assert_eq!(
            Location::resolve_with(Path::new(crate::DEFAULT_DATA_DIR), Some("  ")),
            Location::Dir(crate::DEFAULT_DATA_DIR.into())
        );
    }

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            redact_password("postgres://me:secret@db.example:5432/sitrep"),
            "postgres://me:***@db.example:5432/sitrep"
        );
        assert_eq!(redact_password("postgres://me@db/x"), "postgres://me@db/x");
        assert_eq!(
            redact_password("postgres://db/x?a=b@c"),
            "postgres://db/x?a=b@c"
        );
    }
}
