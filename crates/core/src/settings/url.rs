//! The server address the user types: parsed once into a [`ServerUrl`] that can only hold a
//! valid one.

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use url::{Host, Url};

/// Where the app looks for a server when nothing was set: a `masar-server` on this workstation.
pub const DEFAULT_SERVER_URL: &str = "http://127.0.0.1:8787/";

/// A server base URL that passed validation: `https://…`, or `http://…` on this machine only,
/// with no credentials, query or fragment, always ending in `/` so endpoint paths join under it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(try_from = "String", into = "String")]
#[specta(transparent)]
pub struct ServerUrl(String);

/// What is wrong with a server URL the user typed. (Latin text inside the Arabic messages is
/// wrapped in LRI…PDI so `https://` keeps its slashes on the right side.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UrlProblem {
    #[error("empty")]
    Empty,
    #[error("not a URL")]
    Malformed,
    #[error("scheme is not http or https")]
    Scheme,
    #[error("contains a user name or password")]
    Credentials,
    #[error("contains a query or fragment")]
    QueryOrFragment,
    #[error("plain http to another machine")]
    InsecureRemote,
}

impl ServerUrl {
    pub fn parse(input: &str) -> Result<Self, UrlProblem> {
        let text = input.trim();
        if text.is_empty() {
            return Err(UrlProblem::Empty);
        }
        let mut url = Url::parse(text).map_err(|_| UrlProblem::Malformed)?;
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            _ => return Err(UrlProblem::Scheme),
        };
        let loopback = match url.host() {
            None => return Err(UrlProblem::Malformed),
            Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
            Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
            Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(UrlProblem::Credentials);
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(UrlProblem::QueryOrFragment);
        }
        if !https && !loopback {
            return Err(UrlProblem::InsecureRemote);
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        Ok(Self(url.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `path` (no leading slash) under this base.
    pub fn join(&self, path: &str) -> Result<Url, url::ParseError> {
        Url::parse(&self.0)?.join(path)
    }
}

impl Default for ServerUrl {
    fn default() -> Self {
        Self(DEFAULT_SERVER_URL.into())
    }
}

impl TryFrom<String> for ServerUrl {
    type Error = UrlProblem;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ServerUrl> for String {
    fn from(value: ServerUrl) -> Self {
        value.0
    }
}

impl fmt::Debug for ServerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServerUrl({})", self.0)
    }
}

impl fmt::Display for ServerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_server_urls_are_normalised() {
        let cases = [
            ("https://masar.example.sa", "https://masar.example.sa/"),
            ("  https://masar.example.sa/api  ", "https://masar.example.sa/api/"),
            ("http://127.0.0.1:8787", "http://127.0.0.1:8787/"),
            ("http://localhost:3000/", "http://localhost:3000/"),
            ("http://[::1]:9000", "http://[::1]:9000/"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                ServerUrl::parse(input).map(|u| u.as_str().to_owned()),
                Ok(expected.into()),
                "{input}"
            );
        }
    }

    #[test]
    fn bad_server_urls_are_refused_with_the_reason() {
        let cases = [
            ("", UrlProblem::Empty),
            ("masar.example.sa", UrlProblem::Malformed),
            ("https://", UrlProblem::Malformed),
            ("ftp://masar.example.sa", UrlProblem::Scheme),
            ("javascript:alert(1)", UrlProblem::Scheme),
            ("https://user:pw@masar.example.sa", UrlProblem::Credentials),
            ("https://masar.example.sa/?x=1", UrlProblem::QueryOrFragment),
            ("https://masar.example.sa/#top", UrlProblem::QueryOrFragment),
            ("http://masar.example.sa", UrlProblem::InsecureRemote),
            ("http://192.168.1.10:8787", UrlProblem::InsecureRemote),
        ];
        for (input, expected) in cases {
            assert_eq!(ServerUrl::parse(input), Err(expected), "{input}");
        }
    }
}
