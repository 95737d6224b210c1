// What carapace-tool's age commands share: their options (age's short ones and ours), the
// identity, recipient, passphrase and KEK-ring files they read, and the randomness adapter.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "carapace/envelope/envelope.hpp"

namespace carapace_tool::age {

// Options as age takes them: -r X, -R FILE, -i FILE, -p, -a, -o FILE, age-keygen's -pq, and long ones.
struct options {
    std::vector<std::string> recipients, recipient_files, identity_files, positionals;
    bool passphrase = false, armor = false, post_quantum = false;
    std::optional<std::string> output, kek_ring, kek_id, passphrase_fd, passphrase_env, range, max_work_factor;
    std::string error;
};
options parse_options(std::span<char* const> args);

// The wrappers a command uses, and the memory they own (keys, KEKs, scrypt's work area).
struct key_set {
    std::vector<std::unique_ptr<carapace::envelope::x25519_identity>> identities;
    std::vector<std::unique_ptr<carapace::envelope::x25519_recipient>> recipients;
    std::vector<std::unique_ptr<carapace::envelope::hybrid_identity>> hybrid_identities;
    std::vector<std::unique_ptr<carapace::envelope::hybrid_recipient>> hybrid_recipients;
    std::vector<carapace::envelope::kek> keks;
    std::vector<std::string> kek_ids;  // the KEKs' ids (kek holds views into these)
    std::unique_ptr<carapace::envelope::kek_ring> ring;
    std::string passphrase;
    std::vector<std::uint32_t> scrypt_work;
    std::unique_ptr<carapace::envelope::scrypt_passphrase> scrypt;
    std::vector<carapace::envelope::key_wrapper*> wrappers;
    ~key_set();
};

// Fills `keys` with the decrypting side of `o` (-i, -p, --kek-ring): "" or an error message.
std::string load_identities(const options& o, key_set& keys);
// Fills `keys` with the encrypting side of `o` (-r, -R, -p, --kek-ring with --kek-id).
std::string load_recipients(const options& o, key_set& keys);

// The OS's randomness as the envelope's random_source.
class os_random final : public carapace::envelope::random_source {
public:
    void fill(carapace::byte_span out) noexcept override;
};

}  // namespace carapace_tool::age
