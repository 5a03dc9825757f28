// Everything a scenario's coroutines use: the C++ spelling of `import asyncio`.
#pragma once

#include "call_soon.hpp"
#include "coro.hpp"
#include "event.hpp"
#include "future.hpp"
#include "gather.hpp"
#include "lock.hpp"
#include "loop.hpp"
#include "print.hpp"
#include "queue.hpp"
#include "sleep.hpp"
#include "task.hpp"
#include "task_group.hpp"
#include "timeout.hpp"
#include "trace.hpp"
#include "value.hpp"
