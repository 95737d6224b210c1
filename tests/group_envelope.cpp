// The age v1 envelope and HPKE tests as one translation unit (see group_tls.cpp for why groups).
#include "test_envelope.cpp"
#include "test_envelope_files.cpp"
#include "test_hpke.cpp"
