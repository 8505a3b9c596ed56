//! Encryption of sensitive fields at rest (names, dates of birth, contacts, notes, second-factor
//! secrets) with an AEAD cipher, XChaCha20-Poly1305, whose random 192-bit nonces are safe to
//! draw for every value.
//!
//! A stored value reads `enc:v1:<key id>:<base64 of nonce and ciphertext>`. The key id lets keys
//! rotate: values written under an old key stay readable while the key ring still holds it, and
//! `bluedot keys rotate` re-encrypts them under the current one. The field's name is bound in as
//! associated data, so a value copied into another column does not decrypt.

use std::collections::HashMap;
use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand_core::{OsRng, RngCore};
use zeroize::Zeroizing;

const PREFIX: &str = "enc:v1:";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("encryption keys: {0}")]
    BadKeys(String),
    #[error("value was encrypted with key {0:?}, which is not in the key ring")]
    UnknownKey(String),
    #[error("value is not an encrypted field or was altered")]
    Corrupt,
}

/// The keys a deployment holds: the current one encrypts, all of them decrypt.
#[derive(Clone)]
pub struct KeyRing {
    current: String,
    keys: HashMap<String, Zeroizing<[u8; 32]>>,
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print key material.
        let mut ids: Vec<_> = self.keys.keys().collect();
        ids.sort();
        f.debug_struct("KeyRing")
            .field("current", &self.current)
            .field("ids", &ids)
            .finish()
    }
}

impl KeyRing {
    /// Parses `id:base64key[,id:base64key...]`; the first key is the current one. Keys are 32
    /// random bytes (`bluedot keys generate` prints one).
    pub fn parse(spec: &str) -> Result<KeyRing, CryptoError> {
        let mut keys = HashMap::new();
        let mut current = None;
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (id, encoded) = item
                .split_once(':')
                .ok_or_else(|| CryptoError::BadKeys(format!("{item:?} is not id:base64key")))?;
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                return Err(CryptoError::BadKeys(format!(
                    "key id {id:?}: use letters, digits and -"
                )));
            }
            let bytes = Zeroizing::new(
                B64.decode(encoded.trim_end_matches('='))
                    .map_err(|_| CryptoError::BadKeys(format!("key {id:?} is not base64")))?,
            );
            let key: [u8; 32] = bytes[..]
                .try_into()
                .map_err(|_| CryptoError::BadKeys(format!("key {id:?} must be 32 bytes")))?;
            if keys.insert(id.to_owned(), Zeroizing::new(key)).is_some() {
                return Err(CryptoError::BadKeys(format!("key id {id:?} appears twice")));
            }
            current.get_or_insert_with(|| id.to_owned());
        }
        let current = current.ok_or_else(|| CryptoError::BadKeys("no key given".into()))?;
        Ok(KeyRing { current, keys })
    }

    /// A new random key in the form `parse` reads.
    pub fn generate_spec(id: &str) -> String {
        let mut key = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(&mut key[..]);
        format!("{id}:{}", B64.encode(&key[..]))
    }

    pub fn current_id(&self) -> &str {
        &self.current
    }

    /// The raw key with this id, for keyed hashes made outside this module.
    pub(crate) fn key(&self, id: &str) -> Option<&[u8; 32]> {
        self.keys.get(id).map(|k| &**k)
    }

    fn cipher(&self, id: &str) -> Result<XChaCha20Poly1305, CryptoError> {
        let key = self
            .keys
            .get(id)
            .ok_or_else(|| CryptoError::UnknownKey(id.to_owned()))?;
        Ok(XChaCha20Poly1305::new(key[..].into()))
    }

    /// Encrypts `plaintext` for the column `field` under the current key.
    pub fn encrypt(&self, field: &str, plaintext: &str) -> String {
        let mut nonce = [0u8; 24];
        OsRng.fill_bytes(&mut nonce);
        let cipher = self
            .cipher(&self.current)
            .expect("current key is in the ring");
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: field.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 encryption does not fail for in-memory data");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{PREFIX}{}:{}", self.current, B64.encode(out))
    }

    /// Decrypts a value written by [`encrypt`](Self::encrypt) for the same `field`.
    pub fn decrypt(&self, field: &str, stored: &str) -> Result<String, CryptoError> {
        let (id, data) = stored
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split_once(':'))
            .ok_or(CryptoError::Corrupt)?;
        let data = B64.decode(data).map_err(|_| CryptoError::Corrupt)?;
        if data.len() < 24 + 16 {
            return Err(CryptoError::Corrupt);
        }
        let (nonce, sealed) = data.split_at(24);
        let plain = self
            .cipher(id)?
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: field.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Corrupt)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Corrupt)
    }

    /// A keyed hash of `value` for finding equal values without storing them: HMAC-SHA256 under
    /// a key derived from the current one, cut to 128 bits. Returns the key id with the hash,
    /// since hashes made under different keys do not compare.
    pub fn blind_index(&self, value: &str) -> (String, String) {
        use hmac::{Hmac, Mac};
        let key = self
            .keys
            .get(&self.current)
            .expect("current key is in the ring");
        let mut derive =
            <Hmac<sha2::Sha256> as Mac>::new_from_slice(&key[..]).expect("any key length");
        derive.update(b"bluedot blind index v1");
        let derived: Zeroizing<[u8; 32]> = Zeroizing::new(derive.finalize().into_bytes().into());
        let mut mac =
            <Hmac<sha2::Sha256> as Mac>::new_from_slice(&derived[..]).expect("any key length");
        mac.update(value.as_bytes());
        let digest = mac.finalize().into_bytes();
        (self.current.clone(), hex::encode(&digest[..16]))
    }

    /// Whether a stored value was written under a key other than the current one.
    pub fn needs_rotation(&self, stored: &str) -> bool {
        stored
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split_once(':'))
            .is_some_and(|(id, _)| id != self.current)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blind_indexes_are_stable_per_key_and_differ_between_keys() {
        let ring = KeyRing::parse(&KeyRing::generate_spec("a")).unwrap();
        let other = KeyRing::parse(&KeyRing::generate_spec("b")).unwrap();
        assert_eq!(ring.blind_index("lksndr"), ring.blind_index("lksndr"));
        assert_ne!(ring.blind_index("lksndr").1, ring.blind_index("lksnd").1);
        assert_ne!(ring.blind_index("lksndr").1, other.blind_index("lksndr").1);
        assert_eq!(ring.blind_index("x").0, "a");
        assert_eq!(ring.blind_index("x").1.len(), 32);
    }

    #[test]
    fn round_trips_and_binds_the_field() {
        let ring = KeyRing::parse(&KeyRing::generate_spec("k1")).unwrap();
        let sealed = ring.encrypt("person.name", "Олександр");
        assert!(sealed.starts_with("enc:v1:k1:"));
        assert!(!sealed.contains("Олександр"));
        assert_ne!(
            sealed,
            ring.encrypt("person.name", "Олександр"),
            "fresh nonce each time"
        );
        assert_eq!(ring.decrypt("person.name", &sealed).unwrap(), "Олександр");
        assert_eq!(
            ring.decrypt("person.notes", &sealed),
            Err(CryptoError::Corrupt)
        );
        let mut tampered = sealed.clone();
        tampered.replace_range(tampered.len() - 3.., "AAA");
        assert_eq!(
            ring.decrypt("person.name", &tampered),
            Err(CryptoError::Corrupt)
        );
    }

    #[test]
    fn old_keys_still_decrypt_after_rotation() {
        let old = KeyRing::generate_spec("k1");
        let new = KeyRing::generate_spec("k2");
        let before = KeyRing::parse(&old).unwrap();
        let sealed = before.encrypt("f", "secret");
        let after = KeyRing::parse(&format!("{new},{old}")).unwrap();
        assert_eq!(after.current_id(), "k2");
        assert!(after.needs_rotation(&sealed));
        assert_eq!(after.decrypt("f", &sealed).unwrap(), "secret");
        let only_new = KeyRing::parse(&new).unwrap();
        assert_eq!(
            only_new.decrypt("f", &sealed),
            Err(CryptoError::UnknownKey("k1".into()))
        );
    }

    #[test]
    fn refuses_bad_key_specs() {
        assert!(KeyRing::parse("").is_err());
        assert!(KeyRing::parse("k1:short").is_err());
        assert!(KeyRing::parse("nocolon").is_err());
        let k = KeyRing::generate_spec("k1");
        assert!(KeyRing::parse(&format!("{k},{k}")).is_err());
        assert!(
            !format!("{:?}", KeyRing::parse(&k).unwrap()).contains(k.split(':').nth(1).unwrap())
        );
    }
}
