//! Signing a package's `SHA256SUMS` with an OpenSSH Ed25519 key, in the SSH signature format
//! that `ssh-keygen -Y verify` checks, and checking such a signature (optionally against an
//! `allowed_signers` file, as `ssh-keygen` reads it).

use std::io::Read;
use std::path::Path;

use anyhow::{bail, Context};
use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};

/// The signature's namespace: `ssh-keygen -Y verify -n govsite-package`.
pub const NAMESPACE: &str = "govsite-package";

/// The signature of `SHA256SUMS`, beside it in the package.
pub const SIGNATURE: &str = "SHA256SUMS.sig";

/// Key files, signatures and allowed-signers files are small; larger ones are refused.
const MAX_TEXT: u64 = 1024 * 1024;

/// Reads an unencrypted OpenSSH Ed25519 private key for `govsite package --sign`.
pub fn read_key(path: &Path) -> anyhow::Result<PrivateKey> {
    let text =
        read_small(path).with_context(|| format!("reading the signing key {}", path.display()))?;
    let shown = path.display();
    if text.trim_start().starts_with("ssh-") {
        bail!(
            "{shown} is a public key: give the private key file to --sign (the one without .pub)"
        );
    }
    let key = PrivateKey::from_openssh(text.trim()).map_err(|error| match error {
        // Only Ed25519 support is compiled in: any other kind of key is "unknown".
        ssh_key::Error::AlgorithmUnknown | ssh_key::Error::AlgorithmUnsupported { .. } => {
            anyhow::anyhow!(
                "{shown} is not an Ed25519 key: govsite signs with Ed25519 keys only; make one with `ssh-keygen -t ed25519 -f KEY`"
            )
        }
        _ => anyhow::anyhow!(
            "{shown} is not an OpenSSH private key ({error}): make one with `ssh-keygen -t ed25519 -f KEY`"
        ),
    })?;
    if key.is_encrypted() {
        bail!(
            "{shown} is protected by a passphrase, and govsite does not ask for one: sign with a key kept without a passphrase in your secrets store, or make a decrypted copy with `ssh-keygen -p -N '' -f COPY`"
        );
    }
    if !key.key_data().is_ed25519() {
        bail!(
            "{shown} is a {} key, not an Ed25519 key: govsite signs with Ed25519 keys only; make one with `ssh-keygen -t ed25519 -f KEY`",
            key.algorithm()
        );
    }
    Ok(key)
}

/// The armored SSH signature of `message` (SHA-512 of it, as `ssh-keygen -Y sign` does).
pub fn sign(key: &PrivateKey, message: &[u8]) -> anyhow::Result<String> {
    let signature = key
        .sign(NAMESPACE, HashAlg::Sha512, message)
        .context("signing SHA256SUMS")?;
    signature
        .to_pem(LineEnding::LF)
        .context("writing the signature")
}

/// Who made a valid signature.
#[derive(Debug, Clone)]
pub struct Signer {
    pub key: PublicKey,
    /// `SHA256:...`, as `ssh-keygen -l` prints it.
    pub fingerprint: String,
}

/// Checks the armored signature `pem` of `message`: its namespace must be `NAMESPACE`. The
/// error says what is wrong with the signature file.
pub fn check(message: &[u8], pem: &[u8]) -> Result<Signer, String> {
    let signature =
        SshSig::from_pem(pem).map_err(|error| format!("not an SSH signature ({error})"))?;
    if signature.namespace() != NAMESPACE {
        return Err(format!(
            "made for namespace `{}`, not `{NAMESPACE}`",
            signature.namespace()
        ));
    }
    let key = PublicKey::new(signature.public_key().clone(), "");
    key.verify(NAMESPACE, message, &signature)
        .map_err(|error| format!("does not match SHA256SUMS ({error})"))?;
    let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
    Ok(Signer { key, fingerprint })
}

/// One line of an `allowed_signers` file.
#[derive(Debug, Clone)]
struct Allowed {
    line: usize,
    principals: String,
    key: PublicKey,
    namespaces: Option<String>,
    limited_in_time: bool,
    cert_authority: bool,
}

/// The keys an `allowed_signers` file allows (see `ssh-keygen(1)`, ALLOWED SIGNERS).
#[derive(Debug, Clone)]
pub struct AllowedSigners {
    path: String,
    entries: Vec<Allowed>,
}

impl AllowedSigners {
    /// Reads an allowed-signers file; a line that cannot be read is an error naming it.
    pub fn read(path: &Path) -> anyhow::Result<AllowedSigners> {
        let text = read_small(path).with_context(|| format!("reading {}", path.display()))?;
        let shown = path.display().to_string();
        let mut entries = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line_number = index + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let entry = parse_line(line, line_number)
                .map_err(|message| anyhow::anyhow!("{shown}:{line_number}: {message}"))?;
            entries.push(entry);
        }
        Ok(AllowedSigners {
            path: shown,
            entries,
        })
    }

    /// The principals the file allows `signer` to sign packages as, or why not.
    pub fn principals(&self, signer: &Signer) -> Result<String, String> {
        let path = &self.path;
        let matching = self
            .entries
            .iter()
            .filter(|entry| !entry.cert_authority && entry.key.key_data() == signer.key.key_data());
        for entry in matching {
            if entry
                .namespaces
                .as_deref()
                .is_some_and(|list| !matches_list(list, NAMESPACE))
            {
                continue;
            }
            if entry.limited_in_time {
                return Err(format!(
                    "{path}:{} limits when the key is valid (valid-after/valid-before), which govsite does not check: check the signature with `ssh-keygen -Y verify`",
                    entry.line
                ));
            }
            return Ok(entry.principals.clone());
        }
        Err(format!(
            "the key {} that signed the package is not allowed by {path} for namespace {NAMESPACE}",
            signer.fingerprint
        ))
    }
}

/// `principals [options] keytype base64 [comment]`.
fn parse_line(line: &str, line_number: usize) -> Result<Allowed, String> {
    let (principals, rest) = line
        .split_once(char::is_whitespace)
        .ok_or("expected `principals [options] key`")?;
    let rest = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    let (options, key) = match PublicKey::from_openssh(&rest) {
        Ok(key) => (String::new(), key),
        Err(_) => {
            let (options, key) = rest.split_once(' ').ok_or("no public key on the line")?;
            let key = PublicKey::from_openssh(key)
                .map_err(|error| format!("the public key cannot be read ({error})"))?;
            (options.to_string(), key)
        }
    };
    let mut entry = Allowed {
        line: line_number,
        principals: principals.to_string(),
        key,
        namespaces: None,
        limited_in_time: false,
        cert_authority: false,
    };
    for option in split_options(&options) {
        let (name, value) = option.split_once('=').unwrap_or((option, ""));
        match name.to_ascii_lowercase().as_str() {
            "cert-authority" => entry.cert_authority = true,
            "namespaces" => entry.namespaces = Some(value.trim_matches('"').to_string()),
            "valid-after" | "valid-before" => entry.limited_in_time = true,
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    Ok(entry)
}

/// Options separated by commas outside double quotes.
fn split_options(options: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in options.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(&options[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&options[start..]);
    parts.into_iter().filter(|part| !part.is_empty()).collect()
}

/// Whether `name` matches the comma-separated pattern list (`*` and `?` wildcards, `!`
/// negates), as OpenSSH matches namespaces.
fn matches_list(list: &str, name: &str) -> bool {
    let mut matched = false;
    for pattern in list.split(',').map(str::trim) {
        match pattern.strip_prefix('!') {
            Some(negated) if wildcard(negated.as_bytes(), name.as_bytes()) => return false,
            Some(_) => {}
            None => matched |= wildcard(pattern.as_bytes(), name.as_bytes()),
        }
    }
    matched
}

fn wildcard(pattern: &[u8], name: &[u8]) -> bool {
    match (pattern.split_first(), name.split_first()) {
        (None, None) => true,
        (Some((b'*', rest)), _) => {
            wildcard(rest, name) || (!name.is_empty() && wildcard(pattern, &name[1..]))
        }
        (Some((b'?', rest)), Some((_, name_rest))) => wildcard(rest, name_rest),
        (Some((p, rest)), Some((n, name_rest))) if p == n => wildcard(rest, name_rest),
        _ => false,
    }
}

/// A small text file, refused past `MAX_TEXT` bytes.
fn read_small(path: &Path) -> anyhow::Result<String> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_TEXT + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_TEXT {
        bail!("larger than {} KiB: not a key file", MAX_TEXT / 1024);
    }
    String::from_utf8(bytes).context("not UTF-8 text")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_lists_match_like_openssh() {
        assert!(matches_list("govsite-package", NAMESPACE));
        assert!(matches_list("file,govsite-*", NAMESPACE));
        assert!(matches_list("*", NAMESPACE));
        assert!(!matches_list("git", NAMESPACE));
        assert!(!matches_list("*,!govsite-package", NAMESPACE));
        assert!(matches_list("govsite-packag?", NAMESPACE));
    }

    #[test]
    fn options_split_at_commas_outside_quotes() {
        assert_eq!(
            split_options(r#"namespaces="a,b",cert-authority"#),
            [r#"namespaces="a,b""#, "cert-authority"]
        );
        assert!(split_options("").is_empty());
    }

    #[test]
    fn allowed_signer_lines_name_their_problem() {
        assert!(parse_line("dana@example.com", 3)
            .unwrap_err()
            .contains("principals"));
        assert!(parse_line("dana@example.com ssh-ed25519 not-base64", 3)
            .unwrap_err()
            .contains("cannot be read"));
    }
}
