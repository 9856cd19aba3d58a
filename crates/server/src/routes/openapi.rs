//! `GET /v1/openapi.json`: the API described in OpenAPI 3.1, generated from the same Rust types
//! and handlers the server runs (utoipa), so standard API tools and integrators can use it. A
//! test compares it with the committed `crates/server/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{
    HttpAuthScheme, HttpBuilder, OpenIdConnect, SecurityRequirement, SecurityScheme,
};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Masar API",
        description = "The Masar back end and identity provider that Masar Desktop talks to: sign-in \
            (password, then an SMS code; or an access token of the configured OpenID Connect issuer), the employee's record, sync of edits (exactly once), resumable uploads of documents (tus 1.0.0), HR.",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0"),
    ),
    paths(
        super::health::health,
        super::record::my_record,
        super::record::my_activity,
        super::record::opportunities,
        super::statements::statement_code,
        super::statements::verify_statement,
        super::vault_keys::vault_key,
        super::vault_keys::existing_vault_key,
        super::record::me,
        crate::sync::handlers::push_handler,
        crate::sync::handlers::pull_handler,
        super::hr::employee_record,
        super::hr::update_employment,
        super::hr::employee_activity,
        super::hr::qualifications,
        super::hr::decide,
        super::hr::attachment,
        super::training::applicants,
        super::training::decide_application,
        crate::uploads::handlers::options,
        crate::uploads::handlers::create,
        crate::uploads::handlers::head,
        crate::uploads::patch::patch,
        crate::uploads::handlers::terminate,
        crate::uploads::handlers::limits,
        super::dev::accounts,
        super::dev::sms,
        document,
    ),
    components(schemas(masar_protocol::ApiErrorCode, masar_protocol::auth::Role)),
    modifiers(&AccessToken),
    tags(
        (name = "service", description = "Health and this description"),
        (name = "records", description = "The signed-in employee's data"),
        (name = "sync", description = "Queued edits in, changes out"),
        (name = "hr", description = "HR officers only"),
        (name = "uploads", description = "Attached documents: resumable uploads in tus 1.0.0 (creation, checksum, termination, expiration)"),
        (name = "demo", description = "Demo servers only"),
    ),
)]
#[derive(Debug)]
pub struct ApiDoc;

/// A bearer access token: a JWT of the configured OpenID Connect issuer (`openid`: the built-in
/// provider by default, its discovery document at `/.well-known/openid-configuration`), for this
/// API as its audience. Both schemes name the same token: one as HTTP sends it, one as it is got.
#[derive(Debug)]
struct AccessToken;

impl Modify for AccessToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "access_token",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
            components.add_security_scheme(
                "openid",
                SecurityScheme::OpenIdConnect(OpenIdConnect::new("/.well-known/openid-configuration")),
            );
        }
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                if let Some(security) = operation.security.as_mut().filter(|s| !s.is_empty()) {
                    security.push(SecurityRequirement::new("openid", ["openid"]));
                }
            }
        }
    }
}

/// The description as the server publishes it.
pub fn document_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"))
}

#[utoipa::path(get, path = "/v1/openapi.json", tag = "service",
    responses((status = 200, description = "This API in OpenAPI 3.1", content_type = "application/json")))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
