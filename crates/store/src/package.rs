//! Signed and encrypted packages between bluedot deployments (another country's server): a
//! case handed over, or the answer to one. The payload is signed by the sender (Ed25519) and the
//! signed payload encrypted to the receiver (HPKE, RFC 9180: X25519, HKDF-SHA256,
//! ChaCha20-Poly1305), with the header (from, to, id) bound as associated data, so a package
//! opens only at its receiver, only unchanged, and only if a configured partner signed it. The
//! same bytes travel over HTTP or as a file.
//!
//! Each deployment has one 32-byte secret (`transfer_key`); both key pairs derive from it. Its
//! public identity, given to partners, is `bdpk1:` + base64url(Ed25519 public ‖ X25519 public).

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;
use zeroize::Zeroizing;

type Kem = X25519HkdfSha256;

const MAGIC: &str = "bluedot-transfer-package v1";
const HPKE_INFO: &[u8] = b"bluedot transfer v1";
const PUBLIC_PREFIX: &str = "bdpk1:";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PackageError {
    #[error("not a bluedot transfer package")]
    Malformed,
    #[error("this package is addressed to {0}, not to this deployment")]
    NotForUs(String),
    #[error("the package comes from {0}, which is not a configured partner")]
    UnknownSender(String),
    #[error("the package was changed on the way or sealed for another key")]
    Tampered,
    #[error("the sender's signature does not match")]
    BadSignature,
    #[error("invalid key: {0}")]
    BadKey(String),
}

/// This deployment's transfer keys.
pub struct TransferKeys {
    /// Who we are to partners, e.g. `RO`.
    pub deployment: String,
    signing: SigningKey,
    open_key: <Kem as hpke::Kem>::PrivateKey,
    seal_key: <Kem as hpke::Kem>::PublicKey,
}

/// A partner deployment as configured: who, where, and its public identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partner {
    pub id: String,
    /// Base URL of its server, e.g. `https://bluedot.example.pl`.
    pub url: String,
    pub public_key: String,
    /// The country it serves (ISO code), where the children sent to it are expected.
    pub country: String,
}

struct PartnerKeys {
    verify: VerifyingKey,
    seal: <Kem as hpke::Kem>::PublicKey,
}

fn derive(seed: &[u8], label: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    hkdf::Hkdf::<Sha256>::new(Some(b"bluedot transfer keys"), seed)
        .expand(label, out.as_mut())
        .expect("32 bytes is a valid length");
    out
}

impl TransferKeys {
    /// A new secret for `bluedot transfer keygen`, base64.
    pub fn generate_secret() -> String {
        let mut seed = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(seed.as_mut());
        STANDARD.encode(seed.as_ref())
    }

    pub fn from_secret(deployment: &str, secret: &str) -> Result<TransferKeys, PackageError> {
        let seed = Zeroizing::new(
            STANDARD
                .decode(secret.trim())
                .map_err(|_| PackageError::BadKey("the transfer key is not base64".into()))?,
        );
        if seed.len() != 32 {
            return Err(PackageError::BadKey("the transfer key is 32 bytes".into()));
        }
        let signing = SigningKey::from_bytes(&derive(&seed, b"sign"));
        let (open_key, seal_key) = Kem::derive_keypair(derive(&seed, b"seal").as_ref());
        Ok(TransferKeys {
            deployment: deployment.to_owned(),
            signing,
            open_key,
            seal_key,
        })
    }

    /// The identity partners configure for us.
    pub fn public_key(&self) -> String {
        let mut bytes = self.signing.verifying_key().to_bytes().to_vec();
        bytes.extend_from_slice(&self.seal_key.to_bytes());
        format!("{PUBLIC_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Signs `payload` and seals it for `partner`; returns the package's bytes.
    pub fn seal(
        &self,
        partner: &Partner,
        id: Uuid,
        payload: &[u8],
    ) -> Result<Vec<u8>, PackageError> {
        let keys = partner_keys(&partner.public_key)?;
        let header = Header {
            magic: MAGIC.into(),
            from: self.deployment.clone(),
            to: partner.id.clone(),
            id,
        };
        let signed = Signed {
            payload: STANDARD.encode(payload),
            signature: STANDARD.encode(self.signing.sign(&header.signed_bytes(payload)).to_bytes()),
        };
        let plain = serde_json::to_vec(&signed).expect("serialises");
        let (encapped, sealed) = hpke::single_shot_seal::<ChaCha20Poly1305, HkdfSha256, Kem, _>(
            &OpModeS::Base,
            &keys.seal,
            HPKE_INFO,
            &plain,
            &header.aad(),
            &mut OsRng,
        )
        .map_err(|_| PackageError::BadKey("cannot seal to the partner's key".into()))?;
        let envelope = Envelope {
            header,
            encapped: STANDARD.encode(encapped.to_bytes()),
            sealed: STANDARD.encode(sealed),
        };
        Ok(serde_json::to_vec_pretty(&envelope).expect("serialises"))
    }

    /// Opens a package addressed to us from one of `partners`: who sent it, its id and its
    /// payload. Anything changed, misaddressed or unsigned is refused.
    pub fn open(
        &self,
        partners: &[Partner],
        bytes: &[u8],
    ) -> Result<(String, Uuid, Vec<u8>), PackageError> {
        let envelope: Envelope =
            serde_json::from_slice(bytes).map_err(|_| PackageError::Malformed)?;
        let header = envelope.header;
        if header.magic != MAGIC {
            return Err(PackageError::Malformed);
        }
        if header.to != self.deployment {
            return Err(PackageError::NotForUs(header.to));
        }
        let partner = partners
            .iter()
            .find(|p| p.id == header.from)
            .ok_or_else(|| PackageError::UnknownSender(header.from.clone()))?;
        let keys = partner_keys(&partner.public_key)?;
        let decode = |s: &str| STANDARD.decode(s).map_err(|_| PackageError::Malformed);
        let encapped = <Kem as hpke::Kem>::EncappedKey::from_bytes(&decode(&envelope.encapped)?)
            .map_err(|_| PackageError::Malformed)?;
        let plain = hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, Kem>(
            &OpModeR::Base,
            &self.open_key,
            &encapped,
            HPKE_INFO,
            &decode(&envelope.sealed)?,
            &header.aad(),
        )
        .map_err(|_| PackageError::Tampered)?;
        let signed: Signed = serde_json::from_slice(&plain).map_err(|_| PackageError::Malformed)?;
        let payload = decode(&signed.payload)?;
        let signature = Signature::from_slice(&decode(&signed.signature)?)
            .map_err(|_| PackageError::BadSignature)?;
        keys.verify
            .verify(&header.signed_bytes(&payload), &signature)
            .map_err(|_| PackageError::BadSignature)?;
        Ok((header.from, header.id, payload))
    }
}

fn partner_keys(public: &str) -> Result<PartnerKeys, PackageError> {
    let bytes = public
        .trim()
        .strip_prefix(PUBLIC_PREFIX)
        .and_then(|b| URL_SAFE_NO_PAD.decode(b).ok())
        .filter(|b| b.len() == 64)
        .ok_or_else(|| {
            PackageError::BadKey(format!("a partner key starts with {PUBLIC_PREFIX}"))
        })?;
    let verify = VerifyingKey::from_bytes(bytes[..32].try_into().expect("32 bytes"))
        .map_err(|_| PackageError::BadKey("bad signing key".into()))?;
    let seal = <Kem as hpke::Kem>::PublicKey::from_bytes(&bytes[32..])
        .map_err(|_| PackageError::BadKey("bad sealing key".into()))?;
    Ok(PartnerKeys { verify, seal })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Header {
    magic: String,
    from: String,
    to: String,
    id: Uuid,
}

impl Header {
    fn aad(&self) -> Vec<u8> {
        format!("{}\n{}\n{}\n{}", self.magic, self.from, self.to, self.id).into_bytes()
    }

    fn signed_bytes(&self, payload: &[u8]) -> Vec<u8> {
        let mut out = self.aad();
        out.push(b'\n');
        out.extend_from_slice(payload);
        out
    }
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    header: Header,
    encapped: String,
    sealed: String,
}

#[derive(Serialize, Deserialize)]
struct Signed {
    payload: String,
    signature: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> (TransferKeys, TransferKeys, Vec<Partner>, Vec<Partner>) {
        let ro = TransferKeys::from_secret("RO", &TransferKeys::generate_secret()).unwrap();
        let pl = TransferKeys::from_secret("PL", &TransferKeys::generate_secret()).unwrap();
        let ro_partners = vec![Partner {
            id: "PL".into(),
            url: "http://pl".into(),
            public_key: pl.public_key(),
            country: "PL".into(),
        }];
        let pl_partners = vec![Partner {
            id: "RO".into(),
            url: "http://ro".into(),
            public_key: ro.public_key(),
            country: "RO".into(),
        }];
        (ro, pl, ro_partners, pl_partners)
    }

    #[test]
    fn a_package_opens_only_at_its_receiver_and_only_unchanged() {
        let (ro, pl, ro_partners, pl_partners) = pair();
        let id = Uuid::now_v7();
        let bytes = ro
            .seal(&ro_partners[0], id, b"{\"child\":\"Oleksandr\"}")
            .unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("Oleksandr"));
        let (from, got_id, payload) = pl.open(&pl_partners, &bytes).unwrap();
        assert_eq!((from.as_str(), got_id), ("RO", id));
        assert_eq!(payload, b"{\"child\":\"Oleksandr\"}");
        // Sealed for PL: RO cannot open its own package.
        assert!(matches!(
            ro.open(&ro_partners, &bytes),
            Err(PackageError::NotForUs(_))
        ));
        // A changed byte in the ciphertext, or a changed header, is refused.
        let mut envelope: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let sealed = envelope["sealed"].as_str().unwrap().to_owned();
        let mut raw = STANDARD.decode(&sealed).unwrap();
        raw[10] ^= 1;
        envelope["sealed"] = STANDARD.encode(raw).into();
        assert_eq!(
            pl.open(&pl_partners, &serde_json::to_vec(&envelope).unwrap()),
            Err(PackageError::Tampered)
        );
        let mut envelope: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        envelope["header"]["id"] = Uuid::now_v7().to_string().into();
        assert_eq!(
            pl.open(&pl_partners, &serde_json::to_vec(&envelope).unwrap()),
            Err(PackageError::Tampered)
        );
        assert_eq!(
            pl.open(&pl_partners, b"hello"),
            Err(PackageError::Malformed)
        );
    }

    #[test]
    fn only_configured_partners_are_believed() {
        let (_ro, pl, _, pl_partners) = pair();
        // Someone else holding PL's public key claims to be RO.
        let forger = TransferKeys::from_secret("RO", &TransferKeys::generate_secret()).unwrap();
        let to_pl = Partner {
            id: "PL".into(),
            url: String::new(),
            public_key: pl.public_key(),
            country: "PL".into(),
        };
        let forged = forger.seal(&to_pl, Uuid::now_v7(), b"{}").unwrap();
        assert_eq!(
            pl.open(&pl_partners, &forged),
            Err(PackageError::BadSignature)
        );
        let stranger = TransferKeys::from_secret("MD", &TransferKeys::generate_secret()).unwrap();
        let from_md = stranger.seal(&to_pl, Uuid::now_v7(), b"{}").unwrap();
        assert!(matches!(
            pl.open(&pl_partners, &from_md),
            Err(PackageError::UnknownSender(_))
        ));
    }

    #[test]
    fn the_same_secret_gives_the_same_identity() {
        let secret = TransferKeys::generate_secret();
        let a = TransferKeys::from_secret("RO", &secret).unwrap();
        let b = TransferKeys::from_secret("RO", &secret).unwrap();
        assert_eq!(a.public_key(), b.public_key());
        assert!(a.public_key().starts_with("bdpk1:"));
        assert!(TransferKeys::from_secret("RO", "c2hvcnQ=").is_err());
    }
}
