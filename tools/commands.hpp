// The commands of carapace-tool. Each takes the arguments after its name and returns the exit
// status.
#pragma once

#include <span>

namespace carapace_tool {

// The whole tool: argv[1] names the command (or --help, --version); returns the exit status.
int run(int argc, char** argv);

int cmd_hash(std::span<char* const> args);
int cmd_hmac(std::span<char* const> args);
int cmd_hkdf(std::span<char* const> args);
int cmd_shake128(std::span<char* const> args);
int cmd_shake256(std::span<char* const> args);
int cmd_mlkem_keygen(std::span<char* const> args);
int cmd_mlkem_encaps(std::span<char* const> args);
int cmd_mlkem_decaps(std::span<char* const> args);
int cmd_speed(std::span<char* const> args);
int cmd_aead_seal(std::span<char* const> args);
int cmd_aead_open(std::span<char* const> args);
int cmd_x25519(std::span<char* const> args);
int cmd_ed25519_pub(std::span<char* const> args);
int cmd_ed25519_sign(std::span<char* const> args);
int cmd_ed25519_verify(std::span<char* const> args);
int cmd_genkey(std::span<char* const> args);
int cmd_sign(std::span<char* const> args);
int cmd_verify_sig(std::span<char* const> args);
int cmd_ecdh(std::span<char* const> args);
int cmd_x509(std::span<char* const> args);
int cmd_verify(std::span<char* const> args);
int cmd_s_client(std::span<char* const> args);
int cmd_s_server(std::span<char* const> args);
// age v1 files (cmd_age.cpp)
int cmd_age_keygen(std::span<char* const> args);
int cmd_age_encrypt(std::span<char* const> args);
int cmd_age_decrypt(std::span<char* const> args);
int cmd_age_rewrap(std::span<char* const> args);

}  // namespace carapace_tool
