// The client side of the server scenarios: N clients that connect at once,
// send their name, read the reply and report how long they waited. Both
// server listings contain the same client code, at their own line numbers.
#pragma once

#include "scenario.hpp"

namespace loopscope {

struct ClientLines {
  int start, open, write, drain, read, close, wait_closed, ret;  // client()
  int gather, print;                                             // clients()
};

// `asyncio.run(clients(port))` on the client loop: gathers N client() calls
// and prints each one's line in argument order.
Coroutine drive_clients(int port, int n_clients, ClientLines lines);

}  // namespace loopscope
