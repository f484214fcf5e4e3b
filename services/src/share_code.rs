//! Short share codes: 8 characters of Crockford's base32 alphabet (no I, L, O, U), so a code
//! read aloud or typed from a screenshot is not mistaken. 32^8 ≈ 10^12 codes.

use rand::Rng;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The length of every code.
pub const LEN: usize = 8;

/// A fresh random code.
pub fn generate() -> String {
    token(LEN)
}

/// A random string of `len` characters of the same alphabet (5 bits each, from the OS-seeded
/// CSPRNG): ids, and with 43 characters (215 bits) session tokens.
pub fn token(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Normalises a code as typed (case, look-alike letters) or `None` if it cannot be a code.
pub fn normalize(input: &str) -> Option<String> {
    let code: String = input
        .trim()
        .chars()
        .map(|c| match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            other => other,
        })
        .collect();
    (code.len() == LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_normalize_to_themselves() {
        for _ in 0..100 {
            let code = generate();
            assert_eq!(normalize(&code).as_deref(), Some(code.as_str()));
        }
    }

    #[test]
    fn malformed_codes_are_rejected() {
        assert_eq!(normalize("abcd efg"), None);
        assert_eq!(normalize("ABC"), None);
        assert_eq!(normalize("ABCDEFGU"), None);
        assert_eq!(normalize("abcdefgo").as_deref(), Some("ABCDEFG0"));
    }
}
