// carapace-tool age-keygen | encrypt | decrypt | rewrap: the age v1 file format (envelope/).
// Files are streamed in constant memory (a read buffer and one 64 KiB chunk at a time), armored
// ones too (the armor is decoded and encoded as the bytes pass). decrypt writes to stdout only
// plaintext whose chunk authenticated; failures print the test kit's class ("header failure:
// ...") on stderr and exit 1.
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "age_files.hpp"
#include "cli.hpp"
#include "commands.hpp"
#include "platform.hpp"

namespace carapace_tool {

namespace {

namespace env = carapace::envelope;
using age::key_set;
using age::options;

constexpr std::size_t max_header_size = 1 << 20;
constexpr std::size_t io_size = 16 * env::sealed_chunk_size;

int age_failure(env::error e) {
    return failure(std::string(env::to_string(env::classify(e))) + ": " + std::string(env::to_string(e)));
}

// Input: the one positional file, or stdin.
struct input_file {
    std::FILE* f = nullptr;
    bool owned = false;
    ~input_file() {
        if (owned && f != nullptr) std::fclose(f);
    }
};

bool open_input(const options& o, input_file& in, std::string& error) {
    if (o.positionals.size() > 1) return error = "more than one input file", false;
    if (o.positionals.empty() || o.positionals[0] == "-") {
        in.f = stdin;
        return true;
    }
    in.f = std::fopen(o.positionals[0].c_str(), "rb");
    in.owned = true;
    if (in.f == nullptr) return error = "cannot open " + terminal_text(o.positionals[0]), false;
    return true;
}

// Output: -o FILE (removed again if the command fails) or stdout.
struct output_file {
    std::FILE* f = stdout;
    std::string path;
    bool ok = false;
    ~output_file() {
        if (path.empty()) return;
        std::fclose(f);
        if (!ok) std::remove(path.c_str());
    }
    bool write(const void* p, std::size_t n) { return n == 0 || std::fwrite(p, 1, n, f) == n; }
};

// Output written by a second thread while the next input is read and sealed: on two cores the
// kernel's copies of the output overlap the encryption (bench-age measures it). Callers fill
// room() in place and commit() what they wrote; a full buffer is handed over, and the other one
// taken back, once the writer is done with it. Destroy it before the output_file it writes to.
class write_behind {
public:
    static constexpr std::size_t flush_size = io_size;
    static constexpr std::size_t capacity = flush_size + 2 * env::sealed_chunk_size;

    explicit write_behind(output_file& out) : out_(out), worker_([this] { loop(); }) {}
    ~write_behind() { (void)close(); }
    write_behind(const write_behind&) = delete;
    write_behind& operator=(const write_behind&) = delete;

    // Space for n (at most 2 sealed chunks) more bytes at the end of the buffer being filled.
    carapace::byte_span room(std::size_t n) {
        if (filling_size_ + n > capacity) hand_over();
        return {filling_.get() + filling_size_, n};
    }
    // Keeps n of the bytes written into room(); false once a write has failed.
    bool commit(std::size_t n) {
        filling_size_ += n;
        if (filling_size_ >= flush_size) hand_over();
        return !failed_;
    }
    bool put(const void* p, std::size_t n) {
        const auto r = room(n);
        if (n != 0) std::memcpy(r.data(), p, n);
        return commit(n);
    }
    // Writes what is left and stops the writer: whether every write succeeded.
    bool close() {
        if (worker_.joinable()) {
            hand_over();
            {
                std::unique_lock lock(mutex_);
                changed_.wait(lock, [this] { return !busy_; });
                stop_ = true;
            }
            changed_.notify_all();
            worker_.join();
        }
        return !failed_;
    }

private:
    void hand_over() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return !busy_; });
        if (filling_size_ == 0) return;
        std::swap(filling_, writing_);
        writing_size_ = filling_size_;
        filling_size_ = 0;
        busy_ = true;
        changed_.notify_all();
    }
    void loop() {
        std::unique_lock lock(mutex_);
        for (;;) {
            changed_.wait(lock, [this] { return busy_ || stop_; });
            if (!busy_) return;
            lock.unlock();
            const bool ok = out_.write(writing_.get(), writing_size_);
            lock.lock();
            if (!ok) failed_ = true;
            busy_ = false;
            changed_.notify_all();
        }
    }

    output_file& out_;
    std::unique_ptr<std::uint8_t[]> filling_{new std::uint8_t[capacity]}, writing_{new std::uint8_t[capacity]};
    std::size_t filling_size_ = 0, writing_size_ = 0;
    std::mutex mutex_;
    std::condition_variable changed_;
    bool busy_ = false, stop_ = false;
    std::atomic<bool> failed_{false};
    std::thread worker_;
};

// Input read by a second thread one buffer ahead of the caller (double buffering), for the same
// reason as write_behind: the kernel's copies overlap the encryption.
class read_ahead {
public:
    explicit read_ahead(std::FILE* f) : f_(f), worker_([this] { loop(); }) {}
    ~read_ahead() {
        {
            std::unique_lock lock(mutex_);
            stop_ = true;
        }
        changed_.notify_all();
        worker_.join();
    }
    read_ahead(const read_ahead&) = delete;
    read_ahead& operator=(const read_ahead&) = delete;

    // The next buffer of input (empty at the end); valid until the next call.
    carapace::byte_view next() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return ready_; });
        std::swap(reading_, current_);
        const std::size_t n = reading_size_;
        ready_ = false;
        changed_.notify_all();
        return {current_.get(), n};
    }
    [[nodiscard]] bool failed() const { return std::ferror(f_) != 0; }

private:
    void loop() {
        std::unique_lock lock(mutex_);
        for (bool done = false; !done;) {
            changed_.wait(lock, [this] { return !ready_ || stop_; });
            if (stop_) return;
            lock.unlock();
            const std::size_t n = end_ ? 0 : std::fread(reading_.get(), 1, io_size, f_);
            lock.lock();
            end_ = end_ || n < io_size;
            reading_size_ = n;
            ready_ = true;
            done = n == 0;
            changed_.notify_all();
        }
    }

    std::FILE* f_;
    std::unique_ptr<std::uint8_t[]> reading_{new std::uint8_t[io_size]}, current_{new std::uint8_t[io_size]};
    std::size_t reading_size_ = 0;
    std::mutex mutex_;
    std::condition_variable changed_;
    bool ready_ = false, stop_ = false, end_ = false;
    std::thread worker_;
};

bool open_output(const options& o, output_file& out, std::string& error) {
    if (!o.output || *o.output == "-") return true;
    out.f = std::fopen(o.output->c_str(), "wb");
    if (out.f == nullptr) return error = "cannot create " + terminal_text(*o.output), false;
    out.path = *o.output;
    return true;
}

std::string_view as_text(const std::vector<std::uint8_t>& b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Room for a header: the largest stanza (a hybrid one: a 1120-byte enc in base64 and a 32-byte
// body) takes under 1.6 KiB.
std::size_t header_capacity(std::size_t stanzas) { return 4096 + 2048 * stanzas; }

// The input's binary bytes: read as they are, or decoded from the ASCII armor as they arrive, so
// an armored file of any size goes through one read buffer.
class binary_input {
public:
    explicit binary_input(std::FILE* f) : f_(f), text_(io_size) {
        // The first bytes tell armor from binary.
        text_size_ = std::fread(text_.data(), 1, 64, f_);
        armored_ = env::armor::looks_armored(std::string_view(text_.data(), text_size_));
    }
    [[nodiscard]] bool armored() const { return armored_; }
    [[nodiscard]] env::error armor_error() const { return armor_error_; }
    [[nodiscard]] bool read_failed() const { return std::ferror(f_) != 0; }

    // Up to out.size() binary bytes; 0 at the end or on an error.
    std::size_t read(carapace::byte_span out) {
        // The decoder writes a line (up to 48 bytes) at a time: smaller asks go through a carry.
        if (armored_ && (carry_pos_ < carry_size_ || out.size() < carry_.size())) {
            if (carry_pos_ == carry_size_) {
                carry_pos_ = 0;
                carry_size_ = decode(carry_);
            }
            const std::size_t n = std::min(out.size(), carry_size_ - carry_pos_);
            std::memcpy(out.data(), carry_.data() + carry_pos_, n);
            carry_pos_ += n;
            return n;
        }
        if (!armored_) {
            const std::size_t held = std::min(out.size(), text_size_ - text_pos_);
            std::memcpy(out.data(), text_.data() + text_pos_, held);
            text_pos_ += held;
            return held + (held < out.size() ? std::fread(out.data() + held, 1, out.size() - held, f_) : 0);
        }
        return decode(out);
    }

private:
    std::size_t decode(carapace::byte_span out) {
        std::size_t produced = 0;
        while (produced == 0 && armor_error_ == env::error::ok && !finished_) {
            if (text_pos_ == text_size_) {
                text_pos_ = 0;
                text_size_ = std::fread(text_.data(), 1, text_.size(), f_);
                if (text_size_ == 0) {
                    finished_ = true;
                    armor_error_ = decoder_.finish();
                    break;
                }
            }
            const auto step = decoder_.update(std::string_view(text_.data() + text_pos_, text_size_ - text_pos_), out);
            text_pos_ += step.consumed;
            produced = step.produced;
            armor_error_ = step.status;
        }
        return produced;
    }

    std::FILE* f_;
    std::vector<char> text_;
    std::size_t text_pos_ = 0, text_size_ = 0;
    bool armored_ = false, finished_ = false;
    env::armor::decoder decoder_;
    env::error armor_error_ = env::error::ok;
    carapace::bytes<48> carry_{};
    std::size_t carry_pos_ = 0, carry_size_ = 0;
};

// Reads the header and nonce into `head` (perhaps with some payload after them). Returns ok, or
// the error of a header that cannot be complete.
env::error read_header(binary_input& in, std::vector<std::uint8_t>& head) {
    for (std::size_t want = 4096;; want *= 2) {
        const std::size_t old = head.size();
        head.resize(want);
        std::size_t got = old;
        while (got < want) {
            const std::size_t n = in.read(carapace::byte_span(head).subspan(got));
            if (n == 0) break;
            got += n;
        }
        head.resize(got);
        if (in.armor_error() != env::error::ok) return in.armor_error();
        env::header_view h;
        const env::error e = env::parse_header(as_text(head), h);
        if (e == env::error::ok && head.size() >= h.text.size() + env::payload_nonce_size) return e;
        if (e != env::error::ok && e != env::error::need_more_input) return e;
        // Each round doubles what is held, so parsing again costs linear time overall.
        if (got < want || head.size() > max_header_size) return e == env::error::ok ? env::error::need_more_input : e;
    }
}

int decrypt_range(const options& o, std::FILE* f, const env::opened_header& opened, output_file& out) {
    const std::string& r = *o.range;
    const std::size_t colon = r.find(':');
    const auto start = parse_decimal(r.substr(0, colon), ~std::uint64_t{0} >> 1);
    const auto end = colon == std::string::npos ? std::nullopt : parse_decimal(r.substr(colon + 1), ~std::uint64_t{0} >> 1);
    if (!start || !end || *end < *start) return usage_error("--range takes START:END byte offsets, START <= END");
    if (f == stdin || std::fseek(f, 0, SEEK_END) != 0) return usage_error("--range needs a seekable input file");
    const long size = std::ftell(f);
    if (size < 0 || static_cast<std::uint64_t>(size) < opened.payload_offset) return usage_error("cannot size the input");
    const env::random_access ra(env::payload_key(opened.key, opened.nonce),
                                static_cast<std::uint64_t>(size) - opened.payload_offset);
    if (ra.status() != env::error::ok) return age_failure(ra.status());
    const std::uint64_t stop = std::min<std::uint64_t>(*end, ra.plaintext_size());
    std::vector<std::uint8_t> sealed(env::sealed_chunk_size), plain(env::chunk_size);
    for (std::uint64_t at = *start; at < stop;) {
        const std::uint64_t i = env::random_access::chunk_of(at);
        const auto where = ra.sealed_range(i);
        if (std::fseek(f, static_cast<long>(opened.payload_offset + where.offset), SEEK_SET) != 0 ||
            std::fread(sealed.data(), 1, where.size, f) != where.size)
            return failure("read error");
        std::size_t n = 0;
        if (const env::error e = ra.open_chunk(i, carapace::byte_view(sealed.data(), where.size), plain, n);
            e != env::error::ok)
            return age_failure(e);
        const std::uint64_t base = i * env::chunk_size;
        const std::uint64_t to = std::min<std::uint64_t>(stop, base + n);
        if (!out.write(plain.data() + (at - base), to - at)) return failure("write error");
        at = to;
    }
    out.ok = true;
    return exit_ok;
}

}  // namespace

int cmd_age_keygen(std::span<char* const> args) {
    const options o = age::parse_options(args);
    if (!o.error.empty()) return usage_error(o.error);
    if (!o.positionals.empty()) return usage_error("unexpected argument '" + terminal_text(o.positionals[0]) + "'");
    output_file out;
    std::string error;
    if (!open_output(o, out, error)) return usage_error(error);
    age::os_random rng;
    carapace::bytes<32> sk{};
    rng.fill(sk);
    // -pq: an ML-KEM-768 + X25519 hybrid identity (age-keygen -pq), else an X25519 one.
    std::string id_text, r_text;
    if (o.post_quantum) {
        const auto id = std::make_unique<env::hybrid_identity>(sk);
        if (!id->valid()) return failure("hybrid key generation failed");
        std::array<char, env::hybrid_identity_text_size> i{};
        std::array<char, env::hybrid_recipient_text_size> r{};
        id_text.assign(i.data(), id->identity_text(i));
        r_text.assign(r.data(), id->recipient_text(r));
        carapace::secure_wipe(i);
    } else {
        const env::x25519_identity id(sk);
        std::array<char, env::identity_text_size> i{};
        std::array<char, env::recipient_text_size> r{};
        id_text.assign(i.data(), id.identity_text(i));
        r_text.assign(r.data(), id.recipient_text(r));
        carapace::secure_wipe(i);
    }
    carapace::secure_wipe(sk);
    char when[32] = {};
    const std::time_t now = std::time(nullptr);
    const std::tm utc = platform::utc_time(now);
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &utc);
    std::string text = std::string("# created: ") + when + "\n# public key: " + r_text + "\n" + id_text + "\n";
    carapace::secure_wipe(id_text.data(), id_text.size());
    if (!out.path.empty()) {
        platform::make_private(out.path);
        std::fprintf(stderr, "Public key: %s\n", r_text.c_str());
    }
    const bool written = out.write(text.data(), text.size());
    carapace::secure_wipe(text.data(), text.size());
    if (!written) return failure("write error");
    out.ok = true;
    return exit_ok;
}

int cmd_age_encrypt(std::span<char* const> args) {
    const options o = age::parse_options(args);
    if (!o.error.empty()) return usage_error(o.error);
    if (o.range) return usage_error("--range is for decrypt");
    key_set keys;
    if (const std::string e = age::load_recipients(o, keys); !e.empty()) return usage_error(e);
    input_file in;
    output_file out;
    std::string error;
    if (!open_input(o, in, error) || !open_output(o, out, error)) return usage_error(error);
    age::os_random rng;
    std::vector<char> header(header_capacity(keys.wrappers.size()));
    std::size_t header_size = 0;
    env::file_key key{};
    carapace::bytes<env::payload_nonce_size> nonce{};
    if (const env::error e = env::begin_file(keys.wrappers, rng, header, header_size, key, nonce); e != env::error::ok)
        return age_failure(e);
    auto enc = std::make_unique<env::stream_encryptor>(env::payload_key(key, nonce));
    carapace::secure_wipe(key);
    // The output is written behind (a second thread); armored output goes through the streaming
    // armor encoder on its way there.
    write_behind sink(out);
    env::armor::encoder armor;
    auto emit = [&](const void* p, std::size_t n) {
        if (!o.armor) return sink.put(p, n);
        carapace::byte_view rest(static_cast<const std::uint8_t*>(p), n);
        while (!rest.empty()) {
            const auto text = sink.room(2 * env::sealed_chunk_size);
            const auto step = armor.update(rest, std::span<char>(reinterpret_cast<char*>(text.data()), text.size()));
            if (!sink.commit(step.produced)) return false;
            rest = rest.subspan(step.consumed);
        }
        return true;
    };
    if (!emit(header.data(), header_size) || !emit(nonce.data(), nonce.size())) return failure("write error");
    // Reads of many chunks let the encryptor seal straight from the read buffer; binary output is
    // sealed straight into the writer's buffer.
    std::vector<std::uint8_t> sealed(o.armor ? env::sealed_chunk_size : 0);
    auto seal = [&](auto&& step_of) {
        if (!o.armor) {
            const auto s = step_of(sink.room(env::sealed_chunk_size));
            return std::make_pair(s, sink.commit(s.produced));
        }
        const auto s = step_of(carapace::byte_span(sealed));
        return std::make_pair(s, emit(sealed.data(), s.produced));
    };
    read_ahead source(in.f);
    for (carapace::byte_view buffer; !(buffer = source.next()).empty();) {
        for (std::size_t used = 0; used < buffer.size();) {
            const auto [s, written] =
                seal([&](carapace::byte_span to) { return enc->update(buffer.subspan(used), to); });
            if (!written) return failure("write error");
            used += s.consumed;
        }
    }
    if (source.failed()) return failure("read error");
    if (!seal([&](carapace::byte_span to) { return enc->finish(to); }).second) return failure("write error");
    if (o.armor) {
        const auto text = sink.room(env::armor::encoder::max_finish_size);
        if (!sink.commit(armor.finish(std::span<char>(reinterpret_cast<char*>(text.data()), text.size()))))
            return failure("write error");
    }
    if (!sink.close() || std::fflush(out.f) != 0) return failure("write error");
    out.ok = true;
    return exit_ok;
}

int cmd_age_decrypt(std::span<char* const> args) {
    const options o = age::parse_options(args);
    if (!o.error.empty()) return usage_error(o.error);
    if (o.armor || !o.recipients.empty() || !o.recipient_files.empty() || o.kek_id)
        return usage_error("decrypt takes -i, -p or --kek-ring, not recipients or -a");
    key_set keys;
    if (const std::string e = age::load_identities(o, keys); !e.empty()) return usage_error(e);
    input_file in;
    output_file out;
    std::string error;
    if (!open_input(o, in, error) || !open_output(o, out, error)) return usage_error(error);
    binary_input source(in.f);
    std::vector<std::uint8_t> head;
    if (const env::error e = read_header(source, head); e != env::error::ok) return age_failure(e);
    env::opened_header opened;
    if (const env::error e = env::open_header(as_text(head), keys.wrappers, opened); e != env::error::ok)
        return age_failure(e);
    if (o.range) {
        if (source.armored()) return usage_error("--range needs a binary (not armored) file");
        return decrypt_range(o, in.f, opened, out);
    }
    auto dec = std::make_unique<env::stream_decryptor>(env::payload_key(opened.key, opened.nonce));
    // Plaintext is opened straight into the buffer a second thread writes out (write_behind).
    write_behind sink(out);
    auto feed = [&](const std::uint8_t* p, std::size_t n) -> env::error {
        std::size_t used = 0;
        while (used < n) {
            const auto s = dec->update(carapace::byte_view(p + used, n - used), sink.room(env::chunk_size));
            if (s.status != env::error::ok) return s.status;
            if (!sink.commit(s.produced)) return env::error::invalid_argument;
            used += s.consumed;
        }
        return env::error::ok;
    };
    env::error e = feed(head.data() + opened.payload_offset, head.size() - opened.payload_offset);
    if (source.armored()) {
        std::vector<std::uint8_t> buffer(io_size);
        for (std::size_t n = 0; e == env::error::ok && (n = source.read(buffer)) > 0;) e = feed(buffer.data(), n);
        // The armor's end is checked before the final chunk is released.
        if (e == env::error::ok) e = source.armor_error();
    } else {
        // read_header took the bytes source had peeked at (it asks for 4 KiB and more): the rest
        // of the file is read ahead by a second thread.
        read_ahead ahead(in.f);
        for (carapace::byte_view b; e == env::error::ok && !(b = ahead.next()).empty();) e = feed(b.data(), b.size());
    }
    if (e == env::error::ok && source.read_failed()) return failure("read error");
    if (e == env::error::ok) {
        const auto s = dec->finish(sink.room(env::chunk_size));
        e = s.status;
        if (e == env::error::ok && !sink.commit(s.produced)) return failure("write error");
    }
    if (e == env::error::invalid_argument) return failure("write error");
    if (e != env::error::ok) return age_failure(e);
    if (!sink.close() || std::fflush(out.f) != 0) return failure("write error");
    out.ok = true;
    return exit_ok;
}

int cmd_age_rewrap(std::span<char* const> args) {
    options o = age::parse_options(args);
    if (!o.error.empty()) return usage_error(o.error);
    if (o.positionals.size() != 1 || o.positionals[0] == "-") return usage_error("rewrap takes one input FILE");
    if (o.armor || o.range) return usage_error("rewrap takes no -a or --range");
    // Old side: -i, -p, --kek-ring (any version). New side: -r, -R, --kek-ring --kek-id (newest).
    key_set old_keys, new_keys;
    options old_side = o;
    old_side.recipients.clear();
    old_side.recipient_files.clear();
    if (const std::string e = age::load_identities(old_side, old_keys); !e.empty()) return usage_error(e);
    options new_side = o;
    new_side.passphrase = false;
    if (!o.kek_id) new_side.kek_ring.reset();
    if (const std::string e = age::load_recipients(new_side, new_keys); !e.empty()) return usage_error(e);
    input_file in;
    std::string error;
    if (!open_input(o, in, error)) return usage_error(error);
    binary_input source(in.f);
    if (source.armored()) return usage_error("rewrap works on binary (not armored) files");
    std::vector<std::uint8_t> head;
    if (const env::error e = read_header(source, head); e != env::error::ok) return age_failure(e);
    age::os_random rng;
    std::vector<char> header(header_capacity(new_keys.wrappers.size()));
    std::size_t new_size = 0, old_size = 0;
    if (const env::error e = env::rewrap(as_text(head), old_keys.wrappers, new_keys.wrappers, rng, header, new_size, old_size);
        e != env::error::ok)
        return age_failure(e);
    // In place: a temporary file beside the input, renamed over it once complete.
    options target = o;
    if (!o.output) target.output = o.positionals[0] + ".rewrap-tmp";
    output_file out;
    if (!open_output(target, out, error)) return usage_error(error);
    // In place, the file keeps its permissions.
    if (!o.output) platform::copy_permissions(o.positionals[0], out.f);
    bool ok = out.write(header.data(), new_size) && out.write(head.data() + old_size, head.size() - old_size);
    std::vector<std::uint8_t> buffer(1 << 16);
    for (std::size_t n = 0; ok && (n = std::fread(buffer.data(), 1, buffer.size(), in.f)) > 0;) ok = out.write(buffer.data(), n);
    if (!ok || std::ferror(in.f) || std::fflush(out.f) != 0) return failure("read or write error");
    out.ok = true;
    if (!o.output) {
        std::fclose(out.f);
        out.path.clear();
        if (!platform::replace_file(*target.output, o.positionals[0])) {
            std::remove(target.output->c_str());
            return failure("cannot replace " + terminal_text(o.positionals[0]));
        }
    }
    return exit_ok;
}

}  // namespace carapace_tool
