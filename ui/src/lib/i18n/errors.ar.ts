// The app's error sentences in Arabic, by the stable codes the Rust side sends. TypeScript
// checks that every code has one: a new code without a sentence does not build.
import type { ErrorCode, ErrorDetail, FieldProblem } from "../bindings";

export const errorsAr: Record<ErrorCode, string> = {
  invalid_server_url: "عنوان الخادم غير صالح.",
  invalid_national_id: "رقم الهوية غير صحيح. تحقق من الأرقام.",
  server_unreachable: "تعذّر الوصول إلى الخادم. تحقق من اتصال الشبكة ومن عنوان الخادم في الإعدادات.",
  server_timeout: "لم يرد الخادم في الوقت المحدد. تحقق من الشبكة ثم حاول مرة أخرى.",
  server_error: "حدث خطأ في الخادم (الرمز {status}). حاول مرة أخرى لاحقًا.",
  bad_server_response: "ردّ الخادم بما لا يُفهم. تأكد أن العنوان في الإعدادات هو عنوان خادم مسار.",
  not_signed_in: "سجّل الدخول أولًا.",
  not_found: "لم يتم العثور على البيانات المطلوبة.",
  no_demo_employees: "لا يوجد موظفون في بيانات الخادم التجريبية. شغّل الخادم بالخيار \u2066--demo\u2069.",
  settings_not_saved:
    "تعذّر حفظ الإعدادات على هذا الجهاز. تحقق من المساحة المتاحة وصلاحيات المجلد، ثم حاول مرة أخرى.",
  internal: "حدث خطأ غير متوقع في التطبيق. أعد المحاولة، وإن تكرر فأعد تشغيل التطبيق.",
  invalid_credentials: "رقم الهوية أو كلمة المرور غير صحيحة.",
  account_locked: "تم إيقاف الدخول مؤقتًا بعد محاولات خاطئة متكررة. حاول مرة أخرى بعد {minutes} دقيقة.",
  challenge_invalid: "انتهت محاولة الدخول هذه. ابدأ تسجيل الدخول من جديد.",
  code_expired: "انتهت صلاحية رمز التحقق. اطلب رمزًا جديدًا.",
  code_incorrect: "رمز التحقق غير صحيح. المحاولات المتبقية: {remaining}.",
  too_many_attempts: "تجاوزت عدد المحاولات المسموح بها لرمز التحقق. ابدأ تسجيل الدخول من جديد.",
  resend_too_soon: "يمكنك طلب رمز جديد بعد {seconds} ثانية.",
  rate_limited: "طلبات كثيرة من هذا الجهاز. انتظر {seconds} ثانية ثم حاول مرة أخرى.",
  session_expired: "انتهت الجلسة. أدخل كلمة المرور ورمز التحقق من جديد، وستبقى بياناتك كما هي.",
  session_revoked: "أُنهيت الجلسة لأسباب أمنية. سجّل الدخول من جديد.",
  sms_unavailable: "تعذّر إرسال رمز التحقق الآن. حاول مرة أخرى لاحقًا.",
  wrong_password: "كلمة المرور غير صحيحة. المحاولات المتبقية قبل قفل الملف المحلي: {remaining}.",
  profile_locked: "قُفل الملف المحلي مؤقتًا بعد محاولات خاطئة متكررة. حاول بعد {minutes} دقيقة.",
  first_sign_in_needs_network:
    "لم يسجّل هذا الموظف الدخول على هذا الجهاز من قبل، ويلزم الاتصال بالشبكة لأول تسجيل دخول. تحقق من الاتصال ثم حاول مرة أخرى.",
  keychain_unavailable:
    "تعذّر الوصول إلى سلسلة المفاتيح في النظام، فلا يمكن فتح النسخة المحلية. سجّل الدخول متصلًا بالشبكة.",
  vault_unavailable: "تعذّر فتح النسخة المحلية المشفرة على هذا الجهاز. تحقق من المساحة المتاحة ثم حاول مرة أخرى.",
  password_required: "أدخل كلمة المرور.",
  code_format: "رمز التحقق ستة أرقام.",
  idle_lock_out_of_range: "مدة القفل التلقائي بين 1 و120 دقيقة.",
  invalid_input: "لم يُحفظ التعديل: صحّح الحقول المشار إليها ثم اضغط تحديث.",
  previous_password_wrong: "كلمة المرور السابقة غير صحيحة. أدخل كلمة المرور التي كنت تستخدمها قبل تغييرها.",
  recovery_needs_network:
    "تُرسَل تعديلات النسخة السابقة إلى مسار عند استعادتها، ويلزم لذلك الاتصال بالشبكة. النسخة باقية كما هي؛ أعد المحاولة عند عودة الاتصال.",
  edit_gone: "لم يعد هذا التعديل موجودًا.",
  copy_gone: "لم تعد هذه النسخة السابقة موجودة على هذا الجهاز.",
  text_size_out_of_range: "حجم النص بين 100% و200%.",
  forbidden: "ليست لديك صلاحية لهذا الإجراء.",
  file_not_accepted: "الملف المرفق غير مقبول: يجب أن يكون PDF أو صورة JPEG أو PNG كاملة وضمن الحجم المسموح، باسم دون مسار أو رموز مخفية.",
  upload_interrupted: "توقف رفع الملف، ويُستأنف من حيث توقف تلقائيًا.",
  already_decided: "صدر قرار في هذا المؤهل من قبل. حدّث القائمة.",
  reason_required: "اكتب سبب الرفض (حتى 500 حرف) ليعرفه الموظف.",
};

export const detailsAr: Record<ErrorDetail, string> = {
  url_empty: "أدخل عنوان الخادم.",
  url_malformed: "عنوان الخادم غير صالح. اكتبه كاملًا، مثل \u2066https://masar.example.sa\u2069",
  url_scheme: "يجب أن يبدأ عنوان الخادم بـ \u2066https://\u2069",
  url_credentials: "لا تكتب اسم مستخدم أو كلمة مرور داخل عنوان الخادم.",
  url_query_or_fragment: "احذف ما بعد علامة ? أو # من عنوان الخادم.",
  url_insecure_remote: "الاتصال غير المشفّر (\u2066http\u2069) مسموح للخادم المحلي فقط. استخدم \u2066https://\u2069",
  id_empty: "أدخل رقم الهوية.",
  id_digits: "رقم الهوية يتكوّن من 10 أرقام.",
  id_prefix: "يبدأ رقم الهوية بـ 1 للمواطن أو 2 للمقيم.",
  id_checksum: "رقم الهوية غير صحيح. تحقق من الأرقام.",
};

/** `{label}` is the field's label, `{limit}` the rule's number. */
export const problemsAr: Record<FieldProblem, string> = {
  required: "أدخل {label}.",
  too_long: "{label} أطول من {limit} حرفًا.",
  control_characters: "{label} يحتوي على رموز غير مسموحة.",
  mobile_format: "رقم الجوال غير صحيح. اكتبه بالصيغة 05XXXXXXXX.",
  email_format: "البريد الإلكتروني غير صحيح.",
  digits: "{label} {limit} أرقام.",
  latin_letters: "يُكتب الاسم بالإنجليزية بحروف لاتينية فقط.",
  hr_only: "تُعدَّل البيانات الوظيفية من إدارة الموارد البشرية في جهتك، لا من هنا.",
  date_in_future: "{label}: التاريخ بعد اليوم.",
  date_order: "{label}: التاريخ قبل التاريخ الذي يسبقه.",
  gpa_format: "اكتب المعدل رقمًا كما في الشهادة، مثل 4.65.",
  gpa_out_of_scale: "المعدل أكبر من مقياسه.",
  equivalency_required: "الشهادة من خارج المملكة: أدخل رقم معادلتها من وزارة التعليم وتاريخه.",
  certificate_required: "أرفق صورة الشهادة نفسها.",
  too_many_files: "لا يزيد عدد المرفقات على {limit}.",
  submission_too_large: "حجم المرفقات معًا أكبر من {limit} ميغابايت.",
  file_not_accepted: "الملف المرفق غير مقبول: PDF أو JPEG أو PNG، باسم دون مسار أو رموز مخفية، وضمن الحجم المسموح.",
  file_not_uploaded: "لم يصل هذا المرفق إلى مسار بعد. يُرفع تلقائيًا ثم يُرسل الطلب.",
  terms_not_accepted: "يجب الموافقة على الشروط والأحكام.",
};
