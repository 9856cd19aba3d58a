//! The system browser, where the employee signs in at the identity provider (RFC 8252 §8.12:
//! never a web view inside the app). `--browser PROGRAM` (or `MASAR_BROWSER`) names another
//! program to give the address to, as `$BROWSER` does for many tools.

use masar_core::signin::Browser;

#[derive(Debug)]
pub struct SystemBrowser {
    program: Option<String>,
}

impl SystemBrowser {
    pub fn new(program: Option<String>) -> Self {
        Self { program: program.filter(|p| !p.trim().is_empty()) }
    }
}

impl Browser for SystemBrowser {
    fn open(&self, url: &str) -> std::io::Result<()> {
        tauri_plugin_opener::open_url(url, self.program.as_deref()).map_err(std::io::Error::other)
    }
}
