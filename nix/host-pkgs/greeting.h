/* A one-function shared library, so that `hello` needs a second store path besides glibc. */
const char *greeting(void);
