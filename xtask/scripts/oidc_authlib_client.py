"""Signs in to masar-server's built-in OpenID Connect provider with Authlib, a Python client the
project did not write, to show that a standard relying party completes the whole flow:
discovery, authorization with PKCE S256 (the provider's pages filled in as a browser would),
the code exchanged, the ID token verified against the JWKS (issuer, audience, nonce, expiry),
userinfo, Masar's API with the access token, a refresh, a revocation, and the revoked refresh
token refused. Usage: oidc_authlib_client.py SERVER_URL (a --demo server)."""

import json
import os
import re
import sys
import urllib.parse

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from joserfc import jwt
from joserfc.jwk import KeySet

# The demo server speaks plain http on the loopback interface; Authlib refuses http otherwise.
os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"

REDIRECT = "http://127.0.0.1:49153/callback"


def check(condition, what):
    if not condition:
        raise SystemExit(f"authlib client: {what}")


def browser_sign_in(base, authorization_url, account):
    """Fills in the provider's pages as the employee would; returns where it sends the browser."""
    browser = requests.Session()
    page = browser.get(authorization_url, allow_redirects=False)
    check(page.status_code == 200, f"the sign-in page answered {page.status_code}")
    request = re.search(r'name="request" value="([^"]+)"', page.text).group(1)
    form = {"request": request, "lang": "ar", "national_id": account["nationalId"], "password": account["password"]}
    code_page = browser.post(f"{base}/oidc/authorize/password", data=form, allow_redirects=False)
    check(code_page.status_code == 200, f"the password step answered {code_page.status_code}")
    messages = requests.get(f"{base}/v1/dev/sms", params={"national_id": account["nationalId"]}).json()
    code = re.search(r"\d{6}", messages[-1]["text"]).group(0)
    back = browser.post(f"{base}/oidc/authorize/code", data={"request": request, "lang": "ar", "code": code}, allow_redirects=False)
    check(back.status_code == 303, f"the code step answered {back.status_code}")
    return back.headers["Location"]


def main(base):
    account = requests.get(f"{base}/v1/dev/accounts").json()[0]
    discovery = requests.get(f"{base}/.well-known/openid-configuration").json()
    check(discovery["issuer"] == base, f"issuer {discovery['issuer']} is not {base}")

    session = OAuth2Session(
        client_id="masar-desktop",
        redirect_uri=REDIRECT,
        scope="openid",
        code_challenge_method="S256",
        token_endpoint_auth_method="none",
    )
    verifier = generate_token(64)
    nonce = generate_token(20)
    url, state = session.create_authorization_url(discovery["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    location = browser_sign_in(base, url, account)
    answer = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(location).query))
    check(answer.get("state") == state, "the state came back changed")
    check(answer.get("iss") == base, "no RFC 9207 iss in the answer")

    token = session.fetch_token(discovery["token_endpoint"], authorization_response=location, code_verifier=verifier)
    # joserfc (Authlib's own JOSE library) verifies the signature with the published keys.
    keys = KeySet.import_key_set(requests.get(discovery["jwks_uri"]).json())
    id_token = jwt.decode(token["id_token"], keys, algorithms=["ES256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": base},
        aud={"essential": True, "value": "masar-desktop"},
        nonce={"essential": True, "value": nonce},
        exp={"essential": True},
    ).validate(id_token.claims)
    claims = id_token.claims
    check(claims["sub"] == account["nationalId"], "the ID token names someone else")

    info = session.get(discovery["userinfo_endpoint"]).json()
    check(info["sub"] == account["nationalId"], "userinfo names someone else")
    record = session.get(f"{base}/v1/me/record")
    check(record.status_code == 200, f"the API answered {record.status_code} to the access token")
    check(record.json()["profile"]["nationalId"] == account["nationalId"], "the API gave another record")

    first_refresh = token["refresh_token"]
    rotated = session.refresh_token(discovery["token_endpoint"], refresh_token=first_refresh)
    check(rotated["refresh_token"] != first_refresh, "the refresh token did not rotate")
    revoked = session.revoke_token(discovery["revocation_endpoint"], token=rotated["refresh_token"], token_type_hint="refresh_token")
    check(revoked.status_code == 200, f"revocation answered {revoked.status_code}")
    try:
        session.refresh_token(discovery["token_endpoint"], refresh_token=rotated["refresh_token"])
    except OAuthError as error:
        check(error.error == "invalid_grant", f"a revoked refresh token gave {error.error}")
    else:
        raise SystemExit("authlib client: a revoked refresh token was accepted")
    print(json.dumps({"authlib": "signed in, verified the ID token, used the API, refreshed and revoked", "sub": claims["sub"]}))


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))
