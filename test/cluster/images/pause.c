/*
 * Minimal pod sandbox process for the kubeknock test cluster: holds the pod's namespaces open,
 * reaps any orphaned children (it is PID 1 of the pod when PID namespaces are shared) and exits
 * cleanly on SIGINT/SIGTERM. Built statically with gcc into the image localhost/kubeknock-pause:1.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig) {
  (void)sig;
  _exit(0);
}

static void on_child(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    puts("kubeknock-pause 1");
    return 0;
  }
  if (getpid() != 1) {
    fputs("warning: not running as PID 1\n", stderr);
  }
  struct sigaction stop = {0}, child = {0};
  stop.sa_handler = on_stop;
  child.sa_handler = on_child;
  child.sa_flags = SA_NOCLDSTOP | SA_RESTART;
  if (sigaction(SIGINT, &stop, NULL) < 0 || sigaction(SIGTERM, &stop, NULL) < 0 ||
      sigaction(SIGCHLD, &child, NULL) < 0) {
    perror("sigaction");
    return 1;
  }
  for (;;) {
    pause();
  }
}
