// The TLS tests as one translation unit. Each of them instantiates the whole engine (every suite,
// every crypto engine behind it), which is most of what compiling one costs; together they
// instantiate it once. The files stay separate for reading and must not share names.
#include "test_tls_alerts.cpp"
#include "test_tls_codecs.cpp"
#include "test_tls_codecs_hello.cpp"
#include "test_tls_codecs_rfc8448.cpp"
#include "test_tls_conformance.cpp"
#include "test_tls_engine.cpp"
#include "test_tls_engine_api.cpp"
#include "test_tls_key_schedule.cpp"
#include "test_tls_lent_buffers.cpp"
#include "test_tls_negotiation.cpp"
#include "test_tls_reassembly.cpp"
#include "test_tls_record.cpp"
#include "test_tls_record_layer.cpp"
#include "test_tls_rfc8448.cpp"
#include "test_tls_suite_switches.cpp"
#include "test_tls_transcript.cpp"
