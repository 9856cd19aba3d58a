//! The pages the browser shows while signing in: server-rendered HTML that needs no script,
//! Arabic right-to-left by default with an English switch, every field labelled, errors in a
//! summary at the top that links to its field, the DGA look of the app (IBM Plex Sans Arabic,
//! its green). Every value from a request or the store is escaped.

use std::fmt::Write as _;

/// The pages' language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ar,
    En,
}

impl Lang {
    /// `en` (or a list of locales starting with English) is English; anything else Arabic.
    pub fn parse(text: Option<&str>) -> Self {
        match text.and_then(|t| t.split([' ', ',']).next()) {
            Some(tag) if tag.eq_ignore_ascii_case("en") || tag.to_ascii_lowercase().starts_with("en-") => {
                Self::En
            }
            _ => Self::Ar,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Ar => "ar",
            Self::En => "en",
        }
    }

    pub(crate) fn other(self) -> Self {
        match self {
            Self::Ar => Self::En,
            Self::En => Self::Ar,
        }
    }

    fn dir(self) -> &'static str {
        match self {
            Self::Ar => "rtl",
            Self::En => "ltr",
        }
    }

    /// The text in this language.
    pub fn pick(self, ar: &'static str, en: &'static str) -> &'static str {
        match self {
            Self::Ar => ar,
            Self::En => en,
        }
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A problem to show at the top of a page, and the field it is about.
#[derive(Debug, Clone)]
pub struct Problem {
    pub message: String,
    pub field: Option<&'static str>,
}

impl Problem {
    pub fn about(field: &'static str, message: impl Into<String>) -> Self {
        Self { message: message.into(), field: Some(field) }
    }

    pub fn general(message: impl Into<String>) -> Self {
        Self { message: message.into(), field: None }
    }
}

fn layout(lang: Lang, title: &str, switch_to: Option<String>, body: &str) -> String {
    let service = lang.pick("النفاذ الوطني الموحد · مسار", "National Single Sign-On · Masar");
    branded(lang, service, title, switch_to, body)
}

/// A whole page under `service`'s bar, with the language switch to `switch_to` (the server's
/// other pages, the statement verification, share the look).
pub(crate) fn branded(
    lang: Lang,
    service: &str,
    title: &str,
    switch_to: Option<String>,
    body: &str,
) -> String {
    let switch = switch_to.map_or_else(String::new, |href| {
        let other = lang.other();
        format!(
            r#"<a class="lang" href="{}" lang="{}" hreflang="{}">{}</a>"#,
            escape(&href),
            other.code(),
            other.code(),
            other.pick("العربية", "English")
        )
    });
    format!(
        r##"<!doctype html>
<html lang="{lang}" dir="{dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — {service}</title>
<link rel="stylesheet" href="/oidc/assets/pages.css">
</head>
<body>
<a class="skip" href="#main">{skip}</a>
<header class="bar"><span class="brand">{service}</span>{switch}</header>
<main id="main">
<h1>{title}</h1>
{body}
</main>
</body>
</html>
"##,
        lang = lang.code(),
        dir = lang.dir(),
        title = escape(title),
        service = escape(service),
        skip = lang.pick("انتقل إلى المحتوى", "Skip to content"),
    )
}

fn summary(lang: Lang, problem: Option<&Problem>) -> String {
    let Some(problem) = problem else { return String::new() };
    let item = match problem.field {
        Some(field) => format!(r##"<a href="#{field}">{}</a>"##, escape(&problem.message)),
        None => escape(&problem.message),
    };
    format!(
        r#"<div class="summary" role="alert" tabindex="-1" autofocus aria-labelledby="summary-title">
<h2 id="summary-title">{}</h2>
<ul><li>{item}</li></ul>
</div>
"#,
        lang.pick("تعذّر المتابعة", "There is a problem")
    )
}

fn notice(text: Option<&str>) -> String {
    text.map_or_else(String::new, |text| format!(r#"<p class="notice" role="status">{}</p>"#, escape(text)))
}

fn invalid(problem: Option<&Problem>, field: &str) -> &'static str {
    if problem.and_then(|p| p.field) == Some(field) { r#" aria-invalid="true""# } else { "" }
}

fn hidden(request: &str, lang: Lang) -> String {
    format!(
        r#"<input type="hidden" name="request" value="{}"><input type="hidden" name="lang" value="{}">"#,
        escape(request),
        lang.code()
    )
}

/// Where the language switch of a request's current step leads.
fn switch_href(request: &str, lang: Lang) -> String {
    format!("/oidc/authorize/step?request={}&lang={}", escape_query(request), lang.other().code())
}

fn escape_query(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Step one: national ID and password.
pub fn sign_in(lang: Lang, request: &str, national_id: &str, problem: Option<&Problem>) -> String {
    let mut body = summary(lang, problem);
    let _ = write!(
        body,
        r#"<p>{intro}</p>
<form method="post" action="/oidc/authorize/password" novalidate>
{hidden}
<div class="field">
<label for="national_id">{id_label}</label>
<p class="hint" id="national_id-hint">{id_hint}</p>
<input id="national_id" name="national_id" type="text" inputmode="numeric" autocomplete="username" dir="ltr" maxlength="14" value="{id_value}" aria-describedby="national_id-hint"{id_invalid}>
</div>
<div class="field">
<label for="password">{password_label}</label>
<input id="password" name="password" type="password" autocomplete="current-password" dir="ltr"{password_invalid}>
</div>
<button type="submit">{submit}</button>
</form>
"#,
        intro = lang.pick(
            "أدخل رقم الهوية الوطنية أو الإقامة وكلمة المرور المسجلة في أبشر، ثم نرسل رمز تحقق إلى جوالك.",
            "Enter your national ID or Iqama number and your Absher password; a verification code is then sent to your mobile."
        ),
        hidden = hidden(request, lang),
        id_label = lang.pick("رقم الهوية / الإقامة", "National ID / Iqama number"),
        id_hint = lang.pick("عشرة أرقام تبدأ بـ 1 أو 2.", "Ten digits, starting with 1 or 2."),
        id_value = escape(national_id),
        id_invalid = invalid(problem, "national_id"),
        password_label = lang.pick("كلمة المرور", "Password"),
        password_invalid = invalid(problem, "password"),
        submit = lang.pick("تسجيل الدخول", "Sign in"),
    );
    layout(lang, lang.pick("تسجيل الدخول", "Sign in"), Some(switch_href(request, lang)), &body)
}

/// Step two: the code sent by SMS, and a new code.
pub fn code(lang: Lang, request: &str, problem: Option<&Problem>, note: Option<&str>) -> String {
    let mut body = summary(lang, problem);
    body.push_str(&notice(note));
    let _ = write!(
        body,
        r#"<p>{intro}</p>
<form method="post" action="/oidc/authorize/code" novalidate>
{hidden}
<div class="field">
<label for="code">{code_label}</label>
<p class="hint" id="code-hint">{code_hint}</p>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" dir="ltr" maxlength="6" aria-describedby="code-hint"{code_invalid}>
</div>
<button type="submit">{submit}</button>
</form>
<form method="post" action="/oidc/authorize/resend" class="secondary">
{hidden}
<button type="submit" class="link">{resend}</button>
</form>
"#,
        intro = lang.pick(
            "أرسلنا رمز تحقق من ستة أرقام إلى جوالك المسجل. الرمز صالح لمدة 5 دقائق.",
            "A six-digit verification code was sent to your registered mobile. It is valid for 5 minutes."
        ),
        hidden = hidden(request, lang),
        code_label = lang.pick("رمز التحقق", "Verification code"),
        code_hint = lang.pick("ستة أرقام.", "Six digits."),
        code_invalid = invalid(problem, "code"),
        submit = lang.pick("تحقق", "Verify"),
        resend = lang.pick("إرسال رمز جديد", "Send a new code"),
    );
    layout(lang, lang.pick("رمز التحقق", "Verification code"), Some(switch_href(request, lang)), &body)
}

/// A page that ends here: what happened and what to do.
pub fn problem(lang: Lang, title: &str, message: &str) -> String {
    let body = format!(r#"<p class="problem">{}</p>"#, escape(message));
    layout(lang, title, None, &body)
}

/// The end-session endpoint's page: the browser holds no sign-in here (the provider keeps none:
/// every sign-in asks for the password and a code), and whether the app's session ended.
pub fn signed_out(lang: Lang, ended: bool) -> String {
    let what = if ended {
        lang.pick(
            "انتهت جلستك في مسار على هذا الجهاز. لا يبقى في هذا المتصفح أي دخول محفوظ.",
            "Your Masar session on this device has ended. This browser keeps no saved sign-in.",
        )
    } else {
        lang.pick(
            "لا توجد جلسة لتُنهى: هذا المتصفح لا يحفظ أي دخول، وكل دخول يطلب كلمة المرور ورمز التحقق.",
            "There is no session to end: this browser keeps no sign-in, and every sign-in asks for the password and a verification code.",
        )
    };
    let body = format!(
        r#"<p class="notice" role="status">{}</p><p>{}</p>"#,
        escape(what),
        escape(lang.pick("يمكنك إغلاق هذه النافذة.", "You can close this window."))
    );
    layout(lang, lang.pick("تسجيل الخروج", "Signed out"), None, &body)
}

/// The style sheet of the pages (served from `/oidc/assets/pages.css`: the pages' policy allows
/// styles from the server only).
pub const STYLE: &str = r#"@font-face { font-family: "IBM Plex Sans Arabic"; font-weight: 400; src: url("/oidc/assets/plex-400.woff2") format("woff2"); unicode-range: U+0600-06FF, U+0750-077F, U+0870-088E, U+0890-0891, U+0898-08FF, U+200C-200E, U+2010-2011, U+204F, U+2E41, U+FB50-FDFF, U+FE70-FEFF; }
@font-face { font-family: "IBM Plex Sans Arabic"; font-weight: 400; src: url("/oidc/assets/plex-latin-400.woff2") format("woff2"); unicode-range: U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, U+0308, U+0329, U+2000-200B, U+2012-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD; }
@font-face { font-family: "IBM Plex Sans Arabic"; font-weight: 700; src: url("/oidc/assets/plex-700.woff2") format("woff2"); unicode-range: U+0600-06FF, U+0750-077F, U+0870-088E, U+0890-0891, U+0898-08FF, U+200C-200E, U+2010-2011, U+204F, U+2E41, U+FB50-FDFF, U+FE70-FEFF; }
@font-face { font-family: "IBM Plex Sans Arabic"; font-weight: 700; src: url("/oidc/assets/plex-latin-700.woff2") format("woff2"); unicode-range: U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, U+0308, U+0329, U+2000-200B, U+2012-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD; }
:root { --green: #1b8354; --green-dark: #14573a; --ink: #161616; --muted: #4d4d4d; --error: #b42318; --line: #6c737f; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "IBM Plex Sans Arabic", system-ui, sans-serif; color: var(--ink); background: #f9fafb; line-height: 1.6; font-size: 1rem; }
.skip { position: absolute; inset-inline-start: -999px; }
.skip:focus { inset-inline-start: 1rem; top: 1rem; background: #fff; padding: .5rem 1rem; z-index: 1; }
.bar { display: flex; justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap; padding: .75rem 1.5rem; background: var(--green-dark); color: #fff; }
.brand { font-weight: 700; }
.lang { color: #fff; }
main { max-width: 32rem; margin: 2rem auto; padding: 1.5rem; background: #fff; border: 1px solid #d2d6db; border-radius: .5rem; }
h1 { font-size: 1.5rem; margin-top: 0; }
.field { margin-block: 1rem; }
label { display: block; font-weight: 700; }
.hint { margin: .25rem 0; color: var(--muted); }
input[type="text"], input[type="password"] { width: 100%; font: inherit; padding: .5rem .75rem; border: 2px solid var(--line); border-radius: .25rem; }
input[aria-invalid="true"] { border-color: var(--error); }
:focus-visible { outline: 3px solid #f5b400; outline-offset: 2px; }
button { font: inherit; font-weight: 700; padding: .6rem 1.5rem; border: 0; border-radius: .25rem; background: var(--green); color: #fff; cursor: pointer; }
button:hover { background: var(--green-dark); }
button.link { background: none; color: var(--green-dark); text-decoration: underline; padding: .25rem 0; }
.secondary { margin-top: 1rem; }
.summary { border: 3px solid var(--error); padding: .75rem 1rem; margin-bottom: 1rem; border-radius: .25rem; }
.summary h2 { font-size: 1.1rem; margin: 0 0 .25rem; color: var(--error); }
.summary a { color: var(--error); font-weight: 700; }
.summary ul { margin: 0; padding-inline-start: 1.25rem; }
.notice { border-inline-start: 4px solid var(--green); padding: .5rem .75rem; background: #e7f3ed; }
.problem { font-size: 1.1rem; }
.verdict { border: 3px solid; border-radius: .25rem; padding: .75rem 1rem; margin-bottom: 1rem; }
.verdict h2 { font-size: 1.2rem; margin: 0 0 .25rem; }
.verdict p { margin: 0; }
.verdict.genuine { border-color: var(--green); background: #e7f3ed; }
.verdict.changed { border-color: #8a5a00; background: #fff4dc; }
.verdict.refused { border-color: var(--error); background: #fdecea; }
.mark { font-weight: 700; }
dl.facts { margin: 0; }
dl.facts > div { display: flex; flex-wrap: wrap; gap: .1rem 1rem; padding-block: .4rem; border-bottom: 1px solid #e5e7eb; }
dl.facts dt { font-weight: 700; flex: 0 0 9rem; }
dl.facts dd { margin: 0; flex: 1 1 12rem; }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_from_outside_is_escaped() {
        let page =
            sign_in(Lang::Ar, "r\"><script>", "<b>1</b>", Some(&Problem::about("national_id", "<i>x</i>")));
        assert!(
            !page.contains("<script>") && !page.contains("<b>1</b>") && !page.contains("<i>x</i>"),
            "{page}"
        );
        assert!(page.contains("&lt;b&gt;1&lt;/b&gt;"));
        assert!(page.contains(r#"lang="ar" dir="rtl""#));
        assert!(page.contains(r#"aria-invalid="true""#), "the field in error is marked");
        assert!(page.contains(r##"<a href="#national_id">"##), "the summary links to its field");
    }

    #[test]
    fn english_is_left_to_right_and_links_back_to_arabic() {
        let page = code(Lang::En, "abc", None, Some("A new code was sent."));
        assert!(page.contains(r#"lang="en" dir="ltr""#));
        assert!(page.contains("/oidc/authorize/step?request=abc&amp;lang=ar"));
        assert!(page.contains(r#"hreflang="ar">العربية</a>"#));
        assert!(page.contains(r#"autocomplete="one-time-code""#));
    }

    #[test]
    fn the_language_is_english_only_when_asked_for() {
        let table = [
            (None, Lang::Ar),
            (Some("en"), Lang::En),
            (Some("en-GB ar"), Lang::En),
            (Some("ar en"), Lang::Ar),
            (Some("fr"), Lang::Ar),
            (Some("EN"), Lang::En),
        ];
        for (asked, expected) in table {
            assert_eq!(Lang::parse(asked), expected, "{asked:?}");
        }
    }
}
