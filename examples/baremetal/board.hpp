// What the bare-metal images ask of the board: a random source, the time, a byte transport, the
// trust anchor and (for the PSK-only image) a provisioned PSK. board.cpp is a stub standing in for real drivers (TRNG, RTC, UART or TCP/IP
// stack); it is compiled separately, so the compiler cannot see through it and the images keep
// all the code their call paths reach.
#pragma once

#include <cstddef>
#include <cstdint>

namespace board {

void random_fill(std::uint8_t* out, std::size_t size) noexcept;  // a hardware RNG
std::int64_t unix_time() noexcept;                                 // negative: unknown
// The transport: receive returns how many bytes arrived (0: none yet).
std::size_t receive(std::uint8_t* buffer, std::size_t capacity) noexcept;
void send(const std::uint8_t* data, std::size_t size) noexcept;
// Hands received application data (or a result) to the application.
void deliver(const std::uint8_t* data, std::size_t size) noexcept;
void halt(int code) noexcept;

// The root certificate (DER) the client trusts: the test PKI's root (tests/vectors/tls/root.pem).
extern const std::uint8_t trust_anchor[];
extern const std::size_t trust_anchor_size;

// The external PSK the PSK-only image (tls_psk_client.cpp) shares with its server: its identity
// and its key (a real device keeps the key in protected storage).
extern const std::uint8_t psk_identity[];
extern const std::size_t psk_identity_size;
extern const std::uint8_t psk_key[];
extern const std::size_t psk_key_size;

}  // namespace board
