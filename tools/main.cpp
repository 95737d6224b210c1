// carapace-tool: command-line access to carapace's primitives, in the spirit of `openssl` and
// `bssl`. The command contract (names, arguments, output, exit status) is stable.
#include <string>

#include "cli.hpp"
#include "commands.hpp"
#include "platform.hpp"

int main(int argc, char** argv) {
    // Once per process (signals, Winsock, binary stdio), here rather than in run(), which the
    // command-line fuzzer calls many times.
    if (std::string error; !carapace_tool::platform::prepare_process(error)) return carapace_tool::failure(error);
    return carapace_tool::run(argc, argv);
}
