/* Minimal Cortex-M4 startup: the vector table, and a reset handler that copies .data from flash,
   zeroes .bss, runs the static constructors and calls main. No C library start files. (C, since
   C++ may not call main.) */
#include <stdint.h>

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);
int main(void);
void Reset_Handler(void);
void Default_Handler(void);

void Default_Handler(void) {
    for (;;) {
    }
}

void Reset_Handler(void) {
    const uint32_t* src = &_sidata;
    for (uint32_t* dst = &_sdata; dst < &_edata;) *dst++ = *src++;
    for (uint32_t* dst = &_sbss; dst < &_ebss;) *dst++ = 0;
    for (void (**f)(void) = __init_array_start; f < __init_array_end; ++f) (*f)();
    main();
    for (;;) {
    }
}

/* The initial stack pointer, then reset, NMI, HardFault, MemManage, BusFault, UsageFault. */
struct vector_table {
    void* stack;
    void (*handlers[6])(void);
};
__attribute__((section(".isr_vector"), used)) const struct vector_table vectors = {
    &_estack,
    {Reset_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler},
};
