//! The pages the loopback port shows in the browser: Arabic first (the page's language and
//! direction), then the same in English. Nothing is loaded from anywhere and no script runs.

/// One message in both languages.
struct Message {
    title_ar: &'static str,
    text_ar: &'static str,
    title_en: &'static str,
    text_en: &'static str,
}

fn render(message: &Message) -> String {
    let Message { title_ar, text_ar, title_en, text_en } = message;
    format!(
        r#"<!doctype html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title_ar} — Masar</title>
<style>
body {{ margin: 0; font-family: "IBM Plex Sans Arabic", "Noto Sans Arabic", system-ui, sans-serif; background: #f3f4f6; color: #1f2a37; }}
main {{ max-width: 36rem; margin: 4rem auto; padding: 2rem; background: #fff; border-top: 0.4rem solid #1b8354; border-radius: 0.5rem; }}
h1 {{ font-size: 1.5rem; color: #14573a; margin: 0 0 0.75rem; }}
p {{ font-size: 1.125rem; line-height: 1.7; margin: 0 0 1.5rem; }}
section + section {{ border-top: 1px solid #6c737f; padding-top: 1.5rem; }}
</style>
</head>
<body>
<main>
<section>
<h1>{title_ar}</h1>
<p>{text_ar}</p>
</section>
<section lang="en" dir="ltr">
<h2 style="font-size: 1.25rem; margin: 0 0 0.75rem;">{title_en}</h2>
<p>{text_en}</p>
</section>
</main>
</body>
</html>
"#
    )
}

pub fn signed_in() -> String {
    render(&Message {
        title_ar: "تم التحقق من هويتك",
        text_ar: "ارجع إلى تطبيق مسار لإكمال الدخول. يمكنك إغلاق هذه الصفحة.",
        title_en: "Your identity is confirmed",
        text_en: "Please return to the Masar app to finish signing in. You can close this page.",
    })
}

pub fn refused() -> String {
    render(&Message {
        title_ar: "لم يكتمل الدخول",
        text_ar: "أُلغي الدخول أو رفضه النفاذ الوطني الموحد. ارجع إلى تطبيق مسار وحاول مرة أخرى.",
        title_en: "Sign-in not completed",
        text_en: "The sign-in was cancelled or refused by the national single sign-on. Please return to the Masar app and try again.",
    })
}

pub fn not_this_sign_in() -> String {
    render(&Message {
        title_ar: "هذه الصفحة لا تخص دخولًا جاريًا",
        text_ar: "قد تكون من دخول سابق. ارجع إلى تطبيق مسار وابدأ الدخول من هناك.",
        title_en: "This page does not belong to a sign-in in progress",
        text_en: "It may be from an earlier sign-in. Please return to the Masar app and start signing in there.",
    })
}

pub fn not_here() -> String {
    render(&Message {
        title_ar: "الصفحة غير موجودة",
        text_ar: "ارجع إلى تطبيق مسار.",
        title_en: "Page not found",
        text_en: "Please return to the Masar app.",
    })
}
