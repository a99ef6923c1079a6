//! Cache files for `TokenClient.save_cache` / `load_cache`: core's versioned export, written
//! atomically (temporary file in the same directory, then rename) with mode 0600 from creation,
//! because the file holds tokens.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Owner read/write only: the file holds access and refresh tokens.
#[cfg(unix)]
const PRIVATE_MODE: u32 = 0o600;

fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(PRIVATE_MODE);
    }
    options.open(path)
}

fn temporary_sibling(path: &Path) -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = path
        .file_name()
        .map_or_else(|| "cache".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.{}.{nanos}.tmp", std::process::id()))
}

/// Writes `text` to `path` so that readers see the old file or the new one, never a part.
pub fn write_private_atomic(path: &Path, text: &str) -> io::Result<()> {
    let tmp = temporary_sibling(path);
    let result = (|| {
        let mut file = create_private(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        // Best effort: the temporary file may not even exist.
        let _ = fs::remove_file(&tmp);
    }
    result
}
