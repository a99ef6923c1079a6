//! Whether a token cache file may be loaded, judged by its POSIX permission bits. Core reads no
//! file; a binding that loads a cache file passes the mode of the file it opened.
//!
//! A cache file holds bearer tokens: anyone who can read it can use them (RFC 6750 §5.3:
//! bearer tokens must be kept from disclosure), and anyone who can write it can make the client
//! send a token of their choosing. Like OpenSSH with a private key, a file that group or others
//! may read or write is refused rather than trusted; the bindings write theirs with mode 0600.

use super::error::CacheError;

/// Permission bits of group and others (POSIX `S_IRWXG | S_IRWXO`).
const GROUP_AND_OTHER_BITS: u32 = 0o077;

/// `Ok` when only the owner has any permission on the file (`mode` as `st_mode`, file type bits
/// allowed), else [`CacheError::FileNotPrivate`] with the permission bits.
pub fn check_file_mode(mode: u32) -> Result<(), CacheError> {
    if mode & GROUP_AND_OTHER_BITS == 0 {
        Ok(())
    } else {
        Err(CacheError::FileNotPrivate { mode: mode & 0o777 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_owner_only_modes_pass() {
        for ok in [0o600, 0o400, 0o700, 0o100600, 0o000] {
            assert_eq!(check_file_mode(ok), Ok(()), "{ok:o}");
        }
        for bad in [0o644, 0o640, 0o604, 0o620, 0o602, 0o666, 0o100644, 0o610] {
            let err = check_file_mode(bad).unwrap_err();
            assert_eq!(err.code(), "cache_file_not_private", "{bad:o}");
            assert_eq!(err, CacheError::FileNotPrivate { mode: bad & 0o777 });
        }
        assert_eq!(
            check_file_mode(0o100644).unwrap_err().to_string(),
            "cache file mode 644 lets other users read or change it; not loaded (chmod 600 it)"
        );
    }
}
