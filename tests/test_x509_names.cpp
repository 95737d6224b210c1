// Host name and IP matching (RFC 6125/9525) and name constraints (RFC 5280 §4.2.1.10).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "carapace/x509/names.hpp"
#include "carapace/x509/pem.hpp"
#include "support/vectors.hpp"

using namespace carapace;
using test_support::byte_vector;

TEST_CASE("host names against dNSName entries") {
    using x509::dns_name_matches;
    CHECK(dns_name_matches("www.example.com", "www.example.com"));
    CHECK(dns_name_matches("www.example.com", "WWW.Example.COM"));
    CHECK(dns_name_matches("WWW.EXAMPLE.COM", "www.example.com"));
    CHECK(dns_name_matches("www.example.com", "www.example.com."));  // fully qualified
    CHECK(!dns_name_matches("www.example.com", "example.com"));
    CHECK(!dns_name_matches("www.example.com", "www.example.co"));
    CHECK(!dns_name_matches("www.example.com", "wwwexample.com"));
    CHECK(dns_name_matches("*.example.com", "a.example.com"));
    CHECK(dns_name_matches("*.example.com", "A-1.EXAMPLE.com"));
    CHECK(!dns_name_matches("*.example.com", "example.com"));       // the wildcard needs a label
    CHECK(!dns_name_matches("*.example.com", "a.b.example.com"));   // and only one
    CHECK(!dns_name_matches("*.example.com", ".example.com"));
    CHECK(!dns_name_matches("*.com", "example.com"));               // single-label suffix
    CHECK(!dns_name_matches("*", "example"));
    CHECK(!dns_name_matches("f*.example.com", "foo.example.com"));  // partial wildcards
    CHECK(!dns_name_matches("*oo.example.com", "foo.example.com"));
    CHECK(!dns_name_matches("www.*.com", "www.example.com"));
    CHECK(!dns_name_matches("*.*.example.com", "a.b.example.com"));
    CHECK(!dns_name_matches("", ""));
    CHECK(!dns_name_matches("a..b", "a..b"));
    CHECK(!dns_name_matches("-a.example.com", "-a.example.com"));
    CHECK(!dns_name_matches("www.example.com", std::string_view("www.example.com\0evil", 20)));
    CHECK(!dns_name_matches(std::string_view("www.example.com\0", 16), "www.example.com"));
    CHECK(!dns_name_matches("*.example.com", "*.example.com"));  // a host is never a pattern
}

TEST_CASE("IP address text") {
    auto ip = [](std::string_view text) { return test_support::to_hex(x509::parse_ip_address(text).view()); };
    CHECK(ip("192.0.2.7") == "c0000207");
    CHECK(ip("0.0.0.0") == "00000000");
    CHECK(ip("255.255.255.255") == "ffffffff");
    CHECK(ip("256.0.0.1").empty());
    CHECK(ip("1.2.3").empty());
    CHECK(ip("1.2.3.4.5").empty());
    CHECK(ip("01.2.3.4").empty());  // leading zeros: octal to some parsers
    CHECK(ip("1.2.3.4 ").empty());
    CHECK(ip("::") == "00000000000000000000000000000000");
    CHECK(ip("::1") == "00000000000000000000000000000001");
    CHECK(ip("2001:db8::7") == "20010db8000000000000000000000007");
    CHECK(ip("2001:DB8:0:0:0:0:0:7") == "20010db8000000000000000000000007");
    CHECK(ip("1:2:3:4:5:6:7::") == "00010002000300040005000600070000");
    CHECK(ip("::ffff:192.0.2.7") == "00000000000000000000ffffc0000207");
    CHECK(ip("1:2:3:4:5:6:7:8") == "00010002000300040005000600070008");
    CHECK(ip("1:2:3:4:5:6:7:8:9").empty());
    CHECK(ip("1:2:3:4:5:6:7").empty());
    CHECK(ip("1::2::3").empty());
    CHECK(ip(":1::").empty());
    CHECK(ip("1:").empty());
    CHECK(ip("12345::").empty());
    CHECK(ip("1:2:3:4:5:6:7:8::").empty());
    CHECK(ip("g::").empty());
    CHECK(ip("fe80::1%eth0").empty());
    CHECK(ip("www.example.com").empty());
}

TEST_CASE("name constraints") {
    using x509::dns_name_within;
    CHECK(dns_name_within("example.com", "example.com"));
    CHECK(dns_name_within("example.com", "www.EXAMPLE.com"));
    CHECK(dns_name_within("example.com", "a.b.example.com"));
    CHECK(!dns_name_within("example.com", "badexample.com"));
    CHECK(!dns_name_within("example.com", "example.org"));
    CHECK(dns_name_within(".example.com", "www.example.com"));
    CHECK(!dns_name_within(".example.com", "example.com"));
    CHECK(dns_name_within("", "anything.test"));

    const byte_vector net{192, 0, 2, 0, 255, 255, 255, 0};
    CHECK(x509::ip_address_within(net, byte_vector{192, 0, 2, 200}));
    CHECK(!x509::ip_address_within(net, byte_vector{192, 0, 3, 1}));
    CHECK(!x509::ip_address_within(net, byte_vector(16, 0)));  // IPv6 against an IPv4 range
}

TEST_CASE("a certificate's SAN: the leaf fixture") {
    const std::string text = test_support::read_vector_file("x509/leaf.pem");
    byte_vector der_bytes(text.size());
    auto n = pem::decode_first(text, pem::certificate, der_bytes);
    REQUIRE(n.ok());
    der_bytes.resize(*n);
    auto leaf = x509::parse_certificate(der_bytes);
    REQUIRE(leaf.ok());
    CHECK(x509::matches_host(*leaf, "www.example.com"));
    CHECK(x509::matches_host(*leaf, "WWW.example.com."));
    CHECK(x509::matches_host(*leaf, "v1.api.example.com"));
    CHECK(!x509::matches_host(*leaf, "api.example.com"));
    CHECK(!x509::matches_host(*leaf, "example.com"));
    CHECK(x509::matches_host(*leaf, "192.0.2.7"));
    CHECK(!x509::matches_host(*leaf, "192.0.2.8"));
    CHECK(!x509::matches_host(*leaf, "::ffff:192.0.2.7"));  // an IPv6 address is not the IPv4 one
    // The subject CN is www.example.com too, but a certificate without SANs matches nothing.
    x509::certificate no_san = *leaf;
    no_san.subject_alt_names = {};
    CHECK(!x509::matches_host(no_san, "www.example.com"));
}
