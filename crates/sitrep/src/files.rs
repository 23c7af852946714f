//! Which files of a folder are reports: a shell glob over a corpus folder
//! (`examples/corpus/*`) also names its README, LICENSE and the like, which describe the
//! folder and are not reports.

use std::path::Path;

/// File stems (case-insensitive, any extension) of files that describe a folder rather
/// than report anything.
const FOLDER_FILES: [&str; 9] = [
    "readme",
    "license",
    "licence",
    "copying",
    "notice",
    "changelog",
    "authors",
    "contributing",
    "sources",
];

/// True for a README, LICENSE, COPYING, NOTICE, CHANGELOG, AUTHORS, CONTRIBUTING or
/// SOURCES file (any case, any extension; `LICENSE-MIT` too), and for hidden files.
pub fn is_folder_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if name.starts_with('.') {
        return true;
    }
    let stem = name.split('.').next().unwrap_or(name).to_lowercase();
    FOLDER_FILES.contains(&stem.as_str())
        || ["license-", "licence-"]
            .iter()
            .any(|p| stem.strip_prefix(p).is_some_and(|r| !r.contains('-')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_files() {
        for f in [
            "README.md",
            "corpus/readme",
            "LICENSE",
            "LICENSE-MIT.txt",
            "COPYING",
            ".DS_Store",
        ] {
            assert!(is_folder_file(Path::new(f)), "{f}");
        }
        for f in [
            "01_report.txt",
            "readme-of-the-war.html",
            "license_plates.txt",
            "license-to-kill-review.txt",
            "news.md",
        ] {
            assert!(!is_folder_file(Path::new(f)), "{f}");
        }
    }
}
