// A small JSON reader for test vectors: parses a whole document into a tree. Errors are reported
// as a failed parse (no exceptions), so the tests also build with -fno-exceptions.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace test_json {

struct value {
    enum class kind { null, boolean, number, string, array, object };
    kind type = kind::null;
    bool boolean = false;
    double number = 0;
    std::string text;
    std::vector<value> items;
    std::map<std::string, value, std::less<>> members;

    const value& operator[](std::string_view key) const {
        static const value missing;
        auto it = members.find(key);
        return it == members.end() ? missing : it->second;
    }
    const value& operator[](std::size_t i) const { return items[i]; }
    bool has(std::string_view key) const { return members.find(key) != members.end(); }
    bool is_null() const { return type == kind::null; }
    const std::string& str() const { return text; }
    std::int64_t integer() const { return static_cast<std::int64_t>(number); }
    std::size_t size() const { return type == kind::array ? items.size() : members.size(); }
    auto begin() const { return items.begin(); }
    auto end() const { return items.end(); }
};

class parser {
public:
    explicit parser(std::string_view text) : s_(text) {}

    std::optional<value> parse() {
        value v;
        if (!parse_value(v)) return std::nullopt;
        skip_space();
        if (pos_ != s_.size()) return std::nullopt;
        return v;
    }

private:
    void skip_space() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t'))
            ++pos_;
    }
    bool take(char c) {
        skip_space();
        if (pos_ < s_.size() && s_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    bool literal(std::string_view word) {
        if (s_.substr(pos_, word.size()) != word) return false;
        pos_ += word.size();
        return true;
    }

    bool parse_value(value& v) {
        skip_space();
        if (pos_ >= s_.size()) return false;
        const char c = s_[pos_];
        if (c == '{') return parse_object(v);
        if (c == '[') return parse_array(v);
        if (c == '"') {
            v.type = value::kind::string;
            return parse_string(v.text);
        }
        if (literal("true")) {
            v.type = value::kind::boolean;
            v.boolean = true;
            return true;
        }
        if (literal("false")) {
            v.type = value::kind::boolean;
            return true;
        }
        if (literal("null")) return true;
        return parse_number(v);
    }

    bool parse_number(value& v) {
        const std::size_t start = pos_;
        while (pos_ < s_.size() && std::string_view("+-0123456789.eE").find(s_[pos_]) != std::string_view::npos)
            ++pos_;
        if (pos_ == start) return false;
        // Digits only matter for integers here (counts, sizes, ids); fractions are kept roughly.
        double result = 0, scale = 0;
        bool negative = false;
        for (std::size_t i = start; i < pos_; ++i) {
            const char d = s_[i];
            if (d == '-') negative = true;
            else if (d == '.') scale = 1;
            else if (d >= '0' && d <= '9') {
                result = result * 10 + (d - '0');
                if (scale != 0) scale *= 10;
            } else return false;  // exponents do not occur in the vector files
        }
        if (scale != 0) result /= scale;
        v.type = value::kind::number;
        v.number = negative ? -result : result;
        return true;
    }

    bool parse_string(std::string& out) {
        if (!take('"')) return false;
        while (pos_ < s_.size()) {
            const char c = s_[pos_++];
            if (c == '"') return true;
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            if (pos_ >= s_.size()) return false;
            const char e = s_[pos_++];
            switch (e) {
                case 'n': out.push_back('\n'); break;
                case 't': out.push_back('\t'); break;
                case 'r': out.push_back('\r'); break;
                case 'b': out.push_back('\b'); break;
                case 'f': out.push_back('\f'); break;
                case 'u': {
                    if (pos_ + 4 > s_.size()) return false;
                    unsigned code = 0;
                    for (int i = 0; i < 4; ++i) {
                        const char h = s_[pos_++];
                        code <<= 4;
                        if (h >= '0' && h <= '9') code |= static_cast<unsigned>(h - '0');
                        else if (h >= 'a' && h <= 'f') code |= static_cast<unsigned>(h - 'a' + 10);
                        else if (h >= 'A' && h <= 'F') code |= static_cast<unsigned>(h - 'A' + 10);
                        else return false;
                    }
                    // UTF-8 for the basic plane; the vector files use \u only in comments.
                    if (code < 0x80) {
                        out.push_back(static_cast<char>(code));
                    } else if (code < 0x800) {
                        out.push_back(static_cast<char>(0xc0 | (code >> 6)));
                        out.push_back(static_cast<char>(0x80 | (code & 0x3f)));
                    } else {
                        out.push_back(static_cast<char>(0xe0 | (code >> 12)));
                        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3f)));
                        out.push_back(static_cast<char>(0x80 | (code & 0x3f)));
                    }
                    break;
                }
                default: out.push_back(e);
            }
        }
        return false;
    }

    bool parse_array(value& v) {
        v.type = value::kind::array;
        take('[');
        if (take(']')) return true;
        do {
            value item;
            if (!parse_value(item)) return false;
            v.items.push_back(std::move(item));
        } while (take(','));
        return take(']');
    }

    bool parse_object(value& v) {
        v.type = value::kind::object;
        take('{');
        if (take('}')) return true;
        do {
            skip_space();
            std::string key;
            if (!parse_string(key) || !take(':')) return false;
            value item;
            if (!parse_value(item)) return false;
            v.members.insert_or_assign(std::move(key), std::move(item));
        } while (take(','));
        return take('}');
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};

}  // namespace test_json
