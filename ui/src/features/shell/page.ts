/** The sections of the app that work in this version. */
export type Page = "overview" | "personal" | "employment" | "contact" | "career" | "sick" | "transactions" | "opportunities" | "qualifications" | "outgoing" | "review" | "hr" | "training" | "activity" | "settings";
