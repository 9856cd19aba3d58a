"""Fuzzes masar-server's API against its own OpenAPI description with Schemathesis, a tool the
project did not write: signed in as the demo's HR officer (who is also an employee, so both
kinds of route are reached), every operation gets generated requests, valid and invalid, and the
run fails on a server error, a status or content type the description does not list, or a body
that breaks its schema. Usage: api_fuzz.py SERVER_URL EXAMPLES (a --demo server)."""

import os
import subprocess
import sys
import urllib.parse

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oidc_authlib_client import REDIRECT, browser_sign_in  # noqa: E402

os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def access_token(base):
    accounts = requests.get(f"{base}/v1/dev/accounts").json()
    officer = next(a for a in accounts if a["role"] == "hr_officer")
    discovery = requests.get(f"{base}/.well-known/openid-configuration").json()
    session = OAuth2Session(client_id="masar-desktop", redirect_uri=REDIRECT, scope="openid",
                            code_challenge_method="S256", token_endpoint_auth_method="none")
    verifier = generate_token(64)
    url, _ = session.create_authorization_url(discovery["authorization_endpoint"], code_verifier=verifier,
                                              nonce=generate_token(20))
    location = browser_sign_in(base, url, officer)
    return session.fetch_token(discovery["token_endpoint"], authorization_response=location,
                               code_verifier=verifier)["access_token"]


def main(base, examples):
    token = access_token(base)
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{base}/v1/openapi.json",
        "--url", base,
        "--header", f"Authorization: Bearer {token}",
        "--checks", CHECKS,
        "--max-examples", examples,
        "--phases", "examples,coverage,fuzzing",
        "--seed", "1448",
        "--workers", "2",
        "--no-color",
    ]
    shown = [part if not part.startswith("Authorization") else "Authorization: Bearer …" for part in command]
    print(" ".join(shown[2:]), flush=True)
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, SCHEMATHESIS_HOOKS="api_fuzz_hooks",
               PYTHONPATH=os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")])))
    sys.exit(subprocess.run(command, env=env).returncode)


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2] if len(sys.argv) > 2 else "40")
