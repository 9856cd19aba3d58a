/** The sections of the app that work in this version. */
export type Page = "overview" | "personal" | "employment" | "contact" | "career" | "sick" | "transactions" | "opportunities" | "qualifications" | "review" | "hr" | "training" | "activity" | "settings";
