#!/usr/bin/env bash
# certs.sh DIR: a development certificate authority for the cluster's mutual TLS, and one certificate
# it signed for silos and gateways (server and client authentication), in DIR:
#   ca.crt, ca.key    the authority (kept to sign more; never give ca.key to a process)
#   tls.crt, tls.key  the members' certificate and key (the names a Kubernetes TLS Secret uses)
# What exists is kept, so running it again changes nothing. For production, issue these from your
# own authority (cert-manager, your PKI) instead: the processes only need ca.crt, tls.crt and tls.key.
set -euo pipefail
dir="${1:?usage: certs.sh DIR}"
command -v openssl >/dev/null || { echo "openssl is required: sudo apt-get install -y openssl" >&2; exit 1; }
mkdir -p "$dir"
umask 077
cd "$dir"
if [ ! -f ca.crt ] || [ ! -f ca.key ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
    -subj "/CN=Actors cluster development CA" -keyout ca.key -out ca.crt \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi
if [ ! -f tls.crt ] || [ ! -f tls.key ]; then
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=actors-cluster-member" \
    -keyout tls.key -out tls.csr 2>/dev/null
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=DNS:actors-cluster-member,IP:127.0.0.1" > member.ext
  openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 -extfile member.ext -out tls.crt 2>/dev/null
  rm -f tls.csr member.ext ca.srl
fi
chmod 600 ca.key tls.key
chmod 644 ca.crt tls.crt
