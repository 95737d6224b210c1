// The RSA tests as one translation unit of their own: the 64- and 32-bit instantiations of the
// arithmetic and the vector files take as long to compile as a whole other group.
#include "test_rsa.cpp"
#include "test_rsa_sha3.cpp"
