// ML-KEM in constant evaluation: the same code computes a Wycheproof answer at compile time (with
// CARAPACE_MLKEM_NO_MATRIX too: tests/group_mlkem_small_stack.cpp includes this file). If it is
// wrong, this file does not compile.
#include <string_view>

#include "carapace/core/hex.hpp"
#include "carapace/kem/mlkem.hpp"
#include "support/vectors.hpp"

namespace test_mlkem_constexpr {

using namespace carapace;
using test_support::constant_evaluation_failed;

template <std::size_t N>
consteval bytes<N> from_hex(std::string_view text) {
    bytes<N> out{};
    if (text.size() != 2 * N || hex::decode(text, out) != errc::ok) constant_evaluation_failed();
    return out;
}

// ML-KEM-512 in constant evaluation (Wycheproof mlkem_512_test.json tcId 2): KeyGen from the seed,
// then Decaps of the vector's ciphertext (which re-encrypts) gives the vector's shared secret.
constexpr std::string_view mlkem512_ciphertext_hex =
    "113db2dd06871235e7bc36c9dcaa528fc26ce5db9ecc1dc32e957d7ffb3c7429d50c3c3577a515d3183a1b9d267b936b"
    "7eb8f543a3afb77765ca7938f78aa6438ce80a06a6966d0d06af75ba3e0d4f37bac73369f5a729f73e85729edd97c8c2"
    "a8cc2619e4cf7b6091869e909fd47d9709149204b0837d8d6f25d267972be63bad34b544523c01c09de3b1fa1d6b7b05"
    "9eee9e652062fe870f68c68005339ea181e1d0767c152aeb38faf0f9245ae59d5cb0d2b7f201229ed97020d0623a4610"
    "0d097b0ce1154e028ae6194de05de97dd9ae2e85ffd25d95eb22effe5ba19cd807c530ebaa9fe9f642ccacff47ed15c2"
    "2bfe3036ebf8ad9c8ed23240aeebaa24d135755100b85ecee3174906e46312062ceecac75de5275256c2c1a653fd6915"
    "b1b30c8ecbb6fd4280437453173a96238bc7d108892343e033bcd98e437e789fc5bebaa12b2634b51ed0d589f11143a0"
    "21d8ecce594fdd48dae84c8063ef3581bc378a48da4e51bb175b0db47f9dcf99318c30225ca7fa79c879bf1c9397b5cc"
    "c5efad94c500ed7f9f385d088e34932221fc0fc9afe51f6875548131697695478abdc8736f10095a6b92ec679fe0e2ae"
    "5d8b335355d58dae4d4f0b17aa5d1e52f1d45584a892c34ce4b04fcd00981d51caa16064bad92d019dc3aded91968411"
    "2b29daa28b9dae09b86b21a93310d5fbc6527b224b9ce87d2782bb294673f0ec06f26b087652a18d6ad7b1c93303ef05"
    "61c0fc9cd4f678f606f192cf5df92b1548f5dd2687edbeccfc6d4e9de4bd50d3c74fb275abd9b3e90277db4a0069c0a2"
    "a7136f50cead4b2f1995faaf168040e9e4beb7c5722049d6da6402992fcea45097df7c1c20fb068222000576935a0806"
    "773451921f54c55fbf593a4f147c1fef3acaf0cfa907ae48c8c06312cfdf5186904bec7fed4ed933c9256ab04cbfa03a"
    "967c1f7ead4ab40df116be660e27ca2b543526d4b9684c31e1e42383b969f896299d71390cc85b703202acadecfa8c40"
    "965c08c53b5671e0d59455bc5a8586c655db8c2ade4ba8877f19b6000e18f8feadda7ede8fe80aa662d694c6d8c33b52";
static_assert([] {
    const auto seed = from_hex<64>("7c9935a0b07694aa0c6d10e4db6b1add2fd81a25ccb148032dcd739936737f2d"
                                   "8626ed79d451140800e03b59b956f8210e556067407d13dc90fa9e8b872bfb8f");
    const auto c = from_hex<mlkem512::ciphertext_size>(mlkem512_ciphertext_hex);
    mlkem512::shared_secret k{};
    if (mlkem512::decapsulate_seed(seed, c, k) != errc::ok) constant_evaluation_failed();
    return k;
}() == from_hex<32>("319839e82ab6b222de7b619e80da8391522bbb37677018494a4742c53f9abfdf"));

}  // namespace test_mlkem_constexpr
