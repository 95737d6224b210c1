// The 512-bit product t7..t0 = a * b of two four-word numbers that %[a] and %[b] point to, in
// inline assembly for BMI2 and ADX: four rows of MULX, rows after the first adding their low and
// high halves on two carry chains (ADCX on CF, ADOX on OF). Shared by the Curve25519 and P-256
// fields (fe25519_mulx.hpp, p256_mulx.hpp), which then reduce it each their own way. Operands the
// asm statement must name: [a], [b] (pointers), [t0]..[t7], [lo], [hi] (outputs); rdx clobbered.
#pragma once

#define CARAPACE_MULX_PRODUCT_4X4 \
    "movq 0(%[b]), %%rdx\n\t" \
    "mulxq 0(%[a]), %[t0], %[t1]\n\t" \
    "mulxq 8(%[a]), %[lo], %[t2]\n\t" \
    "addq %[lo], %[t1]\n\t" \
    "mulxq 16(%[a]), %[lo], %[t3]\n\t" \
    "adcq %[lo], %[t2]\n\t" \
    "mulxq 24(%[a]), %[lo], %[t4]\n\t" \
    "adcq %[lo], %[t3]\n\t" \
    "adcq $0, %[t4]\n\t" \
    "movq 8(%[b]), %%rdx\n\t" \
    "xorl %k[t5], %k[t5]\n\t" \
    "mulxq 0(%[a]), %[lo], %[hi]\n\t" \
    "adcxq %[lo], %[t1]\n\t" \
    "adoxq %[hi], %[t2]\n\t" \
    "mulxq 8(%[a]), %[lo], %[hi]\n\t" \
    "adcxq %[lo], %[t2]\n\t" \
    "adoxq %[hi], %[t3]\n\t" \
    "mulxq 16(%[a]), %[lo], %[hi]\n\t" \
    "adcxq %[lo], %[t3]\n\t" \
    "adoxq %[hi], %[t4]\n\t" \
    "mulxq 24(%[a]), %[lo], %[hi]\n\t" \
    "adcxq %[lo], %[t4]\n\t" \
    "adoxq %[hi], %[t5]\n\t" \
    "adcq $0, %[t5]\n\t" \
    "movq 16(%[b]), %%rdx\n\t" \
    "xorl %k[t6], %k[t6]\n\t" \
    "mulxq 0(%[a]), %[lo], %[hi]\n\t" \
    "adcxq %[lo], %[t2]\n\t" \
    "adoxq %[hi], %[t3]\n\t" \
    "mulxq 8(%[a]), %[lo], %[hi]\n\t" \
    "adcxq %[lo], %[t3]\n\t" \
    "adoxq %[hi], %[t4]\n\t" \
    "mulxq 16(%[a]), %[lo], %[hi]\n\t" \
    "adcxq %[lo], %[t4]\n\t" \
    "adoxq %[hi], %[t5]\n\t" \
    "mulxq 24(%[a]), %[lo], %[hi]\n\t" \
    "adcxq %[lo], %[t5]\n\t" \
    "adoxq %[hi], %[t6]\n\t" \
    "adcq $0, %[t6]\n\t" \
    "movq 24(%[b]), %%rdx\n\t" \
    "xorl %k[t7], %k[t7]\n\t" \
    "mulxq 0(%[a]), %[lo], %[hi]\n\t" \
    "adcxq %[lo], %[t3]\n\t" \
    "adoxq %[hi], %[t4]\n\t" \
    "mulxq 8(%[a]), %[lo], %[hi]\n\t" \
    "adcxq %[lo], %[t4]\n\t" \
    "adoxq %[hi], %[t5]\n\t" \
    "mulxq 16(%[a]), %[lo], %[hi]\n\t" \
    "adcxq %[lo], %[t5]\n\t" \
    "adoxq %[hi], %[t6]\n\t" \
    "mulxq 24(%[a]), %[lo], %[hi]\n\t" \
    "adcxq %[lo], %[t6]\n\t" \
    "adoxq %[hi], %[t7]\n\t" \
    "adcq $0, %[t7]\n\t"
