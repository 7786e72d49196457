//! The embedded CJK font, for reports that carry Chinese text. A reader's machine may have
//! no Chinese font (a fresh Linux install, a locked-down office PC): the browser then draws
//! empty boxes (tofu) where 有链有基金 should be. So a report with any CJK character carries
//! the charts' own font (`assets/fonts/NotoSansSC-reformsim.otf`, SIL OFL, the licence beside
//! it) as a data URL, and stays one self-contained file that opens offline. The font adds
//! about 2.4 MB to such a report; a report without CJK text does not carry it.

use std::sync::OnceLock;

/// The CSS family name the embedded font is bound to.
pub const FAMILY: &str = "reformsim-sans";

/// Whether `text` has a character that Latin fonts lack: CJK punctuation, kana, ideographs
/// and full-width forms.
pub fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c as u32,
            0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
    })
}

/// The `@font-face` rule binding [`FAMILY`] to the embedded font (encoded once per process),
/// the whole page and the inline charts' text in it, as in the charts' PNGs. It goes after
/// the report's own style, which it overrides. The embedded font comes first, not as a
/// fallback behind a Latin font: headless Chromium 148 drew some Chinese runs of such a list
/// as empty boxes (a heading, one table cell) and others as glyphs.
pub fn font_face_css() -> &'static str {
    static CSS: OnceLock<String> = OnceLock::new();
    CSS.get_or_init(|| {
        format!(
            "@font-face{{font-family:'{FAMILY}';src:url(data:font/otf;base64,{}) format('opentype')}}\
             body{{font-family:'{FAMILY}','DejaVu Sans',sans-serif}}\
             svg text{{font-family:'{FAMILY}',sans-serif}}",
            base64(crate::chart::CHART_FONT)
        )
    })
}

/// Standard base64 (RFC 4648 §4) with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_4648_test_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected, "{input}");
        }
    }

    #[test]
    fn chinese_text_needs_the_font_and_latin_text_does_not() {
        assert!(has_cjk("industrial fund system (有链有基金)"));
        assert!(has_cjk("目标：模拟值"));
        assert!(!has_cjk("value added growth ±0.5 pp – 2024-11-13 μ* σ"));
    }
}
