//! Cache files for `TokenClient.save_cache` / `load_cache`: core's versioned export, written
//! atomically (temporary file in the same directory, then rename) with mode 0600 from creation,
//! because the file holds tokens. Loading refuses a file that group or others may read or write
//! (core's `cache::check_file_mode`).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
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

/// Reads a cache file. The outer error is the OS's; the inner one is core's refusal of a file
/// that is not private (judged on the opened file, so a swap after the check changes nothing).
pub fn read_private(path: &Path) -> io::Result<Result<String, tokensmith::cache::CacheError>> {
    let mut file = File::open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode();
        if let Err(refused) = tokensmith::cache::check_file_mode(mode) {
            return Ok(Err(refused));
        }
    }
    let mut text = String::new();
    file.read_to_string(&mut text)?;
    Ok(Ok(text))
}
