// carapace-tool: command-line access to carapace's primitives, in the spirit of `openssl` and
// `bssl`. The command contract (names, arguments, output, exit status) is stable.
#include "commands.hpp"

int main(int argc, char** argv) { return carapace_tool::run(argc, argv); }
