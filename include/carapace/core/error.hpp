// Errors are values: one enum for the whole library and a small result type. No exceptions.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

namespace carapace {

// The library's error codes; ok is zero. Each subsystem (tls, x509, envelope) has its own finer enum.
enum class errc : std::uint8_t {
    ok = 0,
    invalid_argument,       // an argument is outside what the function accepts
    output_too_long,        // more output asked for than the algorithm can give (HKDF: 255*HashLen)
    buffer_too_small,       // the caller's output buffer cannot hold the result
    authentication_failed,  // a tag or MAC did not verify
    decode_error,           // malformed input: hex, DER, a TLS message
    limit_exceeded,         // the input asks for more work or memory than the caller allowed
};

// A short English description of an error code.
constexpr std::string_view to_string(errc e) noexcept {
    switch (e) {
        case errc::ok: return "ok";
        case errc::invalid_argument: return "invalid argument";
        case errc::output_too_long: return "requested output too long";
        case errc::buffer_too_small: return "output buffer too small";
        case errc::authentication_failed: return "authentication failed";
        case errc::decode_error: return "decode error";
        case errc::limit_exceeded: return "work or size limit exceeded";
    }
    return "unknown error";
}

// Either a value or an error. T must be default-constructible; it is kept by value.
template <class T>
class [[nodiscard]] result {
public:
    // A successful result holding `value`.
    constexpr result(T value) noexcept : value_(std::move(value)) {}
    // A failed result holding `error` (not errc::ok).
    constexpr result(errc error) noexcept : error_(error) {}

    // True when the result holds a value.
    [[nodiscard]] constexpr bool ok() const noexcept { return error_ == errc::ok; }
    // The same as ok().
    constexpr explicit operator bool() const noexcept { return ok(); }
    // errc::ok, or why there is no value.
    [[nodiscard]] constexpr errc error() const noexcept { return error_; }

    // Reading the value of a failed result gives a default-constructed T, never UB.
    [[nodiscard]] constexpr const T& value() const& noexcept { return value_; }
    [[nodiscard]] constexpr T& value() & noexcept { return value_; }
    constexpr const T& operator*() const& noexcept { return value_; }
    constexpr const T* operator->() const noexcept { return &value_; }

private:
    T value_{};
    errc error_ = errc::ok;
};

}  // namespace carapace
