"""Uploads a document to masar-server with tuspy, the tus project's own Python client, to show
that a standard tus 1.0.0 client can upload and resume (with sha1 chunk checksums) against our
server. Signs in as the first demo employee first, at the built-in OpenID Connect provider. Usage: tus_standard_client.py SERVER_URL"""

import base64
import hashlib
import http.cookiejar
import json
import re
import secrets
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

from tusclient import client as tus_client


def call(url, data=None, token=None, method=None):
    request = urllib.request.Request(url, method=method)
    if data is not None:
        request.data = json.dumps(data).encode()
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request) as answer:
        body = answer.read()
        return answer, (json.loads(body) if body else None)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """The provider sends the browser back to the client's loopback address: read it, do not go."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def sign_in(base):
    """Signs in as a standard public client does at the built-in OpenID Connect provider: the
    authorization code with PKCE S256, the provider's pages filled in as a browser would (its
    cookie kept), the code from the demo phone, the code exchanged for an access token."""
    _, accounts = call(f"{base}/v1/dev/accounts")
    account = accounts[0]
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
    )
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect = "http://127.0.0.1:9/callback"
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": "masar-desktop", "redirect_uri": redirect, "scope": "openid",
        "state": secrets.token_hex(8), "code_challenge": challenge, "code_challenge_method": "S256",
    })
    page = browser.open(f"{base}/oidc/authorize?{query}").read().decode()
    request = re.search(r'name="request" value="([^"]+)"', page).group(1)

    def post(path, fields):
        try:
            return browser.open(f"{base}{path}", urllib.parse.urlencode(fields).encode())
        except urllib.error.HTTPError as answer:
            return answer

    post("/oidc/authorize/password", {"request": request, "lang": "en",
                                      "national_id": account["nationalId"], "password": account["password"]})
    _, messages = call(f"{base}/v1/dev/sms?national_id={account['nationalId']}")
    code = re.search(r"\d{6}", messages[-1]["text"]).group(0)
    back = post("/oidc/authorize/code", {"request": request, "lang": "en", "code": code})
    assert back.getcode() == 303, back.getcode()
    location = urllib.parse.urlparse(back.headers["Location"])
    authorization_code = urllib.parse.parse_qs(location.query)["code"][0]
    exchange = urllib.parse.urlencode({
        "grant_type": "authorization_code", "code": authorization_code, "redirect_uri": redirect,
        "client_id": "masar-desktop", "code_verifier": verifier,
    }).encode()
    with urllib.request.urlopen(f"{base}/oidc/token", exchange) as answer:
        return json.loads(answer.read())["access_token"]


def document(size):
    """A PDF-looking file of about `size` bytes, built in one pass (the running length is kept)."""
    head = b"%PDF-1.7\n% uploaded by tuspy\n"
    filler = b"% filler line\n"
    count = max(0, -(-(size - 16 - len(head)) // len(filler)))
    return head + filler * count + b"%%EOF\n"


def main():
    base = sys.argv[1].rstrip("/")
    token = sign_in(base)
    content = document(1_500_000)
    digest = hashlib.sha256(content).hexdigest()
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(content)
        file.flush()
        # The creation URL with a trailing slash, as tus clients are often configured.
        client = tus_client.TusClient(f"{base}/v1/uploads/", headers={"Authorization": f"Bearer {token}"})
        metadata = {"filename": "شهادة.pdf", "filetype": "application/pdf", "sha256": digest}
        uploader = client.uploader(file.name, chunk_size=256 * 1024, metadata=metadata, upload_checksum=True)
        # Two chunks, then a new uploader resumes from the server's offset (HEAD), as after a crash.
        uploader.upload_chunk()
        uploader.upload_chunk()
        url = uploader.url
        resumed = client.uploader(file.name, url=url, chunk_size=256 * 1024, upload_checksum=True)
        if resumed.offset != 512 * 1024:
            sys.exit(f"resumed at {resumed.offset}, expected {512 * 1024}")
        resumed.upload()
    request = urllib.request.Request(url, method="HEAD")
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Tus-Resumable", "1.0.0")
    with urllib.request.urlopen(request) as head:
        offset = int(head.headers["Upload-Offset"])
    if offset != len(content):
        sys.exit(f"the server stands at {offset} of {len(content)}")
    print(f"tuspy uploaded {len(content)} bytes in 256 KiB chunks with sha1 checksums and resumed after 2 chunks")
    import_upload(base, token)


def import_upload(base, token):
    """A sealed export's upload through the same standard client, then the import naming it: a
    file that begins as an age file but is not one sealed to this server is refused as damaged
    (or not sealed), and the upload is gone after."""
    content = b"age-encryption.org/v1\n-> X25519 not-a-real-stanza\n" + bytes(range(256)) * 2048
    with tempfile.NamedTemporaryFile(suffix=".masar") as file:
        file.write(content)
        file.flush()
        client = tus_client.TusClient(f"{base}/v1/imports/uploads/", headers={"Authorization": f"Bearer {token}"})
        uploader = client.uploader(file.name, chunk_size=128 * 1024, metadata={"filename": "نقل.masar"})
        uploader.upload()
        url = uploader.url
    upload_id = url.rstrip("/").rsplit("/", 1)[-1]
    request = urllib.request.Request(f"{base}/v1/imports?upload={upload_id}", data=b"", method="POST")
    request.add_header("Authorization", f"Bearer {token}")
    try:
        urllib.request.urlopen(request)
        sys.exit("a file that is not a sealed export was imported")
    except urllib.error.HTTPError as answer:
        body = json.loads(answer.read())
        if answer.code != 422 or body.get("importProblem") not in ("damaged", "not_sealed", "other_server", "bad_format"):
            sys.exit(f"the import answered {answer.code} {body}")
    head = urllib.request.Request(url, method="HEAD")
    head.add_header("Authorization", f"Bearer {token}")
    head.add_header("Tus-Resumable", "1.0.0")
    try:
        urllib.request.urlopen(head)
        sys.exit("the imported upload is still there")
    except urllib.error.HTTPError as answer:
        if answer.code != 404:
            sys.exit(f"HEAD of the imported upload answered {answer.code}")
    print(f"tuspy sent a {len(content)}-byte file to /v1/imports/uploads/; its import was refused as {body['importProblem']} and the upload removed")


if __name__ == "__main__":
    main()
