// carapace-tool's command table, help and dispatch: everything main() does, apart from main()
// itself, so that a fuzz target can run the tool's argument handling in process.
#include <cstdio>
#include <span>
#include <string>
#include <string_view>

#include "cli.hpp"
#include "commands.hpp"
#include "carapace/version.hpp"

namespace {

struct command {
    std::string_view name;
    int (*run)(std::span<char* const>);
    std::string_view synopsis;
};

constexpr command commands[] = {
    {"hash", carapace_tool::cmd_hash,
     "hash {sha224|sha256|sha384|sha512|sha512-256|sha3-224|sha3-256|sha3-384|sha3-512}\n"
     "      stdin -> lowercase hex digest + newline"},
    {"hmac", carapace_tool::cmd_hmac,
     "hmac {sha256|sha384|sha512|sha3-256|sha3-384|sha3-512} --key HEX\n"
     "      stdin -> lowercase hex tag + newline"},
    {"hkdf", carapace_tool::cmd_hkdf,
     "hkdf {sha256|sha384|sha512|sha3-256|sha3-384|sha3-512} --ikm HEX [--salt HEX] [--info HEX] --length N\n"
     "      -> lowercase hex of N bytes of output key material + newline (N <= 255 * hash length)"},
    {"shake128", carapace_tool::cmd_shake128,
     "shake128 --length N\n"
     "      stdin -> lowercase hex of N bytes of SHAKE128 output + newline (N <= 1048576)"},
    {"shake256", carapace_tool::cmd_shake256,
     "shake256 --length N\n"
     "      stdin -> lowercase hex of N bytes of SHAKE256 output + newline (N <= 1048576)"},
    {"mlkem-keygen", carapace_tool::cmd_mlkem_keygen,
     "mlkem-keygen {ml-kem-512|ml-kem-768|ml-kem-1024} [--seed HEX]\n"
     "      -> three lines: \"seed HEX\" (d || z, 64 bytes: the seed form of the decapsulation key),\n"
     "      \"ek HEX\" (encapsulation key), \"dk HEX\" (expanded decapsulation key, FIPS 203);\n"
     "      without --seed a fresh random seed is drawn"},
    {"mlkem-encaps", carapace_tool::cmd_mlkem_encaps,
     "mlkem-encaps {ml-kem-512|ml-kem-768|ml-kem-1024} --ek HEX [--m HEX]\n"
     "      -> two lines: \"ct HEX\" (ciphertext), \"ss HEX\" (32-byte shared secret); --m: the\n"
     "      32 random bytes of Encaps (fresh ones without it); a key failing the modulus check:\n"
     "      message on stderr, exit 1"},
    {"mlkem-decaps", carapace_tool::cmd_mlkem_decaps,
     "mlkem-decaps {ml-kem-512|ml-kem-768|ml-kem-1024} (--dk HEX | --seed HEX) --ct HEX\n"
     "      -> lowercase hex of the 32-byte shared secret + newline (a ciphertext that does not\n"
     "      match gives the implicit-rejection secret, as FIPS 203 says); a --dk failing the hash\n"
     "      check: message on stderr, exit 1"},
    {"aead-seal", carapace_tool::cmd_aead_seal,
     "aead-seal {aes-128-gcm|aes-256-gcm|chacha20-poly1305|xchacha20-poly1305} --key HEX --nonce HEX\n"
     "      [--aad HEX] (nonce: 12 bytes for chacha20-poly1305, 24 for xchacha20-poly1305)\n"
     "      stdin: plaintext bytes -> lowercase hex of ciphertext || 16-byte tag + newline"},
    {"aead-open", carapace_tool::cmd_aead_open,
     "aead-open {aes-128-gcm|aes-256-gcm|chacha20-poly1305|xchacha20-poly1305} --key HEX --nonce HEX\n"
     "      [--aad HEX]\n"
     "      stdin: hex of ciphertext || tag (whitespace ignored) -> plaintext bytes;\n"
     "      a message that does not authenticate: \"authentication failed\" on stderr, exit 1"},
    {"x25519", carapace_tool::cmd_x25519,
     "x25519 --scalar HEX [--point HEX]\n"
     "      -> lowercase hex of X25519(scalar, point), or of X25519(scalar, 9) without --point,\n"
     "      + newline; an all-zero result (a point of small order): message on stderr, exit 1"},
    {"ed25519-pub", carapace_tool::cmd_ed25519_pub,
     "ed25519-pub --seed HEX\n"
     "      -> lowercase hex of the 32-byte Ed25519 public key + newline"},
    {"ed25519-sign", carapace_tool::cmd_ed25519_sign,
     "ed25519-sign --seed HEX\n"
     "      stdin: message bytes -> lowercase hex of the 64-byte signature + newline"},
    {"ed25519-verify", carapace_tool::cmd_ed25519_verify,
     "ed25519-verify --pub HEX --sig HEX\n"
     "      stdin: message bytes -> \"ok\" + newline, exit 0; or \"bad signature\" + newline, exit 1"},
    {"genkey", carapace_tool::cmd_genkey,
     "genkey {ed25519|x25519|p256|p384|rsa2048|rsa3072|rsa4096}\n"
     "      -> a new private key as PKCS#8 PEM (\"PRIVATE KEY\", what `openssl genpkey` writes); RSA\n"
     "      keys with e = 65537, primes by FIPS 186-5 A.1.3 (64 Miller-Rabin rounds)"},
    {"sign", carapace_tool::cmd_sign,
     "sign --key PEM [--pss|--pkcs1]\n"
     "      stdin: message bytes -> lowercase hex of the signature + newline; the algorithm is the\n"
     "      key's: Ed25519 (64 bytes), or ECDSA as DER with SHA-256 for P-256 and SHA-384 for P-384,\n"
     "      hedged with 32 fresh random bytes, or RSA with SHA-256: RSASSA-PSS (MGF1-SHA-256, 32-byte\n"
     "      salt; --pss, the default) or PKCS#1 v1.5 (--pkcs1). --key: PKCS#8 \"PRIVATE KEY\",\n"
     "      \"EC PRIVATE KEY\" or \"RSA PRIVATE KEY\""},
    {"verify-sig", carapace_tool::cmd_verify_sig,
     "verify-sig --pub PEM --sig HEX [--pss|--pkcs1]\n"
     "      stdin: message bytes -> \"ok\" + newline, exit 0; or \"bad signature\" + newline, exit 1.\n"
     "      --pub: a \"PUBLIC KEY\" or a certificate (Ed25519, P-256, P-384, RSA); ECDSA signatures are\n"
     "      DER, over SHA-256 (P-256) or SHA-384 (P-384); RSA ones over SHA-256, PSS with a 32-byte\n"
     "      salt (--pss, the default) or PKCS#1 v1.5 (--pkcs1)"},
    {"ecdh", carapace_tool::cmd_ecdh,
     "ecdh --key PEM --peer HEX\n"
     "      -> lowercase hex of the shared secret + newline. X25519 keys: --peer is the peer's\n"
     "      32-byte u; P-256/P-384 keys: its SEC 1 point (uncompressed or compressed), and the\n"
     "      secret is the x-coordinate. A peer that gives no secret (small order, not on the\n"
     "      curve): message on stderr, exit 1"},
    {"x509", carapace_tool::cmd_x509,
     "x509 FILE.pem\n"
     "      the first certificate: \"key: value\" lines for subject, issuer, serial, not_before,\n"
     "      not_after (seconds since the epoch), key (type/bits), san, is_ca, path_length,\n"
     "      key_usage, ext_key_usage, subject_key_id, authority_key_id, name_constraints, must_staple"},
    {"verify", carapace_tool::cmd_verify,
     "verify --CAfile ROOTS.pem [--untrusted INTERMEDIATES.pem] [--host NAME] [--email ADDR]\n"
     "       [--purpose server|client] [--time UNIX_SECONDS] [--profile webpki|rfc5280]\n"
     "       [--max-depth N] [--crl FILE]... [--ocsp RESPONSE.der] [--pin sha256//BASE64]...\n"
     "       [--allow-no-backup-pin] LEAF.pem\n"
     "      -> \"ok\", exit 0; or \"error: REASON\", exit 1 (\"profile violation: RULE\" names the\n"
     "      rule; a leaf file without a well-formed certificate is \"malformed certificate\").\n"
     "      --profile: the rules certificates are held to, the Web PKI's (default) or RFC 5280's\n"
     "      alone; --max-depth: certificates in a path, anchor included, 1 to 16 (default 8);\n"
     "      --email: an address the leaf must name (client certificates). --crl (PEM or DER,\n"
     "      repeatable) and --ocsp: the leaf must be shown good, no certificate revoked\n"
     "      (\"revoked\", \"revocation unknown\"). --pin: a key of the path must match (\"pin\n"
     "      mismatch\"), and one pin must be a backup matching none (\"no backup pin\") unless\n"
     "      --allow-no-backup-pin"},
    {"s_client", carapace_tool::cmd_s_client,
     "s_client --connect HOST:PORT [--servername NAME] [--CAfile PEM | --insecure]\n"
     "       [--alpn P1,P2] [--groups G1:G2] [--ciphersuites S1:S2] [--cert PEM --key PEM]\n"
     "       [--key-update] [--status] [--pin sha256//BASE64]... [--allow-no-backup-pin]\n"
     "       [--sess-out FILE] [--sess-in FILE] [--psk HEX --psk-identity ID]\n"
     "       [--psk-mode psk_dhe_ke|psk_ke|both] [--early-data FILE] [--raw-public-key PEM]\n"
     "       [--send-raw-public-key] [--quiet]\n"
     "      TLS 1.3 client: stdin -> server, server -> stdout; stdin EOF sends close_notify and\n"
     "      waits for the server to close. Summary on stderr (\"key: value\": protocol, cipher,\n"
     "      group, hrr, alpn, peer, verify); without --CAfile the system trust store is used.\n"
     "      --status: asks for a stapled OCSP response and checks it (\"ocsp: good|revoked|\n"
     "      unknown|none\"; revoked fails). --pin: a key of the validated path must be pinned, and\n"
     "      one pin be a backup matching none (\"verify: pin mismatch\", \"no backup pin\").\n"
     "      --sess-out: each session ticket received is written to FILE (mode 0600: it holds the\n"
     "      PSK); --sess-in: its ticket is offered once if fresh and for this server name. --psk\n"
     "      (hex key) and --psk-identity: an external PSK; without --CAfile or --insecure only PSK\n"
     "      handshakes are accepted. --psk-mode (default psk_dhe_ke) applies to tickets too.\n"
     "      Summary adds \"resumed: yes|no\", \"psk: yes|no\", \"early_data: accepted|rejected|\n"
     "      not_offered\". --early-data: FILE (up to 1 MiB) is sent before stdin; with a --sess-in\n"
     "      ticket that allows early data, up to its max_early_data bytes go as 0-RTT data, the\n"
     "      rest after the handshake; if the server rejects them, all of FILE is sent again after\n"
     "      the handshake. No 0-RTT with an external --psk (not_offered). 0-RTT data can be\n"
     "      replayed: send only what is safe to repeat.\n"
     "      --raw-public-key: the server must authenticate with this bare key (RFC 7250; \"PUBLIC\n"
     "      KEY\" PEM as openssl pkey -pubout writes; no --CAfile, --insecure, --pin, --status);\n"
     "      another key: \"verify: pin mismatch\". --send-raw-public-key: answer a certificate\n"
     "      request with the bare key of --key (Ed25519, P-256, P-384; --cert optional).\n"
     "      Exit 0 on a clean close; on failure \"alert: NAME\" or \"error: REASON\", exit 1"},
    {"s_server", carapace_tool::cmd_s_server,
     "s_server --accept [HOST:]PORT {--cert PEM --key PEM | --psk HEX --psk-identity ID | both}\n"
     "       [--CAfile PEM --verify-client [optional|required]] [--alpn P1,P2] [--groups G1:G2]\n"
     "       [--ciphersuites S1:S2] [--echo] [--num-conns N] [--max-conns N] [--timeout SECONDS]\n"
     "       [--key-update] [--status-file DER] [--tickets N] [--ticket-key-file FILE]\n"
     "       [--psk-mode psk_dhe_ke|psk_ke|both] [--early-data [--max-early-data N]]\n"
     "       [--raw-public-key] [--client-raw-public-key PEM] [--quiet]\n"
     "      TLS 1.3 server, connections served at once: received data to stdout, or back with\n"
     "      --echo; exits after N connections (default: serves until killed). The same summary\n"
     "      per connection, plus sni. --verify-client alone means required; optional asks for a\n"
     "      certificate and accepts a client without one. --max-conns (default 100): past it a\n"
     "      connection is closed at once (\"refused: ADDRESS\"). --timeout (default 60, 0: none):\n"
     "      the handshake must end within SECONDS, and a connection idle that long is closed.\n"
     "      A first request line \"GET /keyupdate\" is answered with a KeyUpdate and an HTTP/1.0 200\n"
     "      response. --status-file: an OCSP response (DER) stapled for clients that ask.\n"     "      --tickets N (0 to 16): session tickets after each handshake (default 1 with\n"
     "      --ticket-key-file, else 0), sealed with the file's first key (lines \"ID HEX32BYTES\",\n"
     "      newest first, every key opens; rotate by adding a line on top), or a random key of this\n"
     "      run. --psk/--psk-identity: an external PSK (PSK handshakes only without --cert).\n"
     "      --early-data: accept 0-RTT data on resumption (to stdout like other data; tickets\n"
     "      allow --max-early-data bytes, 1 to 16384, default 16384; --tickets defaults to 1),\n"
     "      from fresh tickets (age within 10 s) in ClientHellos not seen in the last 10 s (up to\n"
     "      1024 remembered); without it, early data offered is declined (\"early_data: rejected\").\n"
     "      --raw-public-key: authenticate with the bare key of --key (RFC 7250) to clients that\n"
     "      take one (--cert optional: the chain for the others). --client-raw-public-key PEM:\n"
     "      ask clients for a raw key and accept only this one (instead of --CAfile; required\n"
     "      unless --verify-client optional).\n"
     "      --cert: leaf first, then intermediates; --key: Ed25519, P-256 or P-384, PKCS#8 or\n"
     "      EC PRIVATE KEY PEM. Suites: TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384\n"
     "      TLS_CHACHA20_POLY1305_SHA256 (the default), TLS_AES_128_CCM_SHA256\n"
     "      TLS_AES_128_CCM_8_SHA256 (only when named); groups (by preference, default\n"
     "      X25519MLKEM768:x25519:secp256r1:secp384r1:SecP256r1MLKEM768:MLKEM768):\n"
     "      X25519MLKEM768 x25519 secp256r1 (P-256) secp384r1 (P-384) SecP256r1MLKEM768 MLKEM768;\n"
     "      s_client sends a key share for each group written *NAME, or else for the first (and,\n"
     "      if it is post-quantum, the first classical one)"},
    {"age-keygen", carapace_tool::cmd_age_keygen,
     "age-keygen [-pq] [-o FILE]\n"
     "      a new X25519 identity for age files, as age-keygen writes it: \"# created\" and \"# public\n"
     "      key: age1...\" comment lines, then AGE-SECRET-KEY-1... (with -o: the file is made 0600\n"
     "      and the public key printed on stderr). -pq: an ML-KEM-768 + X25519 hybrid identity\n"
     "      (AGE-SECRET-KEY-PQ-1..., recipient age1pq1...), as age-keygen -pq of age 1.3"},
    {"encrypt", carapace_tool::cmd_age_encrypt,
     "encrypt {-r RECIPIENT... | -R FILE | -p | --kek-ring FILE --kek-id ID} [-a] [-o OUT] [IN]\n"
     "      an age v1 file (age-encryption.org/v1) for every recipient given (age1... X25519 or\n"
     "      age1pq1... post-quantum hybrid, not both in one file); -a: ASCII armor.\n"
     "      -p: a passphrase (scrypt, work factor --work-factor N, default 18) read from\n"
     "      --passphrase-fd N or --passphrase-env NAME, never from the command line. --kek-ring:\n"
     "      lines \"ID VERSION HEX\" of AES-256-GCM KEKs; the newest version of --kek-id wraps"},
    {"decrypt", carapace_tool::cmd_age_decrypt,
     "decrypt {-i IDENTITY_FILE... | -p | --kek-ring FILE} [--range START:END] [-o OUT] [IN]\n"
     "      plaintext of an age file (binary or armored), written as each 64 KiB chunk\n"
     "      authenticates; --range: only bytes [START, END) of the plaintext, reading only their\n"
     "      chunks (a binary file). Failures: \"no match\", \"HMAC failure\", \"header failure\",\n"
     "      \"payload failure\" or \"armor failure\" on stderr, exit 1 (-o OUT is then removed).\n"
     "      Passphrase files above --work-factor (default 18, at most 22) are refused"},
    {"rewrap", carapace_tool::cmd_age_rewrap,
     "rewrap {-i FILE | -p | --kek-ring FILE} {-r RECIPIENT... | -R FILE | --kek-ring FILE --kek-id ID}\n"
     "       [-o OUT] FILE\n"
     "      replaces the recipients of an age file (opened with the first group of options) by\n"
     "      new ones and recomputes the header MAC; the payload is copied byte for byte. In place\n"
     "      without -o. With --kek-ring and --kek-id, any version opens and the newest wraps"},
    {"speed", carapace_tool::cmd_speed,
     "speed [--seconds S] [NAME...]\n"
     "      throughput table like `openssl speed`; NAMEs: sha224 sha256 sha384 sha512 sha512-256\n"
     "      aes-128-gcm aes-256-gcm chacha20-poly1305"
     " hmac-sha256 hmac-sha384 hmac-sha512 hkdf-sha256 hkdf-sha384\n"
     "      hkdf-sha512 x25519 ed25519 p256 p384 (default: all)"},
};

void print_help() {
    std::fprintf(stdout,
                 "carapace-tool %s\n"
                 "usage: carapace-tool COMMAND [ARGS...]\n\ncommands:\n",
                 CARAPACE_VERSION_STRING);
    for (const auto& c : commands)
        std::fprintf(stdout, "  %.*s\n", static_cast<int>(c.synopsis.size()), c.synopsis.data());
    std::fprintf(stdout,
                 "  --help\n"
                 "      this list\n\n"
                 "HEX arguments take either case. Bad arguments: a message on stderr, exit status 2,\n"
                 "nothing on stdout. Set CARAPACE_FORCE_PORTABLE=1 to run without CPU-specific code.\n");
}

}  // namespace

namespace carapace_tool {

int run(int argc, char** argv) {
    if (argc < 2) return usage_error("missing command (try --help)");
    const std::string_view name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
        print_help();
        return exit_ok;
    }
    if (name == "--version") {
        std::printf("carapace-tool %s\n", CARAPACE_VERSION_STRING);
        return exit_ok;
    }
    for (const auto& c : commands)
        if (c.name == name)
            return c.run(std::span<char* const>(argv + 2, static_cast<std::size_t>(argc - 2)));
    return usage_error("unknown command '" + std::string(name) + "' (try --help)");
}

}  // namespace carapace_tool
