/**
 * OpenSSL 3 (libssl and libcrypto): the symbol tables, with each C
 * prototype above its entry, and the libraries loaded on first use, so
 * that importing the module never needs OpenSSL. Opened through this
 * runtime's backend, as libc is.
 *
 * Conventions as in `symbols.ts`: lengths (`size_t`, `int`) are declared
 * `u32`/`i32` (callers cap them below 2 GiB); OpenSSL's `long` and
 * `unsigned long` (`SSL_ctrl`, `SSL_CTX_ctrl`, `BIO_ctrl`,
 * `SSL_get_verify_result`, `ERR_get_error`) are 64-bit on LP64 and declared
 * `i64`/`u64` (BigInt). Many OpenSSL "functions" are macros over
 * `SSL_ctrl`/`SSL_CTX_ctrl`/`BIO_ctrl`: {@linkcode CTRL} holds their numbers.
 *
 * @module
 */
import { backend } from "./backend.ts";
import { os } from "./runtime.ts";
import type { Bound, SymbolSpec, SymbolTable } from "./types.ts";

/** libssl's functions. */
export const sslSymbols = {
  // int OPENSSL_init_ssl(uint64_t opts, const OPENSSL_INIT_SETTINGS *settings);
  OPENSSL_init_ssl: { parameters: ["u64", "pointer"], result: "i32" },
  // const SSL_METHOD *DTLS_client_method(void);
  DTLS_client_method: { parameters: [], result: "pointer" },
  // const SSL_METHOD *DTLS_server_method(void);
  DTLS_server_method: { parameters: [], result: "pointer" },
  // uint64_t SSL_set_options(SSL *s, uint64_t op);
  SSL_set_options: { parameters: ["pointer", "u64"], result: "u64" },
  // void SSL_CTX_set_cookie_generate_cb(SSL_CTX *ctx, int (*cb)(SSL *ssl, unsigned char *cookie, unsigned int *cookie_len));
  SSL_CTX_set_cookie_generate_cb: { parameters: ["pointer", "pointer"], result: "void" },
  // void SSL_CTX_set_cookie_verify_cb(SSL_CTX *ctx, int (*cb)(SSL *ssl, const unsigned char *cookie, unsigned int cookie_len));
  SSL_CTX_set_cookie_verify_cb: { parameters: ["pointer", "pointer"], result: "void" },
  // const SSL_METHOD *TLS_client_method(void);
  TLS_client_method: { parameters: [], result: "pointer" },
  // const SSL_METHOD *TLS_server_method(void);
  TLS_server_method: { parameters: [], result: "pointer" },
  // SSL_CTX *SSL_CTX_new(const SSL_METHOD *method);
  SSL_CTX_new: { parameters: ["pointer"], result: "pointer" },
  // void SSL_CTX_free(SSL_CTX *ctx);
  SSL_CTX_free: { parameters: ["pointer"], result: "void" },
  // void SSL_CTX_set_verify(SSL_CTX *ctx, int mode, SSL_verify_cb verify_callback);
  SSL_CTX_set_verify: { parameters: ["pointer", "i32", "pointer"], result: "void" },
  // long SSL_CTX_ctrl(SSL_CTX *ctx, int cmd, long larg, void *parg);
  SSL_CTX_ctrl: { parameters: ["pointer", "i32", "i64", "pointer"], result: "i64" },
  // int SSL_CTX_set_cipher_list(SSL_CTX *ctx, const char *str);
  SSL_CTX_set_cipher_list: { parameters: ["pointer", "buffer"], result: "i32" },
  // int SSL_CTX_set_ciphersuites(SSL_CTX *ctx, const char *str);
  SSL_CTX_set_ciphersuites: { parameters: ["pointer", "buffer"], result: "i32" },
  // int SSL_CTX_load_verify_locations(SSL_CTX *ctx, const char *CAfile, const char *CApath);
  SSL_CTX_load_verify_locations: { parameters: ["pointer", "buffer", "buffer"], result: "i32" },
  // int SSL_CTX_set_default_verify_paths(SSL_CTX *ctx);
  SSL_CTX_set_default_verify_paths: { parameters: ["pointer"], result: "i32" },
  // X509_STORE *SSL_CTX_get_cert_store(const SSL_CTX *ctx);
  SSL_CTX_get_cert_store: { parameters: ["pointer"], result: "pointer" },
  // int SSL_CTX_use_certificate(SSL_CTX *ctx, X509 *x);
  SSL_CTX_use_certificate: { parameters: ["pointer", "pointer"], result: "i32" },
  // int SSL_CTX_use_PrivateKey(SSL_CTX *ctx, EVP_PKEY *pkey);
  SSL_CTX_use_PrivateKey: { parameters: ["pointer", "pointer"], result: "i32" },
  // int SSL_CTX_check_private_key(const SSL_CTX *ctx);
  SSL_CTX_check_private_key: { parameters: ["pointer"], result: "i32" },
  // SSL *SSL_new(SSL_CTX *ctx);
  SSL_new: { parameters: ["pointer"], result: "pointer" },
  // void SSL_free(SSL *ssl);
  SSL_free: { parameters: ["pointer"], result: "void" },
  // void SSL_set_bio(SSL *ssl, BIO *rbio, BIO *wbio);
  SSL_set_bio: { parameters: ["pointer", "pointer", "pointer"], result: "void" },
  // void SSL_set_connect_state(SSL *ssl);
  SSL_set_connect_state: { parameters: ["pointer"], result: "void" },
  // void SSL_set_accept_state(SSL *ssl);
  SSL_set_accept_state: { parameters: ["pointer"], result: "void" },
  // int SSL_do_handshake(SSL *ssl);
  SSL_do_handshake: { parameters: ["pointer"], result: "i32" },
  // int SSL_is_init_finished(const SSL *s);
  SSL_is_init_finished: { parameters: ["pointer"], result: "i32" },
  // int SSL_read_ex(SSL *ssl, void *buf, size_t num, size_t *readbytes);
  SSL_read_ex: { parameters: ["pointer", "buffer", "u32", "buffer"], result: "i32" },
  // int SSL_write_ex(SSL *s, const void *buf, size_t num, size_t *written);
  SSL_write_ex: { parameters: ["pointer", "buffer", "u32", "buffer"], result: "i32" },
  // int SSL_get_error(const SSL *ssl, int ret);
  SSL_get_error: { parameters: ["pointer", "i32"], result: "i32" },
  // int SSL_pending(const SSL *ssl);
  SSL_pending: { parameters: ["pointer"], result: "i32" },
  // int SSL_has_pending(const SSL *s);
  SSL_has_pending: { parameters: ["pointer"], result: "i32" },
  // int SSL_shutdown(SSL *ssl);
  SSL_shutdown: { parameters: ["pointer"], result: "i32" },
  // int SSL_get_shutdown(const SSL *ssl);
  SSL_get_shutdown: { parameters: ["pointer"], result: "i32" },
  // long SSL_ctrl(SSL *ssl, int cmd, long larg, void *parg);   (parg: a C string here)
  SSL_ctrl: { parameters: ["pointer", "i32", "i64", "buffer"], result: "i64" },
  // int SSL_set1_host(SSL *s, const char *hostname);
  SSL_set1_host: { parameters: ["pointer", "buffer"], result: "i32" },
  // void SSL_set_hostflags(SSL *s, unsigned int flags);
  SSL_set_hostflags: { parameters: ["pointer", "u32"], result: "void" },
  // X509_VERIFY_PARAM *SSL_get0_param(SSL *ssl);
  SSL_get0_param: { parameters: ["pointer"], result: "pointer" },
  // X509 *SSL_get1_peer_certificate(const SSL *ssl);
  SSL_get1_peer_certificate: { parameters: ["pointer"], result: "pointer" },
  // long SSL_get_verify_result(const SSL *ssl);
  SSL_get_verify_result: { parameters: ["pointer"], result: "i64" },
  // const char *SSL_get_version(const SSL *ssl);
  SSL_get_version: { parameters: ["pointer"], result: "pointer" },
  // const SSL_CIPHER *SSL_get_current_cipher(const SSL *ssl);
  SSL_get_current_cipher: { parameters: ["pointer"], result: "pointer" },
  // const char *SSL_CIPHER_get_name(const SSL_CIPHER *cipher);
  SSL_CIPHER_get_name: { parameters: ["pointer"], result: "pointer" },
  // int SSL_CIPHER_get_bits(const SSL_CIPHER *c, int *alg_bits);
  SSL_CIPHER_get_bits: { parameters: ["pointer", "buffer"], result: "i32" },
  // const char *SSL_CIPHER_standard_name(const SSL_CIPHER *c);
  SSL_CIPHER_standard_name: { parameters: ["pointer"], result: "pointer" },
  // STACK_OF(SSL_CIPHER) *SSL_CTX_get_ciphers(const SSL_CTX *ctx);
  SSL_CTX_get_ciphers: { parameters: ["pointer"], result: "pointer" },
  // int SSL_CTX_set_alpn_protos(SSL_CTX *ctx, const unsigned char *protos, unsigned int protos_len);
  // (returns 0 on success)
  SSL_CTX_set_alpn_protos: { parameters: ["pointer", "buffer", "u32"], result: "i32" },
  // void SSL_CTX_set_alpn_select_cb(SSL_CTX *ctx, SSL_CTX_alpn_select_cb_func cb, void *arg);
  SSL_CTX_set_alpn_select_cb: { parameters: ["pointer", "pointer", "pointer"], result: "void" },
  // void SSL_get0_alpn_selected(const SSL *ssl, const unsigned char **data, unsigned int *len);
  SSL_get0_alpn_selected: { parameters: ["pointer", "buffer", "buffer"], result: "void" },
} as const satisfies SymbolTable;

/** libcrypto's functions. */
export const cryptoSymbols = {
  // const BIO_METHOD *BIO_s_mem(void);
  BIO_s_mem: { parameters: [], result: "pointer" },
  // BIO *BIO_new(const BIO_METHOD *type);
  BIO_new: { parameters: ["pointer"], result: "pointer" },
  // int BIO_get_new_index(void);
  BIO_get_new_index: { parameters: [], result: "i32" },
  // BIO_METHOD *BIO_meth_new(int type, const char *name);
  BIO_meth_new: { parameters: ["i32", "buffer"], result: "pointer" },
  // int BIO_meth_set_write(BIO_METHOD *biom, int (*write)(BIO *, const char *, int));
  BIO_meth_set_write: { parameters: ["pointer", "pointer"], result: "i32" },
  // int BIO_meth_set_ctrl(BIO_METHOD *biom, long (*ctrl)(BIO *, int, long, void *));
  BIO_meth_set_ctrl: { parameters: ["pointer", "pointer"], result: "i32" },
  // void BIO_set_init(BIO *a, int init);
  BIO_set_init: { parameters: ["pointer", "i32"], result: "void" },
  // const EVP_MD *EVP_sha256(void);
  EVP_sha256: { parameters: [], result: "pointer" },
  // unsigned char *HMAC(const EVP_MD *evp_md, const void *key, int key_len,
  //                     const unsigned char *d, size_t n, unsigned char *md, unsigned int *md_len);
  HMAC: { parameters: ["pointer", "buffer", "i32", "buffer", "u64", "buffer", "buffer"], result: "pointer" },
  // int BIO_free(BIO *a);
  BIO_free: { parameters: ["pointer"], result: "i32" },
  // BIO *BIO_new_mem_buf(const void *buf, int len);   (no copy: the buffer must outlive the BIO)
  BIO_new_mem_buf: { parameters: ["buffer", "i32"], result: "pointer" },
  // BIO *BIO_new_file(const char *filename, const char *mode);
  BIO_new_file: { parameters: ["buffer", "buffer"], result: "pointer" },
  // int BIO_read_ex(BIO *b, void *data, size_t dlen, size_t *readbytes);
  BIO_read_ex: { parameters: ["pointer", "buffer", "u32", "buffer"], result: "i32" },
  // int BIO_write_ex(BIO *b, const void *data, size_t dlen, size_t *written);
  BIO_write_ex: { parameters: ["pointer", "buffer", "u32", "buffer"], result: "i32" },
  // long BIO_ctrl(BIO *bp, int cmd, long larg, void *parg);
  BIO_ctrl: { parameters: ["pointer", "i32", "i64", "pointer"], result: "i64" },
  // size_t BIO_ctrl_pending(BIO *b);
  // Declared u32 (the low half of the size_t): a memory BIO here never holds 4 GiB, and a
  // 64-bit result would be a BigInt on every call of the TLS hot path.
  BIO_ctrl_pending: { parameters: ["pointer"], result: "u32" },
  // X509 *PEM_read_bio_X509(BIO *bp, X509 **x, pem_password_cb *cb, void *u);
  PEM_read_bio_X509: { parameters: ["pointer", "pointer", "pointer", "pointer"], result: "pointer" },
  // EVP_PKEY *PEM_read_bio_PrivateKey(BIO *bp, EVP_PKEY **x, pem_password_cb *cb, void *u);
  // (u: the password; an empty string, never NULL, so that OpenSSL never prompts on the TTY)
  PEM_read_bio_PrivateKey: { parameters: ["pointer", "pointer", "pointer", "buffer"], result: "pointer" },
  // X509 *d2i_X509_bio(BIO *bp, X509 **x509);
  d2i_X509_bio: { parameters: ["pointer", "pointer"], result: "pointer" },
  // EVP_PKEY *d2i_PrivateKey_bio(BIO *bp, EVP_PKEY **a);
  d2i_PrivateKey_bio: { parameters: ["pointer", "pointer"], result: "pointer" },
  // int i2d_X509_bio(BIO *bp, const X509 *x509);
  i2d_X509_bio: { parameters: ["pointer", "pointer"], result: "i32" },
  // void X509_free(X509 *a);
  X509_free: { parameters: ["pointer"], result: "void" },
  // void EVP_PKEY_free(EVP_PKEY *key);
  EVP_PKEY_free: { parameters: ["pointer"], result: "void" },
  // int X509_STORE_add_cert(X509_STORE *xs, X509 *x);
  X509_STORE_add_cert: { parameters: ["pointer", "pointer"], result: "i32" },
  // int X509_VERIFY_PARAM_set1_ip_asc(X509_VERIFY_PARAM *param, const char *ipasc);
  X509_VERIFY_PARAM_set1_ip_asc: { parameters: ["pointer", "buffer"], result: "i32" },
  // const char *X509_verify_cert_error_string(long n);
  X509_verify_cert_error_string: { parameters: ["i64"], result: "pointer" },
  // unsigned long ERR_get_error(void);
  ERR_get_error: { parameters: [], result: "u64" },
  // void ERR_clear_error(void);
  ERR_clear_error: { parameters: [], result: "void" },
  // void ERR_error_string_n(unsigned long e, char *buf, size_t len);
  ERR_error_string_n: { parameters: ["u64", "buffer", "u32"], result: "void" },
  // const char *ERR_reason_error_string(unsigned long e);
  ERR_reason_error_string: { parameters: ["u64"], result: "pointer" },
  // const char *ERR_lib_error_string(unsigned long e);
  ERR_lib_error_string: { parameters: ["u64"], result: "pointer" },
  // int OPENSSL_sk_num(const OPENSSL_STACK *st);
  OPENSSL_sk_num: { parameters: ["pointer"], result: "i32" },
  // void *OPENSSL_sk_value(const OPENSSL_STACK *st, int i);
  OPENSSL_sk_value: { parameters: ["pointer", "i32"], result: "pointer" },
  // const char *OpenSSL_version(int type);
  OpenSSL_version: { parameters: ["i32"], result: "pointer" },
  // unsigned long OpenSSL_version_num(void);
  OpenSSL_version_num: { parameters: [], result: "u64" },
} as const satisfies SymbolTable;

/**
 * The ALPN selection callback's C type (`SSL_CTX_alpn_select_cb_func`):
 * `int cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
 * const unsigned char *in, unsigned int inlen, void *arg)`; returns
 * `SSL_TLSEXT_ERR_OK` (0) or `SSL_TLSEXT_ERR_NOACK` (3).
 */
export const alpnSelectCallback = {
  parameters: ["pointer", "pointer", "pointer", "pointer", "u32", "pointer"],
  result: "i32",
} as const satisfies SymbolSpec;

/** `int write(BIO *b, const char *data, int len)` of a BIO method: the count taken, or -1. */
export const bioWriteCallback = {
  parameters: ["pointer", "pointer", "i32"],
  result: "i32",
} as const satisfies SymbolSpec;

/** `long ctrl(BIO *b, int cmd, long num, void *ptr)` of a BIO method. */
export const bioCtrlCallback = {
  parameters: ["pointer", "i32", "i64", "pointer"],
  result: "i64",
} as const satisfies SymbolSpec;

/** `int generate(SSL *ssl, unsigned char *cookie, unsigned int *cookie_len)`: 1 when made. */
export const cookieGenerateCallback = {
  parameters: ["pointer", "pointer", "pointer"],
  result: "i32",
} as const satisfies SymbolSpec;

/** `int verify(SSL *ssl, const unsigned char *cookie, unsigned int cookie_len)`: 1 when valid. */
export const cookieVerifyCallback = {
  parameters: ["pointer", "pointer", "u32"],
  result: "i32",
} as const satisfies SymbolSpec;

/** The numbers of the OpenSSL macros this module calls through `SSL_ctrl`, `SSL_CTX_ctrl` and `BIO_ctrl`. */
export const CTRL = {
  /** `SSL_CTX_set_mode` / `SSL_set_mode` (ssl.h). */
  SET_MODE: 33,
  /** `SSL_CTX_add_extra_chain_cert` (takes ownership of the X509). */
  EXTRA_CHAIN_CERT: 14,
  /** `SSL_set_tlsext_host_name` (tls1.h): SNI. */
  SET_TLSEXT_HOSTNAME: 55,
  /** `SSL_CTX_set_min_proto_version`. */
  SET_MIN_PROTO_VERSION: 123,
  /** `SSL_CTX_set_max_proto_version`. */
  SET_MAX_PROTO_VERSION: 124,
  /** `SSL_CTX_get_min_proto_version`. */
  GET_MIN_PROTO_VERSION: 130,
  /** `SSL_CTX_get_max_proto_version`. */
  GET_MAX_PROTO_VERSION: 131,
  /** `SSL_set_mtu` (ssl.h): the DTLS record layer's MTU. */
  SET_MTU: 17,
  /** `DTLSv1_get_timeout` (ssl.h): the time left on the retransmission timer into a `struct timeval`; 1 if it runs. */
  DTLS_GET_TIMEOUT: 73,
  /** `DTLSv1_handle_timeout`: retransmits when the timer has expired; 1 done, 0 not yet, -1 given up. */
  DTLS_HANDLE_TIMEOUT: 74,
  /** `DTLS_set_link_mtu`: the path MTU (less the BIO's overhead, ctrl 49). */
  DTLS_SET_LINK_MTU: 120,
  /** `BIO_set_mem_eof_return` (bio.h). */
  BIO_C_SET_BUF_MEM_EOF_RETURN: 130,
} as const;

/** The file names tried for libssl and libcrypto, in order. */
export const sslPaths: { readonly ssl: readonly string[]; readonly crypto: readonly string[] } = os === "darwin"
  ? {
    ssl: [
      "/opt/homebrew/opt/openssl@3/lib/libssl.3.dylib",
      "/usr/local/opt/openssl@3/lib/libssl.3.dylib",
      "libssl.3.dylib",
    ],
    crypto: [
      "/opt/homebrew/opt/openssl@3/lib/libcrypto.3.dylib",
      "/usr/local/opt/openssl@3/lib/libcrypto.3.dylib",
      "libcrypto.3.dylib",
    ],
  }
  : {
    ssl: [
      "libssl.so.3",
      "/usr/lib/x86_64-linux-gnu/libssl.so.3",
      "/usr/lib/aarch64-linux-gnu/libssl.so.3",
      "/usr/lib64/libssl.so.3",
      "/usr/lib/libssl.so.3",
      "/lib/libssl.so.3",
    ],
    crypto: [
      "libcrypto.so.3",
      "/usr/lib/x86_64-linux-gnu/libcrypto.so.3",
      "/usr/lib/aarch64-linux-gnu/libcrypto.so.3",
      "/usr/lib64/libcrypto.so.3",
      "/usr/lib/libcrypto.so.3",
      "/lib/libcrypto.so.3",
    ],
  };

/** OpenSSL 3's functions used by the ssl module: libssl's and libcrypto's. */
export type LibSsl = Bound<typeof sslSymbols> & Bound<typeof cryptoSymbols>;

let loaded: LibSsl | undefined;

/**
 * OpenSSL, loaded on the first call (per thread) and initialised with
 * `OPENSSL_init_ssl(0, NULL)`. Throws an error naming every path tried when
 * libssl or libcrypto cannot be loaded.
 */
export function libssl(): LibSsl {
  if (loaded === undefined) {
    const crypto = backend.open(cryptoSymbols, sslPaths.crypto);
    const ssl = backend.open(sslSymbols, sslPaths.ssl);
    if (ssl.OPENSSL_init_ssl(0n, null) !== 1) throw new Error("usocket: OPENSSL_init_ssl failed");
    loaded = { ...crypto, ...ssl };
  }
  return loaded;
}
