#pragma once
// An AddressSanitizer build (-DPARTEDIT_SANITIZE=address) cannot dlopen the T5 tokenizer's
// sentencepiece module (RTLD_DEEPBIND) nor start under an address-space limit (its shadow
// memory reserves terabytes): a test that needs either skips there, saying why.
#include <QtTest>

#ifdef __SANITIZE_ADDRESS__
#define PARTEDIT_SKIP_IN_ASAN_BUILD(why) QSKIP("not in an AddressSanitizer build: " why)
#else
#define PARTEDIT_SKIP_IN_ASAN_BUILD(why) static_cast<void>(0)
#endif
