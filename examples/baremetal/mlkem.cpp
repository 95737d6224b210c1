// ML-KEM-768 alone, for a Cortex-M4: KeyGen, Encaps and Decaps (FIPS 203), with no TLS. Its sizes
// and worst-case stack are what an ML-KEM-768 key exchange adds to a device; scripts/baremetal
// reports them; it builds this with CARAPACE_MLKEM_NO_MATRIX, which keeps the matrix A-hat off
// the stack. Seeds and randomness come from the board so that nothing is computed at compile time.
#include <cstddef>
#include <cstdint>

#include "board.hpp"
#include "carapace/kem/mlkem.hpp"

using namespace carapace;

namespace {
// Keys and ciphertext outside the stack: the stack figure is then the algorithms' own.
mlkem768::encapsulation_key ek{};
mlkem768::decapsulation_key dk{};
mlkem768::ciphertext ciphertext{};
}  // namespace

int main() {
    bytes<64> seed{};
    bytes<32> m{};
    board::random_fill(seed.data(), seed.size());
    board::random_fill(m.data(), m.size());
    if (mlkem768::keygen(seed, ek, dk) != errc::ok) board::halt(1);
    mlkem768::shared_secret sent{}, received{}, from_seed{};
    if (mlkem768::encapsulate(ek, m, ciphertext, sent) != errc::ok) board::halt(1);
    if (mlkem768::decapsulate(dk, ciphertext, received) != errc::ok) board::halt(1);
    if (mlkem768::decapsulate_seed(seed, ciphertext, from_seed) != errc::ok) board::halt(1);
    board::deliver(received.data(), received.size());
    board::halt(sent == received && sent == from_seed ? 0 : 1);
}
