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
        crate::ops::ready::livez,
        crate::ops::ready::readyz,
        super::record::my_record,
        super::record::my_activity,
        super::record::opportunities,
        super::statements::statement_code,
        super::statements::verify_statement,
        super::vault_keys::vault_key,
        super::vault_keys::existing_vault_key,
        crate::imports::recipient,
        crate::imports::register_device,
        crate::imports::import_mine,
        crate::imports::resumable::create,
        crate::imports::import_for_employee,
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
        for (path, item) in &mut openapi.paths.paths {
            // The tus routes (OPTIONS aside: it needs no `Tus-Resumable`).
            let tus = path.starts_with("/v1/uploads");
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.head,
                &mut item.patch,
            ];
            if let Some(options) = item.options.as_mut() {
                document_refusals(options, false);
            }
            for operation in operations.into_iter().flatten() {
                if let Some(security) = operation.security.as_mut().filter(|s| !s.is_empty()) {
                    security.push(SecurityRequirement::new("openid", ["openid"]));
                }
                document_refusals(operation, tus);
            }
        }
    }
}

/// The refusals every route of a kind can answer, written once here rather than on each route:
/// without a valid token 401; a body that is not the JSON the route takes 400, or 415 when it
/// does not say it is JSON (`crate::extract`); a path naming nothing 404. Each in the API's error
/// shape, so a standard client (and the fuzzing in `cargo xtask test`) finds every answer here.
fn document_refusals(operation: &mut utoipa::openapi::path::Operation, tus: bool) {
    use utoipa::openapi::path::ParameterIn;
    let authenticated = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    let json_body = operation
        .request_body
        .as_ref()
        .is_some_and(|body| body.content.keys().any(|kind| kind.starts_with("application/json")));
    let in_query = operation
        .parameters
        .as_ref()
        .is_some_and(|parameters| parameters.iter().any(|p| p.parameter_in == ParameterIn::Query));
    let in_path = operation
        .parameters
        .as_ref()
        .is_some_and(|parameters| parameters.iter().any(|p| p.parameter_in == ParameterIn::Path));
    let mut add = |status: &str, description: &str| {
        if !operation.responses.responses.contains_key(status) {
            operation.responses.responses.insert(status.to_owned(), error_response(description));
        }
    };
    if authenticated {
        add(
            "401",
            "No access token, or one that is not valid (expired, another issuer or audience): sign in or refresh",
        );
    }
    if json_body {
        add("400", "The body is not the JSON this route takes (code `bad_request`)");
        add("415", "The body does not say it is JSON (`Content-Type: application/json`)");
    }
    if in_query {
        add("400", "The query string is not one this route takes (code `bad_request`)");
    }
    if in_path {
        add("404", "Nothing of this caller's under that name");
    }
    if tus {
        add(
            "412",
            "Not tus 1.0.0: `Tus-Resumable` missing or of another version (`Tus-Version` lists the one spoken)",
        );
    }
}

fn error_response(description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::Response> {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(Ref::from_schema_name("ApiErrorBody"))).build(),
        )
        .build()
        .into()
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
