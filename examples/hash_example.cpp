// The README's example: hash, MAC and derive a key with carapace's headers.
#include <cstdio>

#include "carapace/carapace.hpp"

int main() {
    using namespace carapace;

    // One shot, or streaming with update() in any split.
    const auto digest = sha256::hash(literal_bytes("hello, carapace"));

    // HMAC, and a constant-time check of a received tag.
    const auto key = literal_bytes("a secret key");
    const auto tag = hmac<sha256>::mac(key, literal_bytes("message"));
    const bool authentic = hmac<sha256>::verify(key, literal_bytes("message"), tag);

    // HKDF: errors are values, never exceptions.
    bytes<32> traffic_key{};
    if (hkdf<sha256>(literal_bytes("salt"), digest, literal_bytes("context"), traffic_key) != errc::ok) return 1;

    // The same functions run at compile time.
    static_assert(sha256::hash(literal_bytes("abc"))[0] == 0xba);

    char text[2 * traffic_key.size() + 1] = {};
    (void)hex::encode(traffic_key, std::span<char>(text, 2 * traffic_key.size()));
    std::printf("tag verifies: %s\nderived key: %s\n", authentic ? "yes" : "no", text);
    return 0;
}
