#!/bin/sh
# In DIR: a certificate authority of its own (ca.crt, ca.key) and the certificate it signs for
# the IP address 127.0.0.1 only (server.crt, server.key), valid two days: for the tests' TLS
# (masar-server's own HTTPS, the throw-away PostgreSQL cluster). A client that checks the
# certificate against another name, or trusts another authority, refuses it.
# Usage: test_certificates.sh DIR
set -eu
cd "$1"
key="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
# shellcheck disable=SC2086
openssl req -x509 $key -days 2 -subj "/CN=Masar test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout ca.key -out ca.crt
# shellcheck disable=SC2086
openssl req $key -subj "/CN=127.0.0.1" -keyout server.key -out server.csr
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' > server.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.crt
chmod 600 server.key ca.key
