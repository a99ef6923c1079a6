//! What `verifyJwt` and `RemoteJwks` keep between calls so that a verify with a known key does
//! no key work: the parsed key sets `verifyJwt` was given ([`KeySets`], by their text), and for
//! each public key an identity that `jwt.js` files its imported `CryptoKey` under
//! ([`KeyIds`], [`Identities`]).
//!
//! An identity is a number given to one key's WebCrypto form (the public JWK and the import and
//! verify parameters, which the algorithm decides): equal forms get the same number however the
//! key reached us (a JWK, a JWK Set, a PEM, another `RemoteJwks`), and a number is never given to
//! another form, so a `CryptoKey` found under it is always the key core selected.

use super::KEY_CACHE_CAPACITY;
use std::cell::RefCell;
use std::rc::Rc;
use tokensmith::jwt::webcrypto::webcrypto_key_json;
use tokensmith::jwt::{Algorithm, KeySet};
use tokensmith::Secret;

/// How many key sets `verifyJwt` keeps parsed, by their text: a service verifies with the set
/// of each issuer it trusts, rarely more than a few; 8 covers those while bounding what callers
/// passing ever new sets make us hold. Beyond, the oldest goes (first in, first out); a set not
/// kept is parsed again, which is all a verify cost before.
pub(crate) const KEY_SET_CAPACITY: usize = 8;

/// The identities given out, by WebCrypto form, oldest first. [`KEY_CACHE_CAPACITY`] of them
/// (what one `jwt.js` cache holds); a form whose entry went gets a new number when seen again
/// (its key is imported once more), never an old one.
pub(crate) struct Identities {
    known: Vec<(Rc<String>, f64)>,
    /// Counts from 0; a JS number stays exact up to 2^53 identities.
    next: f64,
}

thread_local! {
    static IDENTITIES: RefCell<Identities> = const {
        RefCell::new(Identities { known: Vec::new(), next: 0.0 })
    };
}

/// The identity of a key's WebCrypto form: the one it was given, or a new one.
fn identity(form: &Rc<String>) -> f64 {
    IDENTITIES.with_borrow_mut(|ids| {
        if let Some((_, id)) = ids.known.iter().find(|(known, _)| known == form) {
            return *id;
        }
        if ids.known.len() >= KEY_CACHE_CAPACITY {
            ids.known.remove(0);
        }
        let id = ids.next;
        ids.next += 1.0;
        ids.known.push((form.clone(), id));
        id
    })
}

/// The identities and WebCrypto forms of one key set's public keys, made on first use: by the
/// key's position in the set and the algorithm.
#[derive(Default)]
pub(crate) struct KeyIds(Vec<(usize, Algorithm, f64, Rc<String>)>);

impl KeyIds {
    /// Key `index` of `keys` (a public key) for `alg`: its identity and WebCrypto form.
    pub(crate) fn get(&mut self, keys: &KeySet, index: usize, alg: Algorithm) -> (f64, Rc<String>) {
        if let Some((.., id, form)) = self.0.iter().find(|(i, a, ..)| *i == index && *a == alg) {
            return (*id, form.clone());
        }
        let form = Rc::new(webcrypto_key_json(&keys.keys()[index], alg));
        let id = identity(&form);
        self.0.push((index, alg, id, form.clone()));
        (id, form)
    }
}

/// `verifyJwt`'s parsed key sets, by their text, oldest first (at most [`KEY_SET_CAPACITY`]). The
/// text is kept as a [`Secret`]: it may hold an HMAC key, and is zeroized once dropped.
pub(crate) struct KeySets(Vec<(Secret, KeySet, KeyIds)>);

thread_local! {
    pub(crate) static KEY_SETS: RefCell<KeySets> = const { RefCell::new(KeySets(Vec::new())) };
}

impl KeySets {
    /// The set parsed from `text` (by `parse`, which runs only for a text not kept; its error is
    /// returned and nothing is kept), with its keys' identities.
    pub(crate) fn get<E>(
        &mut self,
        text: &str,
        parse: impl FnOnce(&str) -> Result<KeySet, E>,
    ) -> Result<(&KeySet, &mut KeyIds), E> {
        let index = match self
            .0
            .iter()
            .position(|(known, ..)| known.expose_secret() == text)
        {
            Some(index) => index,
            None => {
                let keys = parse(text)?;
                if self.0.len() >= KEY_SET_CAPACITY {
                    self.0.remove(0);
                }
                self.0.push((Secret::new(text), keys, KeyIds::default()));
                self.0.len() - 1
            }
        };
        let (_, keys, ids) = &mut self.0[index];
        Ok((keys, ids))
    }
}
