/*
 * The TLS half of the C peer and client (bench/c/peer.c, bench/c/client.c),
 * built in when WITH_TLS is defined: OpenSSL 3 over the descriptor (its
 * socket BIO), blocking, as a C program would use it.
 *
 * OpenSSL's own headers are used when they are installed (libssl-dev);
 * without them, the few prototypes below (the ABI of libssl.so.3 and
 * libcrypto.so.3, which every Debian machine has) let the benchmark build
 * against the runtime libraries alone: cc ... -l:libssl.so.3 -l:libcrypto.so.3.
 *
 * What both sides negotiate, every row alike: TLS 1.3 only,
 * TLS_AES_128_GCM_SHA256 (the peer allows no other suite), the library's
 * default key exchange (X25519), the peer's certificate as given (the runner
 * makes an ECDSA P-256 one), no session tickets.
 */
#ifndef USOCKET_BENCH_TLS_H
#define USOCKET_BENCH_TLS_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#if defined(__has_include)
#if __has_include(<openssl/ssl.h>)
#define HAVE_OPENSSL_HEADERS 1
#endif
#endif

#ifdef HAVE_OPENSSL_HEADERS
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#else
typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_method_st SSL_METHOD;
typedef struct X509_VERIFY_PARAM_st X509_VERIFY_PARAM;
const SSL_METHOD *TLS_server_method(void);
const SSL_METHOD *TLS_client_method(void);
SSL_CTX *SSL_CTX_new(const SSL_METHOD *method);
long SSL_CTX_ctrl(SSL_CTX *ctx, int cmd, long larg, void *parg);
int SSL_CTX_set_ciphersuites(SSL_CTX *ctx, const char *str);
int SSL_CTX_set_num_tickets(SSL_CTX *ctx, size_t num_tickets);
int SSL_CTX_use_certificate_chain_file(SSL_CTX *ctx, const char *file);
int SSL_CTX_use_PrivateKey_file(SSL_CTX *ctx, const char *file, int type);
int SSL_CTX_load_verify_locations(SSL_CTX *ctx, const char *CAfile, const char *CApath);
void SSL_CTX_set_verify(SSL_CTX *ctx, int mode, void *callback);
SSL *SSL_new(SSL_CTX *ctx);
void SSL_free(SSL *ssl);
int SSL_set_fd(SSL *ssl, int fd);
int SSL_accept(SSL *ssl);
int SSL_connect(SSL *ssl);
int SSL_read(SSL *ssl, void *buf, int num);
int SSL_write(SSL *ssl, const void *buf, int num);
int SSL_shutdown(SSL *ssl);
int SSL_get_error(const SSL *ssl, int ret);
X509_VERIFY_PARAM *SSL_get0_param(SSL *ssl);
int X509_VERIFY_PARAM_set1_ip_asc(X509_VERIFY_PARAM *param, const char *ipasc);
void ERR_print_errors_fp(FILE *fp);
#define SSL_FILETYPE_PEM 1
#define SSL_VERIFY_PEER 0x01
#define SSL_ERROR_ZERO_RETURN 6
#define SSL_CTRL_SET_MIN_PROTO_VERSION 123
#define TLS1_3_VERSION 0x0304
#define SSL_CTX_set_min_proto_version(ctx, v) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, v, NULL)
#endif

static inline void tls_die(const char *what) {
  fprintf(stderr, "%s failed\n", what);
  ERR_print_errors_fp(stderr);
  exit(2);
}

/* The peer's context: its certificate chain and key (PEM files). */
static inline SSL_CTX *tls_server_ctx(const char *cert, const char *key) {
  signal(SIGPIPE, SIG_IGN); /* OpenSSL's socket BIO writes with write(2) */
  SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) tls_die("SSL_CTX_new");
  SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
  if (SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256") != 1) tls_die("SSL_CTX_set_ciphersuites");
  SSL_CTX_set_num_tickets(ctx, 0);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) tls_die("SSL_CTX_use_certificate_chain_file");
  if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) tls_die("SSL_CTX_use_PrivateKey_file");
  return ctx;
}

/* The client's context: verifies the peer against the CA file. */
static inline SSL_CTX *tls_client_ctx(const char *cafile) {
  signal(SIGPIPE, SIG_IGN);
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) tls_die("SSL_CTX_new");
  SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
  if (SSL_CTX_load_verify_locations(ctx, cafile, NULL) != 1) tls_die("SSL_CTX_load_verify_locations");
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  return ctx;
}

/* A TLS client connection over the connected descriptor fd: handshake done, the peer's IP checked. */
static inline SSL *tls_connect(SSL_CTX *ctx, int fd, const char *ip) {
  SSL *ssl = SSL_new(ctx);
  if (!ssl || SSL_set_fd(ssl, fd) != 1) tls_die("SSL_new");
  if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), ip) != 1) tls_die("X509_VERIFY_PARAM_set1_ip_asc");
  if (SSL_connect(ssl) != 1) tls_die("SSL_connect");
  return ssl;
}

/* Writes all n bytes (SSL_write without partial writes); 0, or -1 on error. */
static inline int tls_write_all(SSL *ssl, const unsigned char *p, size_t n) {
  while (n > 0) {
    int k = n > (1 << 30) ? 1 << 30 : (int)n;
    int w = SSL_write(ssl, p, k);
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Reads exactly n bytes; 0, or -1 on error or an early EOF. */
static inline int tls_read_exact(SSL *ssl, unsigned char *p, size_t n) {
  while (n > 0) {
    int k = n > (1 << 30) ? 1 << 30 : (int)n;
    int r = SSL_read(ssl, p, k);
    if (r <= 0) return -1;
    p += r;
    n -= (size_t)r;
  }
  return 0;
}

#endif
