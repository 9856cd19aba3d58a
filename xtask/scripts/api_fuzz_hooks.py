"""Schemathesis hooks for api_fuzz.py: tus PATCH bodies (`application/offset+octet-stream`) are
raw bytes, serialized as Schemathesis serializes `application/octet-stream`."""

import schemathesis

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
