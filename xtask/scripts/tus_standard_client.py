"""Uploads a document to masar-server with tuspy, the tus project's own Python client, to show
that a standard tus 1.0.0 client can upload and resume (with sha1 chunk checksums) against our
server. Signs in as the first demo employee first. Usage: tus_standard_client.py SERVER_URL"""

import base64
import hashlib
import json
import re
import sys
import tempfile
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


def sign_in(base):
    _, accounts = call(f"{base}/v1/dev/accounts")
    account = accounts[0]
    _, challenge = call(f"{base}/v1/auth/login", {"nationalId": account["nationalId"], "password": account["password"]})
    _, messages = call(f"{base}/v1/dev/sms?national_id={account['nationalId']}")
    code = re.search(r"\d{6}", messages[-1]["text"]).group(0)
    _, tokens = call(f"{base}/v1/auth/verify", {"challengeId": challenge["challengeId"], "code": code})
    return tokens["accessToken"]


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
        client = tus_client.TusClient(f"{base}/v1/uploads", headers={"Authorization": f"Bearer {token}"})
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


if __name__ == "__main__":
    main()
