#ifndef FESTIVALGATE_COPENSSL_SHIM_H
#define FESTIVALGATE_COPENSSL_SHIM_H

// Only libcrypto: FestivalGate needs ciphers, signatures, a CSPRNG and a KDF, never TLS.
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/crypto.h>

#endif
