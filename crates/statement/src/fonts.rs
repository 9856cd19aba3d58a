//! Amiri (SIL Open Font License 1.1; see `fonts/OFL.txt`), shipped with the crate so every
//! statement looks the same on every workstation; the PDF carries only the glyphs it uses.

pub static REGULAR: &[u8] = include_bytes!("../fonts/Amiri-Regular.ttf");
pub static BOLD: &[u8] = include_bytes!("../fonts/Amiri-Bold.ttf");
