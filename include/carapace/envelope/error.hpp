// Errors of the age v1 envelope (age-encryption.org/v1), one per way a file can fail. They fold
// into the five failure classes of the age test kit (C2SP CCTV age), which callers (and the CLI's
// messages) use: a parsing error must never be reported as a later stage's failure.
#pragma once

#include <cstdint>
#include <string_view>

namespace carapace::envelope {

// What can go wrong reading or writing an age file; ok is zero.
enum class error : std::uint8_t {
    ok = 0,
    need_more_input,      // not an error: the header is not complete yet
    header_malformed,     // the header does not parse (version line, stanza, MAC line, nonce)
    stanza_malformed,     // a recipient stanza of a known type is malformed (args, body, share)
    work_factor_refused,  // an scrypt stanza asks for more work than the caller allowed
    no_match,             // no identity unwraps any stanza
    hmac_mismatch,        // a file key was unwrapped, but the header MAC does not verify
    payload_corrupt,      // a STREAM chunk fails to authenticate, is truncated or misplaced
    trailing_data,        // bytes after the final chunk
    armor_malformed,      // the ASCII armor breaks the strict rules of the spec
    buffer_too_small,     // the caller's buffer cannot hold the result (nothing was written)
    invalid_argument,     // an API misuse (wrong state, bad key text, bad parameter)
};

// The test kit's result classes.
enum class failure_class : std::uint8_t { success, no_match, hmac_failure, header_failure, payload_failure,
                                          armor_failure, other };

// The test kit's class of an error.
constexpr failure_class classify(error e) noexcept {
    switch (e) {
        case error::ok: return failure_class::success;
        case error::header_malformed:
        case error::stanza_malformed:
        case error::work_factor_refused:
        case error::need_more_input: return failure_class::header_failure;
        case error::no_match: return failure_class::no_match;
        case error::hmac_mismatch: return failure_class::hmac_failure;
        case error::payload_corrupt:
        case error::trailing_data: return failure_class::payload_failure;
        case error::armor_malformed: return failure_class::armor_failure;
        case error::buffer_too_small:
        case error::invalid_argument: return failure_class::other;
    }
    return failure_class::other;
}

// A short English description of an error.
constexpr std::string_view to_string(error e) noexcept {
    switch (e) {
        case error::ok: return "ok";
        case error::need_more_input: return "truncated header";
        case error::header_malformed: return "malformed header";
        case error::stanza_malformed: return "malformed recipient stanza";
        case error::work_factor_refused: return "scrypt work factor above the allowed limit";
        case error::no_match: return "no identity matched any of the recipients";
        case error::hmac_mismatch: return "header MAC does not verify";
        case error::payload_corrupt: return "payload is corrupt or truncated";
        case error::trailing_data: return "trailing data after the end of the payload";
        case error::armor_malformed: return "malformed ASCII armor";
        case error::buffer_too_small: return "buffer too small";
        case error::invalid_argument: return "invalid argument";
    }
    return "unknown error";
}

// The test kit's name of a result class.
constexpr std::string_view to_string(failure_class c) noexcept {
    switch (c) {
        case failure_class::success: return "success";
        case failure_class::no_match: return "no match";
        case failure_class::hmac_failure: return "HMAC failure";
        case failure_class::header_failure: return "header failure";
        case failure_class::payload_failure: return "payload failure";
        case failure_class::armor_failure: return "armor failure";
        case failure_class::other: return "error";
    }
    return "error";
}

}  // namespace carapace::envelope
