// The age v1 envelope in one include: header, key schedule, STREAM payload, armor and the
// X25519, ML-KEM-768 + X25519 hybrid, scrypt and KEK-ring recipients (see each header).
#pragma once

#include "carapace/envelope/armor.hpp"
#include "carapace/envelope/bech32.hpp"
#include "carapace/envelope/error.hpp"
#include "carapace/envelope/file.hpp"
#include "carapace/envelope/header.hpp"
#include "carapace/envelope/hybrid_recipient.hpp"
#include "carapace/envelope/kek_ring.hpp"
#include "carapace/envelope/key_wrapper.hpp"
#include "carapace/envelope/keys.hpp"
#include "carapace/envelope/scrypt_recipient.hpp"
#include "carapace/envelope/stream.hpp"
#include "carapace/envelope/x25519_recipient.hpp"
