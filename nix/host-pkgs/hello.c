/* Prints the greeting of libgreeting, then its arguments: proves the loader, libc and
   libgreeting (three store paths) are all reachable inside the image. */
#include <stdio.h>
#include "greeting.h"

int main(int argc, char **argv) {
  printf("%s\n", greeting());
  for (int i = 1; i < argc; i++) printf("arg: %s\n", argv[i]);
  return 0;
}
