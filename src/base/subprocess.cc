#include "vigie/base/subprocess.h"

#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

extern char** environ;

namespace vigie {
namespace {

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// A socket pair rather than two pipes: send() with MSG_NOSIGNAL reports a
// program that ended before reading its input as an error, where a pipe
// would raise SIGPIPE in the whole process.
struct Socket {
  int fd = -1;
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

// Sends `input`, then shuts the socket for writing, while it takes what
// comes back, so a program that writes as it reads never blocks on a full
// socket while this one blocks on another.
bool Exchange(int fd, std::string_view input, uint64_t max_output, std::string& out, std::string& failure) {
  auto fail = [&](std::string why) {
    failure = std::move(why);
    return false;
  };
  bool sending = true;
  if (input.empty()) {
    if (::shutdown(fd, SHUT_WR) != 0) return fail(Errno("shutdown"));
    sending = false;
  }
  char chunk[1 << 16];
  for (;;) {
    pollfd p{fd, static_cast<short>(POLLIN | (sending ? POLLOUT : 0)), 0};
    if (::poll(&p, 1, -1) < 0) {
      if (errno == EINTR) continue;
      return fail(Errno("poll"));
    }
    if (sending && (p.revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t n = ::send(fd, input.data(), input.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno != EINTR && errno != EAGAIN) return fail(Errno("writing to the program"));
      if (n > 0) input.remove_prefix(static_cast<size_t>(n));
      if (input.empty()) {
        if (::shutdown(fd, SHUT_WR) != 0) return fail(Errno("shutdown"));
        sending = false;
      }
    }
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, MSG_DONTWAIT);
      if (n == 0) {
        return sending ? fail("the program ended before reading all its input") : true;
      }
      if (n < 0 && errno != EINTR && errno != EAGAIN) return fail(Errno("reading from the program"));
      if (n > 0) {
        if (out.size() + static_cast<uint64_t>(n) > max_output)
          return fail("the program wrote more than " + std::to_string(max_output) + " bytes");
        out.append(chunk, static_cast<size_t>(n));
      }
    }
  }
}

}  // namespace

ProgramRun RunProgram(const std::string& path, std::string_view input, uint64_t max_output) {
  ProgramRun run;
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    run.failure = Errno("socketpair");
    return run;
  }
  Socket ours{fds[0]}, theirs{fds[1]};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // dup2 clears close-on-exec on the copies, so only these two reach it.
  posix_spawn_file_actions_adddup2(&actions, theirs.fd, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, theirs.fd, STDOUT_FILENO);
  char* argv[] = {const_cast<char*>(path.c_str()), nullptr};
  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, path.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    run.failure = "cannot run " + path + ": " + std::strerror(spawned);
    return run;
  }
  ::close(std::exchange(theirs.fd, -1));
  // Whatever fails here, the program is waited for, so none is left behind.
  const bool talked = Exchange(ours.fd, input, max_output, run.output, run.failure);
  ::close(std::exchange(ours.fd, -1));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      run.failure = Errno("waitpid");
      return run;
    }
  }
  // A program that failed says more by its status than by the broken
  // connection it left.
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    run.ok = talked;
  } else if (WIFEXITED(status)) {
    run.failure = path + " exited with status " + std::to_string(WEXITSTATUS(status));
  } else {
    run.failure = path + " was killed by signal " + std::to_string(WTERMSIG(status));
  }
  return run;
}

}  // namespace vigie
