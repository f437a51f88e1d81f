//! The verification code printed on a registration certificate (domain.md §1.6): 80 random
//! bits written as 16 characters of Crockford's base32, grouped `XXXX-XXXX-XXXX-XXXX`. Anyone
//! holding a certificate can check it at `/verify/{code}`; guessing a valid code is hopeless.

use std::fmt;

/// Crockford's alphabet: no I, L, O or U, so a code read off paper is not misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters of a code.
pub const LEN: usize = 16;

/// A well-formed code, stored as its 16 characters without separators.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VerificationCode(String);

impl VerificationCode {
    /// A new code from the operating system's random source.
    pub fn random() -> VerificationCode {
        let mut bytes = [0u8; 10];
        // Without the OS random source no unguessable code can be made; that is not recoverable.
        getrandom::fill(&mut bytes).expect("the operating system's random source is available");
        VerificationCode::from_bytes(bytes)
    }

    /// The code of 80 bits.
    pub fn from_bytes(bytes: [u8; 10]) -> VerificationCode {
        let mut bits = bytes
            .iter()
            .fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
        let mut chars = [0u8; LEN];
        for c in chars.iter_mut().rev() {
            *c = ALPHABET[(bits & 31) as usize];
            bits >>= 5;
        }
        VerificationCode(chars.iter().map(|&b| char::from(b)).collect())
    }

    /// Reads a code as a person types it: case, dashes and spaces do not matter, and the
    /// letters Crockford's base32 leaves out are read as the digits they resemble (I, L → 1;
    /// O → 0). Anything else is not a code.
    pub fn parse(typed: &str) -> Option<VerificationCode> {
        let mut code = String::with_capacity(LEN);
        for ch in typed.chars() {
            let ch = match ch.to_ascii_uppercase() {
                '-' | ' ' => continue,
                'I' | 'L' => '1',
                'O' => '0',
                c => c,
            };
            if code.len() == LEN || !ch.is_ascii() || !ALPHABET.contains(&(ch as u8)) {
                return None;
            }
            code.push(ch);
        }
        (code.len() == LEN).then_some(VerificationCode(code))
    }

    /// The stored form: 16 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The printed form, in groups of four.
impl fmt::Display for VerificationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, group) in self.0.as_bytes().chunks(4).enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            f.write_str(std::str::from_utf8(group).map_err(|_| fmt::Error)?)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sixteen_characters_of_the_alphabet_printed_in_groups() {
        let zero = VerificationCode::from_bytes([0; 10]);
        assert_eq!(zero.as_str(), "0000000000000000");
        let ones = VerificationCode::from_bytes([0xff; 10]);
        assert_eq!(ones.to_string(), "ZZZZ-ZZZZ-ZZZZ-ZZZZ");
        let one = VerificationCode::from_bytes([0, 0, 0, 0, 0, 0, 0, 0, 0, 33]);
        assert_eq!(one.as_str(), "0000000000000011", "33 = 1·32 + 1");
        let (a, b) = (VerificationCode::random(), VerificationCode::random());
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), LEN);
        assert_eq!(VerificationCode::parse(&a.to_string()), Some(a));
    }

    #[test]
    fn typed_codes_are_read_forgivingly_and_nothing_else_is_a_code() {
        let code = VerificationCode::parse("7k3q-9xmd 0abc-defg").unwrap();
        assert_eq!(code.as_str(), "7K3Q9XMD0ABCDEFG");
        assert_eq!(
            VerificationCode::parse("OIL0-0000-0000-0000")
                .unwrap()
                .as_str(),
            "0110000000000000"
        );
        for bad in [
            "",
            "7K3Q-9XMD-0ABC-DEF",
            "7K3Q-9XMD-0ABC-DEFGH",
            "7K3Q-9XMD-0ABC-DEFU",
            "７K3Q-9XMD-0ABC-DEFG",
            "7K3Q/9XMD/0ABC/DEFG",
        ] {
            assert_eq!(VerificationCode::parse(bad), None, "{bad}");
        }
    }
}
