//! Arabic words the demo data is made of: names (with their usual English spelling), entities,
//! cities, job tracks, institutions, health facilities, opportunities.

/// (Arabic, English).
pub type Pair = (&'static str, &'static str);

pub const MALE_NAMES: &[Pair] = &[
    ("عبدالله", "Abdullah"),
    ("محمد", "Mohammed"),
    ("فهد", "Fahad"),
    ("سعود", "Saud"),
    ("خالد", "Khalid"),
    ("عبدالرحمن", "Abdulrahman"),
    ("تركي", "Turki"),
    ("ناصر", "Nasser"),
    ("سلطان", "Sultan"),
    ("فيصل", "Faisal"),
    ("إبراهيم", "Ibrahim"),
    ("عمر", "Omar"),
    ("سعد", "Saad"),
    ("عبدالعزيز", "Abdulaziz"),
];

pub const FEMALE_NAMES: &[Pair] = &[
    ("نورة", "Noura"),
    ("سارة", "Sarah"),
    ("ريم", "Reem"),
    ("هيفاء", "Haifa"),
    ("منيرة", "Munira"),
    ("لطيفة", "Latifa"),
    ("أمل", "Amal"),
    ("العنود", "Alanoud"),
    ("جواهر", "Jawaher"),
    ("مها", "Maha"),
];

pub const FAMILY_NAMES: &[Pair] = &[
    ("القحطاني", "Alqahtani"),
    ("العتيبي", "Alotaibi"),
    ("الشمري", "Alshammari"),
    ("الدوسري", "Aldosari"),
    ("الغامدي", "Alghamdi"),
    ("الزهراني", "Alzahrani"),
    ("الحربي", "Alharbi"),
    ("المطيري", "Almutairi"),
    ("السبيعي", "Alsubaie"),
    ("العنزي", "Alanazi"),
    ("الشهري", "Alshehri"),
    ("التميمي", "Altamimi"),
];

/// A government entity and the domain of its e-mail addresses.
#[derive(Debug)]
pub struct Entity {
    pub name: &'static str,
    pub domain: &'static str,
}

pub const ENTITIES: &[Entity] = &[
    Entity {
        name: "وزارة الموارد البشرية والتنمية الاجتماعية", domain: "hrsd.gov.sa"
    },
    Entity { name: "وزارة الصحة", domain: "moh.gov.sa" },
    Entity { name: "وزارة التعليم", domain: "moe.gov.sa" },
    Entity { name: "وزارة المالية", domain: "mof.gov.sa" },
    Entity { name: "هيئة الزكاة والضريبة والجمارك", domain: "zatca.gov.sa" },
    Entity { name: "أمانة منطقة الرياض", domain: "alriyadh.gov.sa" },
    Entity {
        name: "وزارة الشؤون البلدية والقروية والإسكان", domain: "momah.gov.sa"
    },
];

/// A city, the first digit of its postal codes, its districts and streets.
#[derive(Debug)]
pub struct City {
    pub name: &'static str,
    pub postal_prefix: &'static str,
    pub districts: &'static [&'static str],
    pub streets: &'static [&'static str],
}

pub const CITIES: &[City] = &[
    City {
        name: "الرياض",
        postal_prefix: "1",
        districts: &["العليا", "الملز", "النرجس", "السليمانية", "الياسمين"],
        streets: &["طريق الملك فهد", "شارع العروبة", "شارع التخصصي", "طريق أنس بن مالك"],
    },
    City {
        name: "جدة",
        postal_prefix: "2",
        districts: &["الروضة", "الصفا", "الشاطئ", "الحمراء"],
        streets: &["شارع التحلية", "طريق الملك عبدالعزيز", "شارع فلسطين"],
    },
    City {
        name: "الدمام",
        postal_prefix: "3",
        districts: &["الشاطئ الغربي", "الفيصلية", "المزروعية"],
        streets: &["طريق الأمير محمد بن فهد", "شارع الملك سعود"],
    },
    City {
        name: "أبها",
        postal_prefix: "6",
        districts: &["المنسك", "الموظفين"],
        streets: &["طريق الملك فيصل", "شارع الفن"],
    },
];

/// A career track: job titles for junior, senior and leading ranks, and the majors that lead to it.
#[derive(Debug)]
pub struct Track {
    pub titles: [&'static str; 3],
    pub bachelor_major: &'static str,
    pub graduate_major: &'static str,
}

pub const TRACKS: &[Track] = &[
    Track {
        titles: ["أخصائي موارد بشرية", "أخصائي موارد بشرية أول", "مدير إدارة الموارد البشرية"],
        bachelor_major: "إدارة الموارد البشرية",
        graduate_major: "الإدارة العامة",
    },
    Track {
        titles: ["محاسب", "محاسب أول", "مدير الشؤون المالية"],
        bachelor_major: "المحاسبة",
        graduate_major: "المالية",
    },
    Track {
        titles: ["مبرمج", "أخصائي تقنية معلومات", "مدير تقنية المعلومات"],
        bachelor_major: "علوم الحاسب",
        graduate_major: "أمن المعلومات",
    },
    Track {
        titles: ["مساعد إداري", "باحث إداري", "مدير الشؤون الإدارية"],
        bachelor_major: "إدارة الأعمال",
        graduate_major: "الإدارة العامة",
    },
    Track {
        titles: ["باحث قانوني", "مستشار قانوني", "مدير الإدارة القانونية"],
        bachelor_major: "الأنظمة",
        graduate_major: "القانون التجاري",
    },
    Track {
        titles: ["مهندس مدني", "مهندس مدني أول", "مدير إدارة المشاريع"],
        bachelor_major: "الهندسة المدنية",
        graduate_major: "إدارة المشاريع",
    },
];

pub const SAUDI_UNIVERSITIES: &[&str] = &[
    "جامعة الملك سعود",
    "جامعة الملك عبدالعزيز",
    "جامعة الإمام محمد بن سعود الإسلامية",
    "جامعة الملك فهد للبترول والمعادن",
    "جامعة أم القرى",
    "جامعة الملك خالد",
];

/// (institution, country).
/// A university abroad and its country (ISO 3166-1 alpha-2, as the qualification form has it).
pub const FOREIGN_UNIVERSITIES: &[Pair] =
    &[("جامعة ولاية أريزونا", "US"), ("جامعة مانشستر", "GB"), ("جامعة موناش", "AU"), ("جامعة أوتاوا", "CA")];

pub const SECONDARY_SCHOOLS: &[&str] =
    &["الثانوية الأولى", "ثانوية الملك عبدالعزيز", "ثانوية اليرموك", "الثانوية السابعة عشرة"];

pub const DIPLOMA_INSTITUTES: &[&str] = &["الكلية التقنية بالرياض", "معهد الإدارة العامة"];

pub const REJECTION_REASONS: &[&str] = &[
    "صورة الشهادة غير واضحة، يرجى إرفاق نسخة واضحة ومصدقة.",
    "لم تُرفق معادلة الشهادة الصادرة من وزارة التعليم.",
    "تاريخ التخرج في الطلب لا يطابق تاريخه في الشهادة.",
];

pub const TRANSACTION_SUBJECTS: &[&str] = &[
    "طلب إجازة اعتيادية",
    "طلب تعريف بالراتب",
    "طلب انتداب",
    "اعتراض على تقويم الأداء الوظيفي",
    "طلب صرف بدل تدريب",
    "طلب نقل خدمات",
];

pub const TRANSACTION_STEPS: &[&str] =
    &["لدى المدير المباشر", "لدى إدارة الموارد البشرية", "لدى الشؤون المالية"];

pub const HEALTH_FACILITIES: &[&str] = &[
    "مدينة الملك سعود الطبية",
    "مستشفى الملك فيصل التخصصي",
    "مستشفى الملك فهد العام بجدة",
    "مجمع الدمام الطبي",
    "مركز صحي الملز",
];

/// (kind is scholarship, title, provider, location).
pub const OPPORTUNITIES: &[(bool, &str, &str, &str)] = &[
    (false, "برنامج القيادات الإدارية الواعدة", "معهد الإدارة العامة", "الرياض"),
    (false, "أساسيات الأمن السيبراني", "الأكاديمية السعودية الرقمية", "عن بعد"),
    (false, "إدارة المشاريع الاحترافية", "معهد الإدارة العامة", "جدة"),
    (false, "تحليل البيانات باستخدام بايثون", "الأكاديمية السعودية الرقمية", "عن بعد"),
    (false, "إعداد الموازنات الحكومية", "معهد الإدارة العامة", "الرياض"),
    (false, "مهارات التواصل الإداري", "معهد الإدارة العامة", "الدمام"),
    (false, "نظام الخدمة المدنية ولوائحه", "وزارة الموارد البشرية والتنمية الاجتماعية", "الرياض"),
    (false, "التحول الرقمي في الجهات الحكومية", "هيئة الحكومة الرقمية", "عن بعد"),
    (true, "ماجستير الإدارة العامة", "جامعة الملك سعود", "الرياض"),
    (true, "ماجستير الأمن السيبراني", "جامعة مانشستر", "المملكة المتحدة"),
    (true, "دكتوراه السياسات العامة", "جامعة أوتاوا", "كندا"),
    (true, "دبلوم عالٍ في المراجعة الداخلية", "جامعة الملك عبدالعزيز", "جدة"),
];
